/**
 * Nearest-rank percentiles, the one definition every figure uses (experiments' wait_p95, the
 * Dashboard's percentile charts, Flower-style metrics): the smallest value with at least p % of the
 * values at or below it. p is in 0..100; none of the values gives null.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The percentile of unsorted values (they are copied, not reordered). */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}
