/**
 * Queries over a MetricsRegistry, for alert rules and checks: a counter's increase and rate over
 * a window, a gauge's value, a histogram's quantile.
 *
 * Windows need the past, so the query keeps a ring of samples of every counter and histogram
 * series, taken when `sample()` is called (the alert evaluator calls it on each tick). The current
 * value is always read live; the value `windowS` ago is the latest sample taken at or before then,
 * so a window is as exact as the sampling interval is fine. A series that had no sample yet counts
 * as 0 then (series start at zero), so sampling should start with the run.
 */
import { clockFn, type Clock } from "../patterns/clock";
import type { Labels, MetricFamily, MetricsRegistry, Series } from "./registry";

export interface MetricsQueryOptions {
  /** How far back samples are kept (default 600 s); a longer window is cut to what is kept. */
  retentionS?: number;
}

export type GaugeAggregation = "sum" | "max" | "min" | "avg";

interface Ring {
  atS: number[];
  /** Counter: [value]. Histogram: [count, sum, ...per-bucket counts]. */
  snap: number[][];
  /** Older samples were dropped: before the oldest kept, the series was not at 0 but unknown. */
  pruned: boolean;
}

export class MetricsQuery {
  readonly retentionS: number;
  private readonly now: () => number;
  private readonly rings = new Map<Series, Ring>();

  constructor(
    readonly registry: MetricsRegistry,
    clock: Clock,
    opts: MetricsQueryOptions = {},
  ) {
    this.now = clockFn(clock);
    this.retentionS = opts.retentionS ?? 600;
  }

  /** Record every counter and histogram series now (a second sample at the same time replaces the first). */
  sample(): void {
    const atS = this.now();
    for (const f of this.registry.families()) {
      if (f.type === "gauge") continue;
      for (const s of f.series.values()) {
        let ring = this.rings.get(s);
        if (!ring) this.rings.set(s, (ring = { atS: [], snap: [], pruned: false }));
        const snap = snapshot(f, s);
        if (ring.atS.length && ring.atS[ring.atS.length - 1] === atS) ring.snap[ring.snap.length - 1] = snap;
        else {
          ring.atS.push(atS);
          ring.snap.push(snap);
        }
        // Keep one sample at or before the retention horizon, so a full-length window still has its start.
        let drop = 0;
        while (drop + 1 < ring.atS.length && ring.atS[drop + 1]! <= atS - this.retentionS) drop++;
        if (drop) {
          ring.pruned = true;
          ring.atS.splice(0, drop);
          ring.snap.splice(0, drop);
        }
      }
    }
  }

  /** Current value summed over the matching series (a histogram's: its number of observations). */
  value(name: string, match: Labels = {}): number {
    return this.family(name)
      .matching(match)
      .reduce((a, s) => a + s.value, 0);
  }

  /** A gauge's value over the matching series; NaN when none matches (except for "sum": 0). */
  gauge(name: string, match: Labels = {}, agg: GaugeAggregation = "sum"): number {
    const vals = this.family(name)
      .matching(match)
      .map((s) => s.value);
    if (agg === "sum") return vals.reduce((a, b) => a + b, 0);
    if (!vals.length) return NaN;
    if (agg === "max") return Math.max(...vals);
    if (agg === "min") return Math.min(...vals);
    return vals.reduce((a, b) => a + b, 0) / vals.length;
  }

  /** How much a counter (or a histogram's count) grew over the last `windowS` seconds. */
  increase(name: string, windowS: number, match: Labels = {}): number {
    const f = this.family(name);
    const fromS = this.now() - windowS;
    let total = 0;
    for (const s of f.matching(match)) total += s.value - (this.pastSnap(s, fromS)?.[0] ?? 0);
    return total;
  }

  /** Per second over the last `windowS` seconds (the increase divided by the whole window). */
  rate(name: string, windowS: number, match: Labels = {}): number {
    if (!(windowS > 0)) throw new RangeError(`a rate needs a window > 0 s`);
    return this.increase(name, windowS, match) / windowS;
  }

  /**
   * Prometheus's histogram_quantile over the matching series: over everything observed, or over the
   * observations of the last `windowS` seconds. Linear within a bucket; NaN with no observations.
   */
  quantile(name: string, q: number, match: Labels = {}, windowS?: number): number {
    const f = this.family(name);
    if (f.type !== "histogram") throw new Error(`${name} is a ${f.type}, not a histogram`);
    const counts = new Array<number>(f.buckets.length + 1).fill(0);
    for (const s of f.matching(match)) {
      const past = windowS === undefined ? undefined : this.pastSnap(s, this.now() - windowS);
      s.bucketCounts.forEach((c, i) => (counts[i]! += c - (past?.[2 + i] ?? 0)));
    }
    return histogramQuantile(q, f.buckets, counts);
  }

  private family(name: string): MetricFamily {
    const f = this.registry.get(name);
    if (!f) throw new Error(`no metric named ${name}`);
    return f;
  }

  /** The latest snapshot taken at or before `atS`. */
  private pastSnap(s: Series, atS: number): number[] | undefined {
    const ring = this.rings.get(s);
    if (!ring) return undefined;
    let lo = 0;
    let hi = ring.atS.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring.atS[mid]! <= atS + 1e-9) lo = mid + 1;
      else hi = mid;
    }
    if (lo) return ring.snap[lo - 1];
    return ring.pruned ? ring.snap[0] : undefined;
  }
}

function snapshot(f: MetricFamily, s: Series): number[] {
  return f.type === "histogram" ? [s.value, s.sum, ...s.bucketCounts] : [s.value];
}

/** `bounds` ascending without +Inf; `counts` per bucket (not cumulative), the last one +Inf's. */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && below + c >= rank) {
      if (i === bounds.length) return bounds.length ? bounds[bounds.length - 1]! : NaN; // in +Inf: the highest finite bound
      const upper = bounds[i]!;
      if (i === 0 && upper <= 0) return upper;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + ((upper - lower) * (rank - below)) / c;
    }
    below += c;
  }
  return NaN;
}
