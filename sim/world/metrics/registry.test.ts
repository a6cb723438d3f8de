import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./registry";

/** Every sample line, as the real parser reads it when no TYPE line groups them. */
function untypedSamples(text: string): { name: string; labels: Record<string, string>; value: string }[] {
  const families = parsePrometheusTextFormat(
    text
      .split("\n")
      .filter((l) => !l.startsWith("# TYPE "))
      .join("\n"),
  );
  return families.flatMap((f) => f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: m.value! })));
}

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in the text format, parsed back by a real parser", () => {
    const r = new MetricsRegistry();
    const c = r.counter("jobs_total", "Jobs done", ["queue"]);
    c.inc({ queue: "a" });
    c.inc({ queue: "a" }, 2);
    c.inc({ queue: "b" });
    const g = r.gauge("depth", "Queue depth");
    g.set({}, 7);
    g.dec({}, 2);
    const h = r.histogram("latency_seconds", "Latency", ["op"], [0.1, 1, 5]);
    for (const v of [0.05, 0.1, 0.3, 2, 9]) h.observe({ op: "get" }, v);
    const text = r.render({ nowS: 12.5 });
    expect(text).toBe(
      [
        "# celery-playground metrics at simulated time 12.5 s",
        "# HELP jobs_total Jobs done",
        "# TYPE jobs_total counter",
        'jobs_total{queue="a"} 3',
        'jobs_total{queue="b"} 1',
        "# HELP depth Queue depth",
        "# TYPE depth gauge",
        "depth 5",
        "# HELP latency_seconds Latency",
        "# TYPE latency_seconds histogram",
        'latency_seconds_bucket{op="get",le="0.1"} 2', // 0.1 <= 0.1: the bound is inclusive
        'latency_seconds_bucket{op="get",le="1.0"} 3',
        'latency_seconds_bucket{op="get",le="5.0"} 4',
        'latency_seconds_bucket{op="get",le="+Inf"} 5',
        'latency_seconds_count{op="get"} 5',
        'latency_seconds_sum{op="get"} 11.45',
        "",
      ].join("\n"),
    );
    const parsed = parsePrometheusTextFormat(text);
    expect(parsed.map((f) => [f.name, f.type])).toEqual([
      ["jobs_total", "COUNTER"],
      ["depth", "GAUGE"],
      ["latency_seconds", "HISTOGRAM"],
    ]);
    // The package folds a labelled histogram into one label-less set of buckets, so read the samples
    // themselves by parsing again with the TYPE lines left out (each line is then an untyped sample).
    expect(untypedSamples(text).filter((x) => x.name.startsWith("latency_seconds"))).toEqual([
      { name: "latency_seconds_bucket", labels: { op: "get", le: "0.1" }, value: "2" },
      { name: "latency_seconds_bucket", labels: { op: "get", le: "1.0" }, value: "3" },
      { name: "latency_seconds_bucket", labels: { op: "get", le: "5.0" }, value: "4" },
      { name: "latency_seconds_bucket", labels: { op: "get", le: "+Inf" }, value: "5" },
      { name: "latency_seconds_count", labels: { op: "get" }, value: "5" },
      { name: "latency_seconds_sum", labels: { op: "get" }, value: "11.45" },
    ]);
  });

  it("escapes label values and help text so they parse back unchanged", () => {
    const r = new MetricsRegistry();
    const nasty = 'we"ird\\name\nline2';
    r.counter("x_total", "Help with a \\ and a\nnewline", ["task"]).inc({ task: nasty });
    const text = r.render();
    expect(text).toContain('x_total{task="we\\"ird\\\\name\\nline2"} 1');
    const [f] = parsePrometheusTextFormat(text);
    expect(f!.metrics[0]!.labels).toEqual({ task: nasty });
    expect(f!.help).toBe("Help with a \\ and a\nnewline");
  });

  it("enforces label sets, names, and that counters only go up", () => {
    const r = new MetricsRegistry();
    const c = r.counter("c_total", "c", ["a"]);
    expect(() => c.inc({})).toThrow("c_total takes labels {a}, not {}");
    expect(() => c.inc({ a: "1", b: "2" })).toThrow();
    expect(() => c.inc({ a: "1" }, -1)).toThrow(RangeError);
    expect(() => r.counter("bad name", "x")).toThrow();
    expect(() => r.histogram("h", "x", ["le"])).toThrow();
    expect(r.counter("c_total", "again", ["a"])).toBe(c);
    expect(() => r.gauge("c_total", "x")).toThrow("c_total is already a counter");
    expect(() => r.histogram("h2", "x", [], [1, 1])).toThrow();
  });
});
