/**
 * The learner's Redis: every command is a promise that costs one simulated round trip.
 *
 * Timing. A command leaves the client at t, reaches the server at t + roundTripS/2, runs there at
 * once and whole, and its reply is back at t + roundTripS. The value is computed on arrival, not
 * at send time, because that is the moment that orders it against other clients' commands: two
 * workers that send INCR at the same instant are served in the order they were sent (the kernel's
 * sequence numbers), and a command sent just before another client's EXPIRE lands before it.
 *
 * Atomicity. Each command is atomic, as in Redis (there is one server loop). A sequence of commands
 * is not: between this client's INCR and its EXPIRE, a round trip passes in which any other command
 * may run, and if the worker dies in between the EXPIRE never leaves, leaving a counter that never
 * expires (the classic flaw in the seed's lab 3.1 limiter, reproducible here by killing a worker).
 * A command already sent still runs on the server when its sender dies; only the reply is dropped.
 *
 * Error replies (WRONGTYPE, "not an integer") reject the promise when the reply arrives.
 */
import type { Sim } from "../engine/sim";
import { SimRedisStore, type RedisType, type RedisValue, type ScoreBound, type SetOptions } from "./redis-store";

export { SimRedisStore, parseInteger, type RedisValue, type ScoreBound, type SetOptions, type RedisType } from "./redis-store";

export interface SimRedisOptions {
  /** Client to server and back, in simulated seconds (default 0.0005: a LAN round trip). */
  roundTripS?: number;
  /** Share a key space between several clients (each may have its own round trip). */
  store?: SimRedisStore;
}

export class SimRedis {
  readonly store: SimRedisStore;
  readonly roundTripS: number;
  /** Commands sent so far, in total and by name (labs count round trips with these). */
  commandCount = 0;
  readonly countByCommand: Record<string, number> = {};

  constructor(
    private readonly sim: Sim,
    opts: SimRedisOptions = {},
  ) {
    const rt = opts.roundTripS ?? 0.0005;
    if (!(rt >= 0) || !Number.isFinite(rt)) throw new RangeError(`roundTripS must be a finite number >= 0, not ${rt}`);
    this.roundTripS = rt;
    this.store = opts.store ?? new SimRedisStore(() => sim.nowS);
  }

  /** Send one command: run `op` on the server half a round trip from now, reply after the other half. */
  private send<R>(name: string, op: (s: SimRedisStore) => R): Promise<R> {
    this.commandCount++;
    this.countByCommand[name] = (this.countByCommand[name] ?? 0) + 1;
    const p = this.sim.pending<R>();
    const halfS = this.roundTripS / 2;
    this.sim.sched.schedule(halfS, () => {
      let ok = true;
      let value: unknown;
      try {
        value = op(this.store);
      } catch (e) {
        ok = false;
        value = e;
      }
      this.sim.settle(p, ok, value, halfS);
    });
    return p.promise;
  }

  get(key: string): Promise<string | null> {
    return this.send("GET", (s) => s.get(key));
  }
  set(key: string, value: RedisValue, opts?: SetOptions): Promise<"OK" | null> {
    return this.send("SET", (s) => s.set(key, value, opts));
  }
  incr(key: string): Promise<number> {
    return this.send("INCR", (s) => s.incr(key));
  }
  incrby(key: string, increment: number): Promise<number> {
    return this.send("INCRBY", (s) => s.incrby(key, increment));
  }
  decr(key: string): Promise<number> {
    return this.send("DECR", (s) => s.decr(key));
  }
  decrby(key: string, decrement: number): Promise<number> {
    return this.send("DECRBY", (s) => s.decrby(key, decrement));
  }
  expire(key: string, seconds: number): Promise<number> {
    return this.send("EXPIRE", (s) => s.expire(key, seconds));
  }
  pexpire(key: string, milliseconds: number): Promise<number> {
    return this.send("PEXPIRE", (s) => s.pexpire(key, milliseconds));
  }
  persist(key: string): Promise<number> {
    return this.send("PERSIST", (s) => s.persist(key));
  }
  ttl(key: string): Promise<number> {
    return this.send("TTL", (s) => s.ttl(key));
  }
  pttl(key: string): Promise<number> {
    return this.send("PTTL", (s) => s.pttl(key));
  }
  del(...keys: string[]): Promise<number> {
    return this.send("DEL", (s) => s.del(...keys));
  }
  exists(...keys: string[]): Promise<number> {
    return this.send("EXISTS", (s) => s.exists(...keys));
  }
  type(key: string): Promise<RedisType> {
    return this.send("TYPE", (s) => s.type(key));
  }
  keys(pattern = "*"): Promise<string[]> {
    return this.send("KEYS", (s) => s.keys(pattern));
  }
  flushall(): Promise<"OK"> {
    return this.send("FLUSHALL", (s) => s.flushall());
  }
  dbsize(): Promise<number> {
    return this.send("DBSIZE", (s) => s.dbsize());
  }
  lpush(key: string, ...values: RedisValue[]): Promise<number> {
    return this.send("LPUSH", (s) => s.lpush(key, ...values));
  }
  rpush(key: string, ...values: RedisValue[]): Promise<number> {
    return this.send("RPUSH", (s) => s.rpush(key, ...values));
  }
  lpop(key: string): Promise<string | null> {
    return this.send("LPOP", (s) => s.lpop(key));
  }
  rpop(key: string): Promise<string | null> {
    return this.send("RPOP", (s) => s.rpop(key));
  }
  llen(key: string): Promise<number> {
    return this.send("LLEN", (s) => s.llen(key));
  }
  lrange(key: string, start: number, stop: number): Promise<string[]> {
    return this.send("LRANGE", (s) => s.lrange(key, start, stop));
  }
  zadd(key: string, score: number, member: RedisValue): Promise<number> {
    return this.send("ZADD", (s) => s.zadd(key, score, member));
  }
  zrem(key: string, ...members: RedisValue[]): Promise<number> {
    return this.send("ZREM", (s) => s.zrem(key, ...members));
  }
  zcard(key: string): Promise<number> {
    return this.send("ZCARD", (s) => s.zcard(key));
  }
  zscore(key: string, member: RedisValue): Promise<number | null> {
    return this.send("ZSCORE", (s) => s.zscore(key, member));
  }
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  zrange(key: string, start: number, stop: number, opts: { withScores: true }): Promise<[string, number][]>;
  zrange(key: string, start: number, stop: number, opts?: { withScores?: boolean }): Promise<string[] | [string, number][]> {
    return this.send("ZRANGE", (s) => (opts?.withScores ? s.zrange(key, start, stop, { withScores: true }) : s.zrange(key, start, stop)));
  }
  zrangebyscore(key: string, min: ScoreBound, max: ScoreBound): Promise<string[]> {
    return this.send("ZRANGEBYSCORE", (s) => s.zrangebyscore(key, min, max));
  }
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound): Promise<number> {
    return this.send("ZREMRANGEBYSCORE", (s) => s.zremrangebyscore(key, min, max));
  }
}
