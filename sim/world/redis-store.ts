/**
 * The synchronous core of the simulated Redis: a key space with strings, lists and sorted sets,
 * and expiry on the simulated clock. Zero latency; `SimRedis` (redis.ts) wraps it with a round trip
 * for learner code. Tests and reference patterns may call it directly.
 *
 * Fidelity notes (what differs from a real server, and why):
 * - Expiry is exact on a continuous clock: a key whose expiry time is <= now is gone. (Redis keeps a
 *   key alive during the millisecond it expires in, an artefact of its 1 ms clock.) It is lazy, as
 *   Redis's own is on access; no background sweeper is needed since nothing is observable in between.
 * - Integers are JavaScript's safe integers (±2^53-1), not int64: a value outside that range reads
 *   as "not an integer", and an increment past it overflows, with Redis's error texts.
 * - KEYS returns keys sorted (Redis returns them in hash order): the same on every run and engine.
 */
import {
  ERR_MINMAX_NOT_FLOAT,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  ResponseError,
} from "./errors";
import { globMatch } from "./redis-glob";

export type RedisValue = string | number;

export interface SetOptions {
  /** Expire after this many whole seconds. */
  EX?: number;
  /** Expire after this many whole milliseconds. */
  PX?: number;
  /** Only set when the key does not exist. */
  NX?: boolean;
  /** Only set when the key exists. */
  XX?: boolean;
  /** Keep the key's time to live (plain SET clears it). */
  KEEPTTL?: boolean;
}

/** A score bound: a number, "-inf", "+inf", or "(x" for an exclusive bound, as Redis spells them. */
export type ScoreBound = number | string;

interface StringEntry {
  type: "string";
  value: string;
}
interface ListEntry {
  type: "list";
  items: string[];
}
interface ZsetEntry {
  type: "zset";
  scores: Map<string, number>;
  /** Members ordered by (score, member), as ZRANGE reads them. */
  order: string[];
}
type Entry = (StringEntry | ListEntry | ZsetEntry) & { expireAtS: number | null };

export type RedisType = "string" | "list" | "zset" | "none";

const INTEGER_RE = /^(0|-?[1-9][0-9]*)$/;

export class SimRedisStore {
  private data = new Map<string, Entry>();

  /** `nowS` reads the simulated clock (a Sim's `() => sim.nowS`). */
  constructor(private readonly nowS: () => number) {}

  // ---- keys and expiry ----

  /** The live entry, deleting it first when it has expired. */
  private entry(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (e && e.expireAtS !== null && e.expireAtS <= this.nowS()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private typed<T extends Entry["type"]>(key: string, type: T): (Entry & { type: T }) | undefined {
    const e = this.entry(key);
    if (e && e.type !== type) throw new ResponseError(ERR_WRONGTYPE);
    return e as (Entry & { type: T }) | undefined;
  }

  del(...keys: string[]): number {
    let n = 0;
    for (const k of keys) if (this.entry(k) && this.data.delete(k)) n++;
    return n;
  }

  /** Counts a key once per time it is named, as Redis does (EXISTS k k is 2). */
  exists(...keys: string[]): number {
    return keys.reduce((n, k) => n + (this.entry(k) ? 1 : 0), 0);
  }

  type(key: string): RedisType {
    return this.entry(key)?.type ?? "none";
  }

  expire(key: string, seconds: number): number {
    return this.expireAt(key, seconds, 1);
  }

  pexpire(key: string, milliseconds: number): number {
    return this.expireAt(key, milliseconds, 1e-3);
  }

  /** A time to live that is zero or negative deletes the key at once (Redis 2.6+); still 1. */
  private expireAt(key: string, amount: number, unitS: number): number {
    const ttl = parseInteger(amount);
    const e = this.entry(key);
    if (!e) return 0;
    if (ttl <= 0) this.data.delete(key);
    else e.expireAtS = this.nowS() + ttl * unitS;
    return 1;
  }

  persist(key: string): number {
    const e = this.entry(key);
    if (!e || e.expireAtS === null) return 0;
    e.expireAtS = null;
    return 1;
  }

  /** Milliseconds left: -2 when the key is missing, -1 when it has no expiry. */
  pttl(key: string): number {
    const e = this.entry(key);
    if (!e) return -2;
    if (e.expireAtS === null) return -1;
    // Round to whole milliseconds, which is what Redis's clock holds (and hides float noise).
    return Math.max(0, Math.round((e.expireAtS - this.nowS()) * 1000));
  }

  /** Seconds left, rounded to the nearest second from the milliseconds, as Redis's (ttl+500)/1000. */
  ttl(key: string): number {
    const ms = this.pttl(key);
    return ms < 0 ? ms : Math.floor((ms + 500) / 1000);
  }

  /** Glob-style: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`. Sorted, so runs compare equal. */
  keys(pattern = "*"): string[] {
    const out: string[] = [];
    for (const k of [...this.data.keys()]) if (this.entry(k) && globMatch(pattern, k)) out.push(k);
    return out.sort();
  }

  flushall(): "OK" {
    this.data.clear();
    return "OK";
  }

  /** Number of live keys (DBSIZE). */
  dbsize(): number {
    return this.keys().length;
  }

  // ---- strings ----

  get(key: string): string | null {
    return this.typed(key, "string")?.value ?? null;
  }

  set(key: string, value: RedisValue, opts: SetOptions = {}): "OK" | null {
    const { EX, PX, NX, XX, KEEPTTL } = opts;
    const expiries = [EX, PX].filter((x) => x !== undefined).length + (KEEPTTL ? 1 : 0);
    if ((NX && XX) || expiries > 1) throw new ResponseError(ERR_SYNTAX);
    let ttlS: number | null = null;
    if (EX !== undefined || PX !== undefined) {
      const n = parseInteger(EX ?? PX!);
      if (n <= 0) throw new ResponseError("ERR invalid expire time in 'set' command");
      ttlS = EX !== undefined ? n : n / 1000;
    }
    const old = this.entry(key); // SET overwrites a key of any type
    if ((NX && old) || (XX && !old)) return null;
    const expireAtS = KEEPTTL && old ? old.expireAtS : ttlS === null ? null : this.nowS() + ttlS;
    this.data.set(key, { type: "string", value: String(value), expireAtS });
    return "OK";
  }

  incr(key: string): number {
    return this.incrby(key, 1);
  }

  decr(key: string): number {
    return this.incrby(key, -1);
  }

  decrby(key: string, decrement: number): number {
    return this.incrby(key, -parseInteger(decrement));
  }

  /** Keeps the key's time to live, as Redis does: INCR never touches expiry. */
  incrby(key: string, increment: number): number {
    const by = parseInteger(increment);
    const e = this.typed(key, "string");
    const current = e ? parseInteger(e.value) : 0;
    const next = current + by;
    if (!Number.isSafeInteger(next)) throw new ResponseError(ERR_OVERFLOW);
    if (e) e.value = String(next);
    else this.data.set(key, { type: "string", value: String(next), expireAtS: null });
    return next;
  }

  // ---- lists ----

  lpush(key: string, ...values: RedisValue[]): number {
    const l = this.list(key, values.length);
    for (const v of values) l.items.unshift(String(v));
    return l.items.length;
  }

  rpush(key: string, ...values: RedisValue[]): number {
    const l = this.list(key, values.length);
    for (const v of values) l.items.push(String(v));
    return l.items.length;
  }

  lpop(key: string): string | null {
    return this.pop(key, (items) => items.shift());
  }

  rpop(key: string): string | null {
    return this.pop(key, (items) => items.pop());
  }

  llen(key: string): number {
    return this.typed(key, "list")?.items.length ?? 0;
  }

  /** Inclusive range; negative indices count from the end, as in Redis. */
  lrange(key: string, start: number, stop: number): string[] {
    const items = this.typed(key, "list")?.items ?? [];
    const [a, b] = rangeIndices(items.length, parseInteger(start), parseInteger(stop));
    return items.slice(a, b);
  }

  private list(key: string, adding: number): ListEntry {
    if (adding === 0) throw new ResponseError("ERR wrong number of arguments for command");
    let l = this.typed(key, "list");
    if (!l) {
      l = { type: "list", items: [], expireAtS: null };
      this.data.set(key, l);
    }
    return l;
  }

  /** Redis deletes a list or a sorted set when its last element goes. */
  private pop(key: string, take: (items: string[]) => string | undefined): string | null {
    const l = this.typed(key, "list");
    if (!l) return null;
    const v = take(l.items) ?? null;
    if (l.items.length === 0) this.data.delete(key);
    return v;
  }

  // ---- sorted sets ----

  /** Adds or updates one member; 1 when it is new, else 0. */
  zadd(key: string, score: number, member: RedisValue): number {
    if (typeof score !== "number" || Number.isNaN(score)) throw new ResponseError(ERR_NOT_FLOAT);
    let z = this.typed(key, "zset");
    if (!z) {
      z = { type: "zset", scores: new Map(), order: [], expireAtS: null };
      this.data.set(key, z);
    }
    const m = String(member);
    const isNew = !z.scores.has(m);
    if (!isNew) z.order.splice(this.rank(z, m), 1);
    z.scores.set(m, score);
    z.order.splice(this.insertionPoint(z, score, m), 0, m);
    return isNew ? 1 : 0;
  }

  zrem(key: string, ...members: RedisValue[]): number {
    const z = this.typed(key, "zset");
    if (!z) return 0;
    let n = 0;
    for (const raw of members) {
      const m = String(raw);
      if (!z.scores.has(m)) continue;
      z.order.splice(this.rank(z, m), 1);
      z.scores.delete(m);
      n++;
    }
    if (z.order.length === 0) this.data.delete(key);
    return n;
  }

  zcard(key: string): number {
    return this.typed(key, "zset")?.order.length ?? 0;
  }

  zscore(key: string, member: RedisValue): number | null {
    return this.typed(key, "zset")?.scores.get(String(member)) ?? null;
  }

  /** By rank, inclusive, negative from the end; with `withScores`, [member, score] pairs (redis-py's shape). */
  zrange(key: string, start: number, stop: number): string[];
  zrange(key: string, start: number, stop: number, opts: { withScores: true }): [string, number][];
  zrange(key: string, start: number, stop: number, opts?: { withScores?: boolean }): string[] | [string, number][] {
    const z = this.typed(key, "zset");
    const order = z?.order ?? [];
    const [a, b] = rangeIndices(order.length, parseInteger(start), parseInteger(stop));
    const members = order.slice(a, b);
    return opts?.withScores ? members.map((m) => [m, z!.scores.get(m)!] as [string, number]) : members;
  }

  zrangebyscore(key: string, min: ScoreBound, max: ScoreBound): string[] {
    const z = this.typed(key, "zset");
    if (!z) return [];
    const inRange = scoreFilter(min, max);
    return z.order.filter((m) => inRange(z.scores.get(m)!));
  }

  /** Removes members with min <= score <= max (bounds may be "(x" exclusive, "-inf", "+inf"). */
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound): number {
    const inRange = scoreFilter(min, max);
    const z = this.typed(key, "zset");
    if (!z) return 0;
    const gone = z.order.filter((m) => inRange(z.scores.get(m)!));
    for (const m of gone) z.scores.delete(m);
    z.order = z.order.filter((m) => z.scores.has(m));
    if (z.order.length === 0) this.data.delete(key);
    return gone.length;
  }

  private rank(z: ZsetEntry, m: string): number {
    return this.insertionPoint(z, z.scores.get(m)!, m);
  }

  /** Binary search for (score, member) in the order: ties by member, in byte order as Redis. */
  private insertionPoint(z: ZsetEntry, score: number, member: string): number {
    let lo = 0;
    let hi = z.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = z.order[mid]!;
      const s = z.scores.get(m)!;
      if (s < score || (s === score && m < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Redis's strict integer parsing (string2ll): no spaces, no "+", no leading zeros, no fractions. */
export function parseInteger(x: RedisValue): number {
  if (typeof x === "number") {
    if (!Number.isSafeInteger(x)) throw new ResponseError(ERR_NOT_INTEGER);
    return x;
  }
  if (!INTEGER_RE.test(x)) throw new ResponseError(ERR_NOT_INTEGER);
  const n = Number(x);
  if (!Number.isSafeInteger(n)) throw new ResponseError(ERR_NOT_INTEGER);
  return n;
}

/** LRANGE/ZRANGE index clamping; returns a slice [from, to). */
function rangeIndices(len: number, start: number, stop: number): [number, number] {
  if (start < 0) start = Math.max(0, len + start);
  if (stop < 0) stop = len + stop;
  if (stop >= len) stop = len - 1;
  if (start > stop || start >= len) return [0, 0];
  return [start, stop + 1];
}

function parseBound(b: ScoreBound): { v: number; open: boolean } {
  if (typeof b === "number") {
    if (Number.isNaN(b)) throw new ResponseError(ERR_MINMAX_NOT_FLOAT);
    return { v: b, open: false };
  }
  const open = b.startsWith("(");
  const s = (open ? b.slice(1) : b).toLowerCase();
  const v = s === "-inf" ? -Infinity : s === "+inf" || s === "inf" ? Infinity : s.trim() === s && s !== "" ? Number(s) : NaN;
  if (Number.isNaN(v)) throw new ResponseError(ERR_MINMAX_NOT_FLOAT);
  return { v, open };
}

function scoreFilter(min: ScoreBound, max: ScoreBound): (score: number) => boolean {
  const lo = parseBound(min);
  const hi = parseBound(max);
  return (s) => (lo.open ? s > lo.v : s >= lo.v) && (hi.open ? s < hi.v : s <= hi.v);
}
