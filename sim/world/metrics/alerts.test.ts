import { describe, expect, it } from "vitest";
import { Sim } from "../../engine/sim";
import { AlertEvaluator, type AlertRule } from "./alerts";
import { FlowerMetrics } from "./flower";
import { MetricsQuery } from "./query";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

/**
 * One task finishes at k + 0.5 for k = 0 .. lastK: it fails when k is in one of `failing`, else succeeds.
 * The alert watches the share of failures among the tasks that finished in the last 10 s.
 */
function run(failing: [number, number][], lastK: number, rule: Partial<AlertRule> = {}) {
  const sim = new Sim(1, host);
  for (let k = 0; k <= lastK; k++) {
    const fails = failing.some(([a, b]) => k >= a && k < b);
    sim.sched.scheduleAt(k + 0.5, () => void sim.record(fails ? "task-failed" : "task-succeeded", k, 0, fails ? NaN : 0.1));
  }
  const fm = new FlowerMetrics(sim, { taskName: () => "charge", workerHostname: () => "w1" });
  fm.attach();
  const q = new MetricsQuery(fm.registry, sim);
  const failureRate: AlertRule = {
    name: "HighFailureRate",
    describe: "failure rate",
    expr: (m) => {
      const failed = m.increase("flower_events_total", 10, { type: "task-failed" });
      const ok = m.increase("flower_events_total", 10, { type: "task-succeeded" });
      return failed + ok ? failed / (failed + ok) : 0;
    },
    op: ">",
    threshold: 0.3,
    forS: 5,
    cooldownS: 30,
    ...rule,
  };
  const alerts = new AlertEvaluator(sim, q, [failureRate]);
  alerts.start();
  while (sim.sched.pendingNonDaemon > 0) sim.sched.step();
  // Evaluation is daemon work: nothing non-daemon is left, yet the ticks are still scheduled.
  expect(sim.sched.peekTime()).toBeLessThan(Infinity);
  const end = sim.nowS + 12;
  while (sim.sched.peekTime() <= end) sim.sched.step();
  return { sim, alerts, seen: alerts.transitions.map((t) => [t.atS, t.state]) };
}

describe("AlertEvaluator", () => {
  it("fires only after the condition held for forS, and resolves when it stops holding", () => {
    // Failures at k = 20..39. The share over (T-10, T] first exceeds 0.3 at T = 24 (4 of 10):
    // pending at 24, firing at 29. It falls to 0.3 (3 of 10, not > 0.3) at T = 47: resolved.
    const { sim, alerts, seen } = run([[20, 40]], 60);
    expect(seen).toEqual([
      [24, "pending"],
      [29, "firing"],
      [47, "resolved"],
    ]);
    const [pending, firing, resolved] = alerts.transitions;
    expect(pending!.reason).toBe("failure rate 0.4 > 0.3; fires if it holds for 5 s");
    expect(firing!.reason).toBe("failure rate 0.9 > 0.3 for 5 s");
    expect(firing!.value).toBe(0.9);
    expect(resolved!.reason).toBe("failure rate 0.3 no longer > 0.3; held for 23 s");
    const traced = sim.trace.slice().filter((e) => e.kind === "alert");
    expect(traced.map((e) => [e.atS, e.num, e.data])).toEqual([
      [24, 0.4, { rule: "HighFailureRate", state: "pending", value: 0.4, threshold: 0.3, reason: pending!.reason }],
      [29, 0.9, { rule: "HighFailureRate", state: "firing", value: 0.9, threshold: 0.3, reason: firing!.reason }],
      [47, 0.3, { rule: "HighFailureRate", state: "resolved", value: 0.3, threshold: 0.3, reason: resolved!.reason }],
    ]);
    expect(alerts.state("HighFailureRate")).toBe("resolved");
  });

  it("a blip shorter than forS goes pending and back to inactive without firing", () => {
    // Failures at k = 20..24: over 0.3 from T = 24 to T = 31 (7 evaluations), under forS = 10.
    const { seen, alerts } = run([[20, 25]], 60, { forS: 10 });
    expect(seen).toEqual([
      [24, "pending"],
      [32, "inactive"],
    ]);
    expect(alerts.transitions[1]!.reason).toBe("failure rate 0.3 no longer > 0.3 after 8 s pending");
    expect(alerts.firings()).toEqual([]);
  });

  it("does not fire again within cooldownS of resolving (no flapping)", () => {
    // A second burst at k = 50..69 holds from T = 54 to T = 76. It would fire at 59, but the cooldown
    // after resolving at 47 lasts until 77, and at 77 the condition has gone: it never fires.
    const { seen, alerts } = run(
      [
        [20, 40],
        [50, 70],
      ],
      90,
    );
    expect(seen).toEqual([
      [24, "pending"],
      [29, "firing"],
      [47, "resolved"],
      [54, "pending"],
      [77, "inactive"],
    ]);
    expect(alerts.transitions[3]!.reason).toBe("failure rate 0.4 > 0.3; fires if it holds for 5 s, not before the cooldown ends at 77 s");
    expect(alerts.firings("HighFailureRate").length).toBe(1);
  });

  it("fires when the cooldown ends if the condition still holds; without a cooldown, after forS", () => {
    const bursts: [number, number][] = [
      [20, 40],
      [50, 70],
    ];
    const cooled = run(bursts, 90, { cooldownS: 20 });
    expect(cooled.seen.slice(3)).toEqual([
      [54, "pending"],
      [67, "firing"], // cooldown until 47 + 20
      [77, "resolved"],
    ]);
    expect(cooled.alerts.transitions[4]!.reason).toBe("failure rate 1 > 0.3 for 13 s (held back by the cooldown until 67 s)");
    const none = run(bursts, 90, { cooldownS: 0 });
    expect(none.seen.slice(3)).toEqual([
      [54, "pending"],
      [59, "firing"],
      [77, "resolved"],
    ]);
  });

  it("with forS 0 fires on the first evaluation that sees the condition; stop() ends evaluation", () => {
    const { seen } = run([[20, 40]], 60, { forS: 0, cooldownS: 0 });
    expect(seen).toEqual([
      [24, "firing"],
      [47, "resolved"],
    ]);
    const sim = new Sim(1, host);
    const q = new MetricsQuery(new FlowerMetrics(sim, { taskName: () => "", workerHostname: () => "" }).registry, sim);
    const alerts = new AlertEvaluator(sim, q, [{ name: "always", expr: () => 1, op: ">=", threshold: 1, evalIntervalS: 0.1 }]);
    alerts.start();
    sim.sched.step(); // the evaluation at 0
    expect(alerts.state("always")).toBe("firing");
    alerts.stop();
    expect(sim.sched.peekTime()).toBe(Infinity);
    expect(() => new AlertEvaluator(sim, q, [{ name: "x", expr: () => 0, op: ">", threshold: 0, evalIntervalS: 0 }])).toThrow(RangeError);
  });

  it("an expression that throws or is NaN never satisfies the condition", () => {
    const sim = new Sim(1, host);
    const q = new MetricsQuery(new FlowerMetrics(sim, { taskName: () => "", workerHostname: () => "" }).registry, sim);
    const alerts = new AlertEvaluator(sim, q, [
      { name: "nan", expr: () => NaN, op: "<", threshold: 1 },
      {
        name: "throws",
        expr: () => {
          throw new Error("bad");
        },
        op: "<",
        threshold: 1,
      },
    ]);
    alerts.start();
    while (sim.sched.peekTime() <= 5) sim.sched.step();
    expect([alerts.state("nan"), alerts.state("throws")]).toEqual(["inactive", "inactive"]);
  });
});
