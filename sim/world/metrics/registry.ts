/**
 * A Prometheus-style metrics registry that lives inside the simulation: counters, gauges and
 * histograms with labels, rendered in the text exposition format (version 0.0.4) on demand.
 *
 * Series appear when first touched and keep their insertion order, so the same run renders the
 * same text. Values are plain numbers on the simulated clock; nothing here reads time.
 */

export type MetricType = "counter" | "gauge" | "histogram";
export type Labels = Readonly<Record<string, string>>;

/** prometheus_client's Histogram.DEFAULT_BUCKETS, which Flower uses for task runtimes. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface Series {
  readonly labels: Labels;
  /** Counter or gauge value; for a histogram, the number of observations. */
  value: number;
  /** Histogram only: observations per bucket, not cumulative; the last is +Inf. */
  readonly bucketCounts: number[];
  /** Histogram only. */
  sum: number;
}

export class MetricFamily {
  readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly help: string,
    readonly labelNames: readonly string[],
    /** Histogram upper bounds, ascending, without +Inf. */
    readonly buckets: readonly number[] = [],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    for (const l of labelNames)
      if (!LABEL_NAME.test(l) || l.startsWith("__") || (type === "histogram" && l === "le")) throw new Error(`invalid label name ${JSON.stringify(l)} on ${name}`);
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`buckets of ${name} must increase`);
  }

  /** The series for exactly these labels, created at zero when new. */
  child(labels: Labels = {}): Series {
    const keys = Object.keys(labels);
    if (keys.length !== this.labelNames.length || !this.labelNames.every((n) => typeof labels[n] === "string"))
      throw new Error(`${this.name} takes labels {${this.labelNames.join(", ")}}, not {${keys.join(", ")}}`);
    const key = this.labelNames.map((n) => labels[n]).join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels[n]!;
      s = { labels: own, value: 0, bucketCounts: this.type === "histogram" ? new Array(this.buckets.length + 1).fill(0) : [], sum: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /** Series whose labels include every pair in `match`. */
  matching(match: Labels = {}): Series[] {
    const out: Series[] = [];
    for (const s of this.series.values()) if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) out.push(s);
    return out;
  }
}

export class Counter extends MetricFamily {
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter only goes up (${this.name} by ${by})`);
    this.child(labels).value += by;
  }
}

export class Gauge extends MetricFamily {
  set(labels: Labels, value: number): void {
    this.child(labels).value = value;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.child(labels).value += by;
  }
  dec(labels: Labels = {}, by = 1): void {
    this.child(labels).value -= by;
  }
}

export class Histogram extends MetricFamily {
  observe(labels: Labels, value: number): void {
    const s = this.child(labels);
    let b = this.buckets.findIndex((le) => value <= le);
    if (b < 0) b = this.buckets.length;
    s.bucketCounts[b]!++;
    s.value++;
    s.sum += value;
  }
}

export class MetricsRegistry {
  private readonly byName = new Map<string, MetricFamily>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(name, "counter", () => new Counter(name, "counter", help, labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(name, "gauge", () => new Gauge(name, "gauge", help, labelNames));
  }
  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    return this.register(name, "histogram", () => new Histogram(name, "histogram", help, labelNames, buckets));
  }

  get(name: string): MetricFamily | undefined {
    return this.byName.get(name);
  }

  families(): MetricFamily[] {
    return [...this.byName.values()];
  }

  /** Registering a name again returns the same family; with another type it is an error. */
  private register<F extends MetricFamily>(name: string, type: MetricType, make: () => F): F {
    const have = this.byName.get(name);
    if (have) {
      if (have.type !== type) throw new Error(`${name} is already a ${have.type}`);
      return have as F;
    }
    const f = make();
    this.byName.set(name, f);
    return f;
  }

  /**
   * The text exposition format. `nowS` goes into a leading comment (samples carry no timestamps: a
   * Prometheus timestamp is milliseconds since 1970, which simulated seconds are not).
   */
  render(opts: { nowS?: number } = {}): string {
    const lines: string[] = [];
    if (opts.nowS !== undefined) lines.push(`# celery-playground metrics at simulated time ${formatValue(opts.nowS)} s`);
    for (const f of this.byName.values()) {
      lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
      lines.push(`# TYPE ${f.name} ${f.type}`);
      for (const s of f.series.values()) {
        if (f.type !== "histogram") {
          lines.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
          continue;
        }
        let cumulative = 0;
        f.buckets.forEach((le, i) => {
          cumulative += s.bucketCounts[i]!;
          lines.push(`${f.name}_bucket${labelText(s.labels, formatLe(le))} ${cumulative}`);
        });
        lines.push(`${f.name}_bucket${labelText(s.labels, "+Inf")} ${s.value}`);
        lines.push(`${f.name}_count${labelText(s.labels)} ${s.value}`);
        lines.push(`${f.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

function labelText(labels: Labels, le?: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** In label values: backslash, double quote and newline are escaped. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** In HELP text: backslash and newline. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** Bucket bounds as prometheus_client writes them: 1 as "1.0", 0.25 as "0.25". */
function formatLe(le: number): string {
  return Number.isInteger(le) ? le.toFixed(1) : formatValue(le);
}
