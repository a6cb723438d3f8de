// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: they check the mechanism's exact times.
import { describe, expect, it } from "vitest";
import { Sim } from "../../engine/sim";
import { AlertEvaluator } from "./alerts";
import { FlowerMetrics } from "./flower";
import { MetricsQuery } from "./query";
import { compileAlertRule, compileExpr, parseDuration, parseExpr, ruleProblem, RuleSyntaxError, type AlertRuleSpec } from "./rules";
import { installRunInputs } from "./run-inputs";
import { compile, nodeHost } from "../../testing/harness";
import { createSession } from "../../engine/session";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

const FAILURE_RATIO =
  'sum(rate(flower_events_total{type="task-failed"}[10s])) / sum(rate(flower_events_total{type=~"task-(succeeded|failed)"}[10s]))';

/** Crafted events: task k finishes at k + 0.5 on worker w(k % 2); fails when k is in `failing`. */
function crafted(failing: [number, number][], lastK: number, spec: Partial<AlertRuleSpec> = {}) {
  const sim = new Sim(1, host);
  for (let k = 0; k <= lastK; k++) {
    const fails = failing.some(([a, b]) => k >= a && k < b);
    sim.sched.scheduleAt(k + 0.5, () => void sim.record(fails ? "task-failed" : "task-succeeded", k, k % 2, fails ? NaN : 0.1));
  }
  const fm = new FlowerMetrics(sim, { taskName: (k) => (k % 3 === 0 ? "report" : "charge"), workerHostname: (w) => `w${w + 1}` });
  fm.attach();
  const q = new MetricsQuery(fm.registry, sim);
  const rule = compileAlertRule({ name: "HighFailureRate", expr: FAILURE_RATIO, op: ">", threshold: 0.3, forS: 5, cooldownS: 30, ...spec });
  const alerts = new AlertEvaluator(sim, q, [rule]);
  alerts.start();
  while (sim.sched.pendingNonDaemon > 0) sim.sched.step();
  const end = sim.nowS + 12;
  while (sim.sched.peekTime() <= end) sim.sched.step();
  const recorded = sim.trace.slice().filter((e) => e.kind === "alert");
  return { sim, fm, q, alerts, seen: alerts.transitions.map((t) => [t.atS, t.state]), recorded };
}

describe("parseExpr", () => {
  it("parses selectors, matchers, ranges, functions, aggregations and arithmetic with precedence", () => {
    const n = parseExpr('1 + 2 * sum(rate(flower_events_total{type="task-failed", task!="x"}[1m30s])) / -3');
    expect(n).toMatchObject({ k: "bin", op: "+", l: { k: "num", v: 1 }, r: { k: "bin", op: "/", l: { k: "bin", op: "*" }, r: { k: "neg" } } });
    expect(parseDuration("1m30s")).toBe(90);
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("500ms")).toBe(0.5);
  });

  it.each([
    ["", /empty/],
    ["rate(flower_events_total)", /needs a range/],
    ["flower_events_total[10s]", /inside rate\(\) or increase\(\)/],
    ["rate(flower_worker_online[10s])", /is a gauge/],
    ["nope_total", /unknown metric nope_total/],
    ['flower_events_total{colour="x"}', /has no label colour/],
    ['flower_events_total{type="x"', /expected "," or "}"|expected a label name/],
    ["flower_task_runtime_seconds", /use flower_task_runtime_seconds_count/],
    ["sum(1", /expected "\)"/],
    ["1 +", /ends too early/],
    ["quantile(1)", /unknown function quantile/],
    ['flower_events_total{type=~"("}', /invalid regular expression/],
    ["rate(flower_events_total[x])", /expected a duration/],
  ])("rejects %j with a plain message", (src, msg) => {
    expect(() => parseExpr(src)).toThrow(RuleSyntaxError);
    expect(() => parseExpr(src)).toThrow(msg);
  });

  it("ruleProblem checks every field", () => {
    const ok: AlertRuleSpec = { name: "A", expr: "1", op: ">", threshold: 0 };
    expect(ruleProblem(ok)).toBeNull();
    expect(ruleProblem({ ...ok, name: "has space" })).toMatch(/name/);
    expect(ruleProblem({ ...ok, op: "==" as never })).toMatch(/comparison/);
    expect(ruleProblem({ ...ok, threshold: NaN })).toMatch(/threshold/);
    expect(ruleProblem({ ...ok, forS: -1 })).toMatch(/for/);
    expect(ruleProblem({ ...ok, cooldownS: -1 })).toMatch(/cooldown/);
    expect(ruleProblem({ ...ok, expr: "rate(" })).toMatch(/character/);
    expect(() => compileAlertRule({ ...ok, expr: "bogus_metric" })).toThrow(/alert rule A: unknown metric/);
  });
});

describe("compileExpr over the metrics", () => {
  it("matches a direct computation over the registry: selectors, matchers, regexes, aggregations, rate and increase", () => {
    // 40 tasks (k = 0..39) finish at k + 0.5; 20..29 fail. At t = 40 the 10 s window holds k = 30..39.
    const { q, sim } = crafted([[20, 30]], 39);
    expect(sim.nowS).toBeGreaterThanOrEqual(40);
    const at = (src: string) => compileExpr(src)(q);
    const f = q.registry.get("flower_events_total")!;
    const all = (pred: (l: Record<string, string>) => boolean) => [...f.series.values()].filter((s) => pred(s.labels)).reduce((a, s) => a + s.value, 0);
    expect(at('flower_events_total{type="task-failed"}')).toBe(10);
    expect(at('flower_events_total{type="task-failed"}')).toBe(all((l) => l.type === "task-failed"));
    expect(at('flower_events_total{type!="task-failed"}')).toBe(all((l) => l.type !== "task-failed"));
    expect(at('flower_events_total{type=~"task-.*", task!~"rep.*"}')).toBe(all((l) => l.task !== "report"));
    expect(at("2 * 3 - 4 / 2")).toBe(4);
    expect(at("max(flower_events_total)")).toBe(Math.max(...[...f.series.values()].map((s) => s.value)));
    expect(at("min(flower_events_total)")).toBe(Math.min(...[...f.series.values()].map((s) => s.value)));
    expect(at("avg(flower_events_total)")).toBeCloseTo(all(() => true) / f.series.size, 12);
    expect(at('sum(flower_events_total{type="nothing"})')).toBe(0);
    expect(at('avg(flower_events_total{type="nothing"})')).toBeNaN();
    expect(at('increase(flower_events_total{type="task-succeeded"}[10s])')).toBe(q.increase("flower_events_total", 10, { type: "task-succeeded" }));
    expect(at('rate(flower_events_total{type="task-failed"}[20s])')).toBeCloseTo(q.rate("flower_events_total", 20, { type: "task-failed" }), 12);
    expect(at("flower_task_runtime_seconds_count")).toBe(30);
    expect(at("flower_task_runtime_seconds_sum")).toBeCloseTo(3, 9);
    expect(at("rate(flower_task_runtime_seconds_count[10s])")).toBeCloseTo(q.rate("flower_task_runtime_seconds", 10), 12);
    expect(at('flower_events_total{type="task-failed"} / 0')).toBe(Infinity);
    expect(at('increase(flower_events_total{type="task-failed"}[10s]) / increase(flower_events_total{type="task-failed"}[10s])')).toBeNaN();
  });
});

describe("alert rules written as text, over crafted traces", () => {
  it("fires only after `for`, resolves, and records why in the trace", () => {
    // Failures at k = 20..39. The share over (T-10, T] first exceeds 0.35 at T = 24 (4 of 10):
    // pending at 24, firing at 29; it falls to 0.3 at T = 47: resolved. (0.35, not 0.3: a sum of
    // per-series rates is a float, 0.1 + 0.2 > 0.3, as in Prometheus.)
    const { seen, recorded } = crafted([[20, 40]], 60, { threshold: 0.35 });
    expect(seen).toEqual([
      [24, "pending"],
      [29, "firing"],
      [47, "resolved"],
    ]);
    expect(recorded.map((e) => [e.atS, (e.data as { state: string }).state])).toEqual(seen);
    const firing = recorded[1]!.data as { reason: string; value: number; rule: string };
    expect(firing.rule).toBe("HighFailureRate");
    expect(firing.reason).toBe(`${FAILURE_RATIO} 0.9 > 0.35 for 5 s`);
  });

  it("does not fire when the condition breaks before `for`", () => {
    // 4 failures in a row: the share is 0.4 > 0.35 from T = 24 to 30 (6 s), less than for = 8 s.
    const { seen } = crafted([[20, 24]], 60, { forS: 8, threshold: 0.35 });
    expect(seen.map((s) => s[1])).not.toContain("firing");
    expect(seen.map((s) => s[1])).toContain("pending");
  });

  it("respects the cooldown after resolving", () => {
    // Two incidents 15 s apart: the second goes pending but waits out the 30 s cooldown.
    const { seen } = crafted([[20, 30], [40, 70]], 100, { cooldownS: 30, forS: 2 });
    const firings = seen.filter((s) => s[1] === "firing").map((s) => s[0] as number);
    const resolved = seen.filter((s) => s[1] === "resolved").map((s) => s[0] as number);
    expect(firings.length).toBe(2);
    expect(firings[1]! - resolved[0]!).toBeGreaterThanOrEqual(30);
    // Without the cooldown the second incident fires sooner.
    const quick = crafted([[20, 30], [40, 70]], 100, { cooldownS: 0, forS: 2 }).seen.filter((s) => s[1] === "firing").map((s) => s[0] as number);
    expect(quick[1]!).toBeLessThan(firings[1]!);
  });
});

const FLAKY = `
import { Celery, sleep, service } from "celery";
const app = new Celery("flaky", { broker: "redis", costs: "ideal" });
const payments = service("payments", { latency: 0.05, outages: [{ fromS: 10, toS: 20 }] });
export const charge = app.task(async function charge(n: number) {
  await payments.call();
  return n;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  for (let i = 0; i < 120; i++) { charge.delay(i); await sleep(0.25); }
  await sleep(5);
}
`;

describe("run inputs: rules and commands inside a real run", () => {
  async function runWith(inputs: Parameters<typeof installRunInputs>[1]) {
    const code = await compile(FLAKY);
    const s = await createSession(code, { seed: 7, host: nodeHost });
    installRunInputs(s, inputs);
    await s.advance();
    return s;
  }

  it("evaluates the rules in the run, and a replay from the seed with the same inputs gives the same trace", async () => {
    const rule: AlertRuleSpec = { name: "Failing", expr: FAILURE_RATIO, op: ">", threshold: 0.2, forS: 3, cooldownS: 20 };
    const a = await runWith({ alerts: [rule], commands: [{ atS: 34, cmd: { kind: "retry-failed", taskName: "charge" } }] });
    const b = await runWith({ alerts: [rule], commands: [{ atS: 34, cmd: { kind: "retry-failed", taskName: "charge" } }] });
    expect(a.sim.trace.hash()).toBe(b.sim.trace.hash());
    const alerts = a.sim.trace.slice().filter((e) => e.kind === "alert").map((e) => [(e.data as { state: string }).state, e.atS]);
    const firing = alerts.find((x) => x[0] === "firing")!;
    expect(firing[1]).toBeGreaterThan(10);
    expect(firing[1]).toBeLessThan(20);
    expect(alerts.some((x) => x[0] === "resolved")).toBe(true);
    // The bulk retry at t = 34 sent each failed task again, and (the outage is over) they succeeded.
    const report = a.report();
    const failed = report.tasks.filter((t) => t.state === "FAILURE");
    expect(failed.length).toBeGreaterThan(10);
    const control = a.sim.trace.slice().filter((e) => e.kind === "control");
    expect(control.map((e) => e.atS)).toEqual([34]);
    const retried = report.tasks.filter((t) => t.sentAt !== null && t.sentAt >= 34);
    expect(retried.length).toBe(failed.length);
    expect(retried.every((t) => t.state === "SUCCESS")).toBe(true);
    // Without the inputs: no alerts and no retries.
    const plain = await runWith({});
    expect(plain.sim.trace.slice().some((e) => e.kind === "alert" || e.kind === "control")).toBe(false);
    expect(plain.report().tasks.length).toBe(120);
  });

  it("keeps a run alive for a command scheduled after it would have ended", async () => {
    const s = await runWith({ commands: [{ atS: 100, cmd: { kind: "retry-failed", taskName: "charge" } }] });
    expect(s.endReason).toBe("completed");
    expect(s.sim.trace.slice().find((e) => e.kind === "control")!.atS).toBe(100);
    expect(s.report().tasks.filter((t) => (t.sentAt ?? 0) >= 100).every((t) => t.state === "SUCCESS")).toBe(true);
  });

  it("an alert on celery_queue_unacked sees a killed worker's message wait in Redis's unacked hash, and resolves once it is restored and done", async () => {
    const code = await compile(`
import { Celery, sleep } from "celery";
const app = new Celery("stuck", { broker: "redis", costs: "ideal" });
app.conf.update({ taskAcksLate: true, workerPrefetchMultiplier: 1, brokerTransportOptions: { visibilityTimeout: 10 } });
const slow = app.task({ name: "slow" }, async function slow() { await sleep(5); return "done"; });
export default async function main() {
  const w = app.worker({ hostname: "w1", concurrency: 1 });
  const r = slow.delay();
  await sleep(1);
  w.kill();
  w.restart();
  return await r.get({ timeout: 200 });
}`);
    const s = await createSession(code, { seed: 1, host: nodeHost });
    installRunInputs(s, { alerts: [{ name: "Stuck", expr: "sum(celery_queue_unacked)", op: ">", threshold: 0, forS: 20, cooldownS: 0 }] });
    await s.advance();
    const trace = s.sim.trace.slice();
    const alerts = trace.filter((e) => e.kind === "alert").map((e) => [(e.data as { state: string }).state, e.atS] as const);
    const restoredAtS = trace.find((e) => e.kind === "message-restored")!.atS;
    const firing = alerts.find(([st]) => st === "firing")!;
    const resolved = alerts.find(([st]) => st === "resolved")!;
    expect(firing[1]).toBeGreaterThanOrEqual(21);
    expect(firing[1]).toBeLessThan(23);
    // Restored (kombu's check, long after the visibility timeout), run again for 5 s, acked: resolved.
    expect(restoredAtS).toBeGreaterThan(60);
    expect(resolved[1]).toBeGreaterThanOrEqual(restoredAtS + 5);
    expect(resolved[1]).toBeLessThan(restoredAtS + 8);
    expect(s.report().returned).toBe("done");
  });

  it("throws on a bad rule before the run starts", async () => {
    const code = await compile(FLAKY);
    const s = await createSession(code, { seed: 7, host: nodeHost });
    expect(() => installRunInputs(s, { alerts: [{ name: "X", expr: "rate(", op: ">", threshold: 1 }] })).toThrow(/alert rule X/);
  });
});
