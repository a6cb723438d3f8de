/**
 * kombu's TokenBucket (kombu/utils/limits.py), the bucket behind Celery's per-worker task rate
 * limits, on a clock that is handed in. It starts full, refills at `fillRatePerS` up to `capacity`,
 * and `consume(n)` takes all `n` tokens or none.
 *
 * One quirk is kept on purpose, since this is the reference Celery's behaviour is compared with:
 * kombu refreshes its timestamp only when the bucket is below capacity. A bucket that sat full keeps
 * the timestamp of its last refill, so after an idle spell the first consume empties it and the next
 * refill credits the whole idle time: with capacity 1, two calls at the same instant both succeed
 * (e.g. "10/m" after 6 s or more of idleness lets two tasks start back to back).
 */
import { clockFn, type Clock } from "./clock";

/**
 * A token short by less than this counts as there. A refill is rate × elapsed in floating point, so a
 * caller that comes back exactly when expectedTimeS said (a bucket timer on the simulated clock) can
 * find 5 × 0.19999999999999996 = 0.9999999999999998 tokens and be refused. kombu's caller never is:
 * its timer fires after the due time (poll's timeout is rounded up to whole milliseconds, and the
 * loop takes its own time), so the refill it computes has passed the token. Refused at the exact
 * instant, a worker's bucket timers all fail together and, ten or more of them, cost the loop a
 * whole second (event-loop.ts): 20 tasks at "5/s" took 11.2 s instead of 8–9 s. 1e-9 of a token is
 * 0.2 ns at 5/s: nothing measurable moves.
 */
const ROUNDING_TOKENS = 1e-9;

export interface TokenBucketOptions {
  /** Tokens added per second. */
  fillRatePerS: number;
  /** Most tokens the bucket holds (default 1, as kombu). */
  capacity?: number;
  clock: Clock;
}

export class TokenBucket {
  readonly fillRatePerS: number;
  readonly capacity: number;
  private tokensLeft: number;
  /** kombu's `timestamp`: when the bucket was last refilled (see the quirk above). */
  private timestampS: number;
  private readonly now: () => number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.fillRatePerS > 0)) throw new RangeError(`fillRatePerS must be > 0, not ${opts.fillRatePerS}`);
    this.fillRatePerS = opts.fillRatePerS;
    this.capacity = opts.capacity ?? 1;
    if (!(this.capacity > 0)) throw new RangeError(`capacity must be > 0, not ${opts.capacity}`);
    this.now = clockFn(opts.clock);
    this.tokensLeft = this.capacity;
    this.timestampS = this.now();
  }

  /** Take `n` tokens if they are all there (kombu's can_consume). */
  consume(n = 1): boolean {
    if (n <= this.refill() + ROUNDING_TOKENS) {
      this.tokensLeft -= n;
      return true;
    }
    return false;
  }

  /** kombu's name for `consume`. */
  canConsume(n = 1): boolean {
    return this.consume(n);
  }

  /** Seconds until `n` tokens are there; consumes nothing (kombu's expected_time). */
  expectedTimeS(n = 1): number {
    const have = this.refill();
    return have + ROUNDING_TOKENS >= n ? 0 : (n - have) / this.fillRatePerS;
  }

  /** Tokens there now, without touching the bucket (reading must not change what comes next). */
  get tokens(): number {
    if (this.tokensLeft >= this.capacity) return this.tokensLeft;
    return Math.min(this.capacity, this.tokensLeft + this.fillRatePerS * (this.now() - this.timestampS));
  }

  /** kombu's _get_tokens: refill, and move the timestamp, only when below capacity. */
  private refill(): number {
    if (this.tokensLeft < this.capacity) {
      const nowS = this.now();
      this.tokensLeft = Math.min(this.capacity, this.tokensLeft + this.fillRatePerS * (nowS - this.timestampS));
      this.timestampS = nowS;
    }
    return this.tokensLeft;
  }
}
