/**
 * A sliding-window limiter on a Redis sorted set, the usual pattern: per call, drop the entries older
 * than the window (ZREMRANGEBYSCORE), add this call (ZADD, scored by its time), count (ZCARD), and
 * refresh the key's expiry so idle identifiers do not stay in Redis. Allowed while the count is
 * <= the limit, so at most `limit` calls pass in any window (now - windowS, now].
 *
 * As in the common form of the pattern, a refused call stays in the set and counts: a client that
 * keeps calling while refused stays refused. And the four commands are not atomic (no MULTI here):
 * two clients racing between ZADD and ZCARD can both be counted and both refused.
 */
import type { ScoreBound } from "../redis";
import { clockFn, type Clock } from "./clock";

export interface SlidingWindowRedis {
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound): Promise<number>;
  zadd(key: string, score: number, member: string): Promise<number>;
  zcard(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
}

export interface SlidingWindowOptions {
  limit?: number;
  windowS?: number;
  keyPrefix?: string;
  clock: Clock;
  /** Makes this client's members unique among clients sharing the Redis (default: a per-Redis counter). */
  clientId?: string;
}

/** Per Redis client object, how many limiters have been made on it: a unique, deterministic default id. */
const clientsPerRedis = new WeakMap<object, number>();

export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowS: number;
  readonly keyPrefix: string;
  readonly clientId: string;
  private readonly now: () => number;
  private seq = 0;

  constructor(
    private readonly redis: SlidingWindowRedis,
    opts: SlidingWindowOptions,
  ) {
    this.limit = opts.limit ?? 10;
    this.windowS = opts.windowS ?? 1;
    this.keyPrefix = opts.keyPrefix ?? "sliding_rate_limit:";
    if (!(this.limit >= 0)) throw new RangeError(`limit must be >= 0`);
    if (!(this.windowS > 0)) throw new RangeError(`windowS must be > 0`);
    this.now = clockFn(opts.clock);
    if (opts.clientId !== undefined) this.clientId = opts.clientId;
    else {
      const n = clientsPerRedis.get(redis) ?? 0;
      clientsPerRedis.set(redis, n + 1);
      this.clientId = `c${n}`;
    }
  }

  async isAllowed(identifier: string, limit: number = this.limit): Promise<boolean> {
    const key = `${this.keyPrefix}${identifier}`;
    const nowS = this.now();
    await this.redis.zremrangebyscore(key, "-inf", nowS - this.windowS);
    await this.redis.zadd(key, nowS, `${nowS}:${this.clientId}:${this.seq++}`);
    const count = await this.redis.zcard(key);
    await this.redis.pexpire(key, Math.ceil(this.windowS * 1000));
    return count <= limit;
  }
}
