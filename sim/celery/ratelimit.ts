/**
 * Celery's rate limits: a kombu TokenBucket per task type and per worker, capacity 1, starting full.
 * "10/m" therefore runs the first task at once and then one every 6 s (measured: 0, 6, 12, 18 s).
 */
export function parseRate(rate: string | number | null | undefined): number {
  if (rate === null || rate === undefined || rate === "") return 0;
  if (typeof rate === "number") return rate;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(?:\/\s*([smh]))?\s*$/.exec(rate);
  if (!m) throw new Error(`rate limit ${JSON.stringify(rate)} is not like "10/s", "10/m" or "10/h"`);
  const n = Number(m[1]);
  const per = m[2] === "m" ? 60 : m[2] === "h" ? 3600 : 1;
  return n / per;
}

export class TokenBucketClock {
  private tokens: number;
  private lastS: number;
  constructor(
    readonly fillRatePerS: number,
    readonly capacity = 1,
    nowS = 0,
  ) {
    this.tokens = capacity;
    this.lastS = nowS;
  }

  private refill(nowS: number): void {
    if (nowS > this.lastS) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowS - this.lastS) * this.fillRatePerS);
      this.lastS = nowS;
    }
  }

  canConsume(nowS: number, n = 1): boolean {
    this.refill(nowS);
    // A small tolerance: 6 s at 1/6 per second must give exactly one token despite rounding.
    if (this.tokens + 1e-9 >= n) {
      this.tokens = Math.max(0, this.tokens - n);
      return true;
    }
    return false;
  }

  /** Seconds until `n` tokens are there. */
  expectedTimeS(nowS: number, n = 1): number {
    this.refill(nowS);
    return this.tokens >= n ? 0 : (n - this.tokens) / this.fillRatePerS;
  }
}
