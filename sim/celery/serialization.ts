/**
 * Serialization as kombu does it: every task message is encoded where it is published and decoded
 * where it is consumed; every result is encoded into the backend and decoded by each get(). What
 * crosses a process boundary is a copy, never the object.
 *
 * kombu (kombu/serialization.py `dumps`) raises EncodeError at the caller when the payload cannot
 * be encoded; Celery's JSON encoder (kombu/utils/json.py `JSONEncoder.default`) turns a datetime
 * into its ISO string and calls an object's `__json__()` if it has one; anything else it cannot
 * encode is a TypeError wrapped as EncodeError. Here:
 *   - "json" (the default): plain objects, arrays, strings, finite numbers, booleans, null; a Date
 *     becomes its ISO string (as datetime.isoformat()), an object with a `toJSON()` method (the
 *     `__json__` of JavaScript) is encoded as what it returns; `undefined` becomes null in an
 *     array and drops out of an object (JSON.stringify's rule: Python has only None); NaN and
 *     ±Infinity become null. A Map, a Set, a BigInt, a function, a symbol or a class instance
 *     without toJSON raise EncodeError (Python's json refuses set, and every class it does not
 *     know).
 *   - "pickle": JavaScript's structured clone (what postMessage uses): Date, Map, Set, BigInt,
 *     typed arrays and cycles survive; a class instance arrives as a plain object (its prototype
 *     is not sent: unlike Python's pickle, the receiving process cannot look the class up by
 *     name), and a function raises EncodeError.
 */
import { EncodeError } from "./errors";

/** Node 17+ and every browser (window and workers) have it; sim/ is compiled without the DOM lib. */
const structuredClone = (globalThis as unknown as { structuredClone: <T>(v: T) => T }).structuredClone;

export type Serializer = "json" | "pickle";

/** kombu's content types, for messages and logs. */
export const CONTENT_TYPES: Record<Serializer, string> = {
  json: "application/json",
  pickle: "application/x-python-serialize",
};

/** An encoded payload: what the broker or the backend holds (never handed out itself). */
export interface Encoded {
  readonly serializer: Serializer;
  /** The JSON text (json, unless flat). */
  readonly text: string | null;
  /** The flat value (json) or the structured-clone snapshot (pickle). */
  readonly value: unknown;
  /** value holds only JSON's exact primitives, at most two levels deep: copied, not parsed. */
  readonly flat: boolean;
  /** Bytes on the wire (UTF-8 for JSON; a JSON-shaped estimate for pickle). */
  readonly sizeBytes: number;
}

/** `what` names the payload in an EncodeError; a function, so the hot path builds no string. */
export function encode(value: unknown, serializer: Serializer, what: string | (() => string)): Encoded {
  if (serializer === "pickle") {
    let copy: unknown;
    try {
      copy = structuredClone(value);
    } catch (e) {
      throw new EncodeError(`${nameOf(what)}: cannot pickle ${(e as Error).message}`);
    }
    return { serializer, text: null, value: copy, flat: false, sizeBytes: estimateSize(copy) };
  }
  // Fast path (most messages): primitives, or arrays and plain objects of finite numbers, strings,
  // booleans and null, two levels deep ([args, kwargs]). JSON would give back equal values, so a
  // shallow copy per decode is the same copy at a fraction of the cost (the bench counts it).
  const flat = flatCopy(value, 2, true);
  if (flat !== NOT_FLAT) {
    if (isArgsPair(flat)) return new FlatArgs(serializer, flat[0], flat[1], flatJsonSize(flat));
    return { serializer, text: null, value: flat, flat: true, sizeBytes: flatJsonSize(flat) };
  }
  assertJsonable(value, nameOf(what), "", new Set());
  const text = JSON.stringify(value === undefined ? null : value);
  return { serializer, text, value: null, flat: false, sizeBytes: utf8Length(text) };
}

/**
 * A flat task payload, [args, kwargs], kept as its two parts: the pair itself is made when read
 * (only decode() and the publisher's view read it, and neither keeps it), so a queued message does
 * not hold a 64-byte array and its own 64-byte Encoded (a million queued messages: ~70 MB).
 */
class FlatArgs implements Encoded {
  constructor(
    readonly serializer: Serializer,
    private readonly args: unknown[],
    private readonly kwargs: Record<string, unknown>,
    readonly sizeBytes: number,
  ) {}
  get text(): null {
    return null;
  }
  get flat(): true {
    return true;
  }
  get value(): [unknown[], Record<string, unknown>] {
    return [this.args, this.kwargs];
  }
  holds(args: unknown[], kwargs: Record<string, unknown>): boolean {
    return this.args === args && this.kwargs === kwargs;
  }
}

/** `enc` is a flat [args, kwargs] payload over exactly these two objects (JSON). */
export function isFlatArgsOf(enc: Encoded, args: unknown[], kwargs: Record<string, unknown>): boolean {
  return enc instanceof FlatArgs && enc.serializer === "json" && enc.holds(args, kwargs);
}

/** The flat JSON payload [args, kwargs] of `sizeBytes`, as encode() made it (a queue makes it again at delivery). */
export function flatArgs(args: unknown[], kwargs: Record<string, unknown>, sizeBytes: number): Encoded {
  return new FlatArgs("json", args, kwargs, sizeBytes);
}

function isArgsPair(v: unknown): v is [unknown[], Record<string, unknown>] {
  return Array.isArray(v) && v.length === 2 && Array.isArray(v[0]) && typeof v[1] === "object" && v[1] !== null && !Array.isArray(v[1]);
}

/** A fresh copy of the payload, each call (the receiving process's own objects). */
export function decode(enc: Encoded): unknown {
  if (enc.text !== null) return JSON.parse(enc.text);
  return enc.flat ? flatCopy(enc.value, 2) : structuredClone(enc.value);
}

function nameOf(what: string | (() => string)): string {
  return typeof what === "string" ? what : what();
}

const NOT_FLAT = Symbol("not flat");

/**
 * The stored copy of every empty object in a flat payload (the kwargs of most task messages): one
 * frozen object rather than 56 bytes per message and per task record. Stored copies are only ever
 * read; decode() gives each receiver a fresh object.
 */
export const EMPTY_OBJECT: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * A copy of a value made of JSON's exact primitives (no NaN, no undefined), else NOT_FLAT.
 * `stored`: the copy an Encoded keeps, whose empty objects are all EMPTY_OBJECT.
 */
function flatCopy(v: unknown, depth: number, stored = false): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : NOT_FLAT;
  if (depth === 0 || typeof v !== "object") return NOT_FLAT;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = flatCopy(v[i], depth - 1, stored);
      if (x === NOT_FLAT) return NOT_FLAT;
      out[i] = x;
    }
    return out;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return NOT_FLAT;
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k in v as Record<string, unknown>) {
    const x = flatCopy((v as Record<string, unknown>)[k], depth - 1, stored);
    if (x === NOT_FLAT) return NOT_FLAT;
    out[k] = x;
    empty = false;
  }
  return empty && stored ? EMPTY_OBJECT : out;
}

/**
 * The UTF-8 length of JSON.stringify(v) for a flat value, without building the whole text (a number
 * is written as JSON writes it, ToString; only strings are stringified, for their escapes).
 */
function flatJsonSize(v: unknown): number {
  if (v === null) return 4;
  switch (typeof v) {
    case "number":
      return Number.isInteger(v) && v >= 0 && v < 1e9 ? (v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : 9) : String(v).length;
    case "string":
      return utf8Length(JSON.stringify(v));
    case "boolean":
      return v ? 4 : 5;
  }
  if (Array.isArray(v)) {
    let n = 2 + Math.max(0, v.length - 1);
    for (let i = 0; i < v.length; i++) n += flatJsonSize(v[i]);
    return n;
  }
  let n = 2;
  let first = true;
  for (const k in v as Record<string, unknown>) {
    n += (first ? 0 : 1) + utf8Length(JSON.stringify(k)) + 1 + flatJsonSize((v as Record<string, unknown>)[k]);
    first = false;
  }
  return n;
}

/** Encode and decode at once: the value the other process sees. */
export function roundTrip(value: unknown, serializer: Serializer, what: string | (() => string)): { value: unknown; sizeBytes: number } {
  const enc = encode(value, serializer, what);
  return { value: decode(enc), sizeBytes: enc.sizeBytes };
}

/** kombu's ContentDisallowed text (kombu/serialization.py `_check_accept`). */
export function contentDisallowed(serializer: Serializer): string {
  return `Refusing to deserialize untrusted content of type ${serializer} (${CONTENT_TYPES[serializer]})`;
}

/** True when `accept` lets this serializer in (names or content types, as prepare_accept_content). */
export function accepts(accept: readonly string[], serializer: Serializer): boolean {
  return accept.includes(serializer) || accept.includes(CONTENT_TYPES[serializer]);
}

function typeName(v: unknown): string {
  if (typeof v === "bigint") return "bigint";
  if (typeof v === "function") return "function";
  if (typeof v === "symbol") return "symbol";
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor?.name || "object";
}

function assertJsonable(v: unknown, what: string, path: string, open: Set<object>): void {
  if (v === null || v === undefined) return;
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return;
  if (t !== "object") throw notSerializable(v, what, path);
  if (v instanceof Date) return;
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return;
  const o = v as object;
  // Python's json: "ValueError: Circular reference detected", wrapped as EncodeError by kombu.
  if (open.has(o)) throw new EncodeError(`${what}: Circular reference detected${path ? ` (at ${path})` : ""}`);
  open.add(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) assertJsonable(o[i], what, `${path}[${i}]`, open);
  } else {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) throw notSerializable(o, what, path);
    for (const k in o) assertJsonable((o as Record<string, unknown>)[k], what, path ? `${path}.${k}` : k, open);
  }
  open.delete(o);
}

function notSerializable(v: unknown, what: string, path: string): EncodeError {
  const at = path ? ` (at ${path})` : "";
  return new EncodeError(`${what}: Object of type ${typeName(v)} is not JSON serializable${at}`);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A JSON-shaped size for a structured clone (pickle's exact bytes are Python's business). */
function estimateSize(v: unknown): number {
  try {
    return utf8Length(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x instanceof Map || x instanceof Set ? [...x] : x)) ?? "null");
  } catch {
    return 0;
  }
}
