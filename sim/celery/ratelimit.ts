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
