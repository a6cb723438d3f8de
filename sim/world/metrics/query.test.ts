import { describe, expect, it } from "vitest";
import { histogramQuantile, MetricsQuery } from "./query";
import { MetricsRegistry } from "./registry";

function setup(retentionS?: number) {
  const clock = { nowS: 0 };
  const reg = new MetricsRegistry();
  const q = new MetricsQuery(reg, clock, { retentionS });
  return { clock, reg, q, at: (t: number) => (clock.nowS = t) };
}

describe("MetricsQuery", () => {
  it("increase and rate of a counter over a window, from the samples and the live value", () => {
    const { reg, q, at } = setup();
    const c = reg.counter("events_total", "e", ["type"]);
    q.sample(); // t = 0, no series yet
    at(0.5);
    c.inc({ type: "fail" }, 5);
    at(1);
    q.sample();
    at(1.5);
    c.inc({ type: "fail" }, 3);
    c.inc({ type: "ok" }, 4);
    at(2);
    q.sample();
    expect(q.increase("events_total", 1, { type: "fail" })).toBe(3); // 8 now - 5 at t=1
    expect(q.increase("events_total", 2, { type: "fail" })).toBe(8); // nothing sampled before it existed: 0
    expect(q.rate("events_total", 2, { type: "fail" })).toBe(4);
    expect(q.increase("events_total", 1)).toBe(7); // both series
    expect(q.rate("events_total", 10)).toBeCloseTo(1.2, 12); // 12 over the whole 10 s window
    at(2.5);
    c.inc({ type: "ok" });
    // The window's start (1.5) falls between samples: the one at 1 is used.
    expect(q.increase("events_total", 1, { type: "ok" })).toBe(5);
    expect(q.value("events_total")).toBe(13);
    expect(() => q.rate("events_total", 0)).toThrow(RangeError);
    expect(() => q.value("nope")).toThrow("no metric named nope");
  });

  it("keeps samples only as far back as retentionS", () => {
    const { reg, q, at } = setup(5);
    const c = reg.counter("n_total", "n");
    for (let t = 0; t <= 10; t++) {
      at(t);
      c.inc({});
      q.sample();
    }
    expect(q.increase("n_total", 5)).toBe(5); // 11 now - 6 at t=5 (the oldest kept)
    expect(q.increase("n_total", 3)).toBe(3);
    expect(q.increase("n_total", 8)).toBe(5); // t=2 is gone: the oldest kept sample (t=5) stands in
  });

  it("aggregates gauges", () => {
    const { reg, q } = setup();
    const g = reg.gauge("busy", "b", ["worker"]);
    g.set({ worker: "a" }, 2);
    g.set({ worker: "b" }, 6);
    expect(q.gauge("busy")).toBe(8);
    expect(q.gauge("busy", {}, "max")).toBe(6);
    expect(q.gauge("busy", {}, "min")).toBe(2);
    expect(q.gauge("busy", {}, "avg")).toBe(4);
    expect(q.gauge("busy", { worker: "b" })).toBe(6);
    expect(q.gauge("busy", { worker: "z" })).toBe(0);
    expect(q.gauge("busy", { worker: "z" }, "max")).toBeNaN();
  });

  it("histogram quantiles as Prometheus's histogram_quantile, overall and over a window", () => {
    const { reg, q, at } = setup();
    const h = reg.histogram("rt_seconds", "rt", ["task"], [1, 2, 4]);
    expect(q.quantile("rt_seconds", 0.5)).toBeNaN();
    for (const v of [0.5, 1.5, 1.5]) h.observe({ task: "a" }, v);
    at(1);
    q.sample();
    at(2);
    h.observe({ task: "a" }, 3);
    h.observe({ task: "b" }, 10);
    // Buckets (0,1] 1, (1,2] 2, (2,4] 1, (4,+Inf) 1. Median: rank 2.5 lands in (1,2]: 1 + 1 * 1.5/2.
    expect(q.quantile("rt_seconds", 0.5)).toBe(1.75);
    expect(q.quantile("rt_seconds", 0.2)).toBe(1);
    expect(q.quantile("rt_seconds", 0.9)).toBe(4); // in +Inf: the highest finite bound
    expect(q.quantile("rt_seconds", 0.5, { task: "a" })).toBe(1.5); // rank 2 of 4: 1 + 1 * 1/2
    // Only the last second's observations, 3 and 10: rank 1 ends (2,4].
    expect(q.quantile("rt_seconds", 0.5, {}, 1)).toBe(4);
    expect(q.value("rt_seconds")).toBe(5);
    expect(() => q.quantile("nope", 0.5)).toThrow();
  });

  it("histogramQuantile edge cases", () => {
    expect(histogramQuantile(0.5, [1], [0, 0])).toBeNaN();
    expect(histogramQuantile(-0.1, [1], [1, 0])).toBe(-Infinity);
    expect(histogramQuantile(1.1, [1], [1, 0])).toBe(Infinity);
    expect(histogramQuantile(0.5, [-1, 1], [2, 0, 0])).toBe(-1); // first bucket's bound <= 0
    expect(histogramQuantile(1, [1, 2], [1, 1, 0])).toBe(2);
  });
});
