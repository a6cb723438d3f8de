// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: the series are checked against exact times.
import { beforeAll, describe, expect, it } from "vitest";
import { brokerProbes, brokerProbeSnippet } from "../../../../sim/testing/broker-probe";
import { run, type RunOutcome } from "../../../../sim/testing/harness";
import type { TraceEvent } from "../../../workers/protocol";
import { emptyDashboard, foldDashboard, percentile, percentileChart, queueDepthChart, stateChart, throughputChart, utilisationChart, type DashboardModel } from "./series";
import { explainWorker } from "./worker-status";

const SCENARIO = `
import { Celery, sleep, service } from "celery";
const app = new Celery("dash", { broker: "redis", costs: "ideal" });
const api = service("api", { latency: 0.05, failureRate: 0.2, outages: [{ fromS: 8, toS: 12 }] });
export const charge = app.task(async function charge(n: number) {
  await sleep(0.1 + Math.random() * 0.8);
  await api.call();
  return n;
});
export const report = app.task({ queue: "reports" }, async function report(n: number) { await sleep(2 + Math.random()); return n; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 3, queues: ["celery", "reports"] });
  for (let i = 0; i < 80; i++) { charge.delay(i); if (i % 4 === 0) report.delay(i); await sleep(0.2); }
  await sleep(2);
}
`;

let out: RunOutcome;
let trace: TraceEvent[];
let m: DashboardModel;

/** Fold the trace as the page gets it: frames of `size` events, each with the clock at its last event. */
function foldInFrames(size: number, onFrame?: (d: DashboardModel) => void): DashboardModel {
  const d = emptyDashboard(1);
  for (let i = 0; i < trace.length; i += size) {
    const evs = trace.slice(i, i + size);
    // Overlap a little, as a re-sent frame would: already-folded events must be skipped.
    const withRepeat = i > 3 ? trace.slice(i - 3, i + size) : evs;
    foldDashboard(d, withRepeat, out.report.tasks, out.report.workers, evs[evs.length - 1]!.atS, i + size < trace.length ? false : true);
    onFrame?.(d);
  }
  foldDashboard(d, [], [], out.report.workers, out.report.simTime);
  return d;
}

beforeAll(async () => {
  out = await run(SCENARIO, { seed: 3 });
  trace = out.trace;
  m = foldInFrames(trace.length);
});

const STATE: Record<string, string> = {
  "task-sent": "PENDING",
  "task-received": "RECEIVED",
  "task-started": "STARTED",
  "task-succeeded": "SUCCESS",
  "task-failed": "FAILURE",
  "task-retried": "RETRY",
  "task-revoked": "REVOKED",
  "task-rejected": "REJECTED",
};

/** Each task's state just before time `t`, straight from the trace. */
function statesBefore(t: number): Map<number, string> {
  const s = new Map<number, string>();
  for (const e of trace) if (e.atS < t && e.task >= 0 && STATE[e.kind]) s.set(e.task, STATE[e.kind]!);
  return s;
}

describe("dashboard series from the trace", () => {
  it("has one closed bucket per simulated second up to the end", () => {
    expect(m.buckets.length).toBe(Math.floor(out.report.simTime));
    expect(m.buckets.map((b) => b.endS)).toEqual(m.buckets.map((_, i) => i + 1));
    expect(out.report.stats.failed).toBeGreaterThan(5);
  });

  it("closes the last, partial bucket once the run has ended, so the charts end with the run's final counts", () => {
    const d = emptyDashboard(1);
    // The whole trace in two frames, the last one marked finished (as the page's last frame is).
    const half = Math.floor(trace.length / 2);
    foldDashboard(d, trace.slice(0, half), out.report.tasks, out.report.workers, trace[half - 1]!.atS, false);
    foldDashboard(d, trace.slice(half), out.report.tasks, out.report.workers, out.report.simTime, true, true);
    expect(d.buckets.length).toBe(Math.floor(out.report.simTime) + 1);
    const final = [...statesBefore(Infinity).values()];
    const last = d.buckets[d.buckets.length - 1]!;
    for (const st of ["PENDING", "STARTED", "SUCCESS", "FAILURE"]) expect([st, last.states[st] ?? 0]).toEqual([st, final.filter((x) => x === st).length]);
    expect(d.buckets.reduce((n, b) => n + b.failed, 0)).toBe(out.report.stats.failed);
    expect(d.buckets.reduce((n, b) => n + b.succeeded, 0)).toBe(out.report.stats.succeeded);
    // Without `finished`, the same frames leave the last partial second unplotted.
    const open = emptyDashboard(1);
    foldDashboard(open, trace, out.report.tasks, out.report.workers, out.report.simTime, true);
    expect(open.buckets.length).toBe(Math.floor(out.report.simTime));
    // A repeated last frame (the page may fold a finished frame twice) closes nothing more.
    foldDashboard(d, [], [], out.report.workers, out.report.simTime, true, true);
    expect(d.buckets.length).toBe(Math.floor(out.report.simTime) + 1);
  });

  it("plots the run's last, partial bucket at the run's end, its rate over its own width; a run ending on a bucket's start adds its last instant to the bucket before", () => {
    const ev = (i: number, kind: TraceEvent["kind"], atS: number, task: number): TraceEvent => ({ i, kind, atS, task, worker: 0, num: NaN });
    const events = (endS: number) => [ev(0, "task-sent", 0, 0), ev(1, "task-sent", 0, 1), ev(2, "task-started", 0.5, 0), ev(3, "task-succeeded", 0.9, 0), ev(4, "task-started", 1, 1), ev(5, "task-succeeded", endS, 1)];
    const partial = foldDashboard(emptyDashboard(1), events(1.25), [], [], 1.25, true, true);
    expect(partial.buckets.map((b) => b.plotS)).toEqual([1, 1.25]);
    expect(throughputChart(partial, 1).data).toEqual([[1, 1.25], [1, 4], [0, 0]]); // 1 in 0.25 s is 4/s
    expect(stateChart(partial, ["SUCCESS"]).data[1]).toEqual([1, 2]);
    const onEdge = foldDashboard(emptyDashboard(1), events(2), [], [], 2, true, true);
    expect(onEdge.buckets.map((b) => [b.plotS, b.succeeded])).toEqual([[1, 1], [2, 1]]);
    expect(stateChart(onEdge, ["STARTED", "SUCCESS"]).data.slice(1)).toEqual([[0, 0], [1, 2]]);
    // Folding the last frame again changes nothing.
    foldDashboard(onEdge, [], [], [], 2, true, true);
    expect(onEdge.buckets.length).toBe(2);
  });

  it("live state counts equal the states the trace implies at each bucket's end", () => {
    const c = stateChart(m, ["PENDING", "RECEIVED", "STARTED", "SUCCESS", "FAILURE"]);
    for (let i = 0; i < c.data[0]!.length; i++) {
      const t = c.data[0]![i]!;
      const states = [...statesBefore(t).values()];
      c.series.forEach((name, j) => expect([t, name, c.data[j + 1]![i]]).toEqual([t, name, states.filter((x) => x === name).length]));
    }
  });

  it("throughput equals the succeeded and failed events per second, and averages over a window", () => {
    const c = throughputChart(m, 1);
    const ok = (k: number) => trace.filter((e) => e.kind === "task-succeeded" && Math.floor(e.atS) === k).length;
    const bad = (k: number) => trace.filter((e) => e.kind === "task-failed" && Math.floor(e.atS) === k).length;
    c.data[0]!.forEach((_, k) => {
      expect(c.data[1]![k]).toBe(ok(k));
      expect(c.data[2]![k]).toBe(bad(k));
    });
    // The last, partial second is not plotted yet: it is not over.
    const lastEnd = c.data[0]![c.data[0]!.length - 1]!;
    expect(c.data[1]!.reduce((a, b) => a! + b!, 0)).toBe(trace.filter((e) => e.kind === "task-succeeded" && e.atS < lastEnd).length);
    const w5 = throughputChart(m, 5);
    const k = 20;
    expect(w5.data[2]![k]).toBeCloseTo([16, 17, 18, 19, 20].reduce((a, j) => a + bad(j), 0) / 5, 12);
  });

  it("queue depth per queue: with no redelivery, the tasks sent and not yet received; unacked: received and not yet acknowledged", () => {
    const c = queueDepthChart(m);
    expect(c.series).toEqual(["celery", "reports", "celery unacked", "reports unacked"]);
    const queueOf = new Map(out.report.tasks.map((t) => [t.index, t.queue]));
    c.data[0]!.forEach((t, i) => {
      const s = statesBefore(t!);
      for (const [j, q] of ["celery", "reports"].entries()) expect(c.data[j + 1]![i]).toBe([...s].filter(([task, st]) => st === "PENDING" && queueOf.get(task) === q).length);
      // Early acks: a message is acknowledged when its task starts, so unacked = received, not started.
      for (const [j, q] of ["celery", "reports"].entries()) expect(c.data[j + 3]![i]).toBe([...s].filter(([task, st]) => st === "RECEIVED" && queueOf.get(task) === q).length);
    });
    expect(Math.max(...(c.data[2] as number[]))).toBeGreaterThan(0);
    expect(Math.max(...(c.data[3] as number[]))).toBeGreaterThan(0);
  });

  it("queue depth follows the broker through a worker kill with late acks: the dead worker's messages come back to the queue", async () => {
    // The broker's own counts, asked a microsecond before each bucket ends.
    const o = await run(`
import { Celery, sleep, now } from "celery";
const app = new Celery("dash", { broker: "rabbitmq", costs: "ideal" });
app.conf.update({ taskAcksLate: true, workerPrefetchMultiplier: 4 });
const job = app.task({ name: "job" }, async function job(i: number) { await sleep(1.3 + (i % 3) * 0.7); return i; });
${brokerProbeSnippet(1000, 999.999)}
export default async function main() {
  const w1 = app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 1 });
  for (let i = 0; i < 24; i++) job.delay(i);
  await sleep(2.5);
  w1.kill();
  await sleep(20);
}`);
    const d = foldDashboard(emptyDashboard(1), o.trace, o.report.tasks, o.report.workers, o.report.simTime, true, true);
    const c = queueDepthChart(d);
    expect(c.series).toEqual(["celery", "celery unacked"]);
    let compared = 0;
    for (const probe of brokerProbes(o.trace)) {
      const end = Math.round(probe.atS);
      // Only where no message event falls between the probe and the bucket's end.
      if (o.trace.some((e) => e.kind.startsWith("message-") && e.atS >= probe.atS && e.atS < end)) continue;
      const i = c.data[0]!.indexOf(end);
      expect([end, c.data[1]![i], c.data[2]![i]]).toEqual([end, probe.queues.celery ?? 0, probe.unacked]);
      compared++;
    }
    expect(compared).toBeGreaterThan(15);
    // At the kill (2.5 s) w1's unacked messages went back to the queue, which grew.
    expect(o.trace.filter((e) => e.kind === "message-requeued" && e.atS === 2.5).length).toBeGreaterThanOrEqual(6);
    expect(c.data[1]![2]!).toBeGreaterThan(c.data[1]![1]!);
    // Counting sent-not-received tasks would have shown nothing come back.
    const stateAt3 = new Map<number, string>();
    for (const e of o.trace) if (e.atS < 3 && e.task >= 0 && STATE[e.kind]) stateAt3.set(e.task, STATE[e.kind]!);
    const pendingAt3 = [...stateAt3.values()].filter((st) => st === "PENDING").length;
    expect(c.data[1]![2]).toBeGreaterThan(pendingAt3);
  });

  it("queue wait and runtime percentiles equal a direct computation over the window", () => {
    const waits: [number, number][] = [];
    const runtimes: [number, number][] = [];
    const sent = new Map<number, number>();
    const started = new Map<number, number>();
    for (const e of trace) {
      if (e.kind === "task-sent") sent.set(e.task, e.atS);
      if (e.kind === "task-started") {
        waits.push([e.atS, e.atS - sent.get(e.task)!]);
        started.set(e.task, e.atS);
      }
      if (e.kind === "task-succeeded" || e.kind === "task-failed") runtimes.push([e.atS, e.atS - started.get(e.task)!]);
    }
    /** Nearest rank, computed another way: the smallest value with at least p% of values <= it. */
    const direct = (vals: number[], p: number) => (vals.length ? Math.min(...vals.filter((v) => vals.filter((x) => x <= v).length >= (p / 100) * vals.length)) : null);
    for (const [what, obs] of [["waits", waits], ["runtimes", runtimes]] as const) {
      const c = percentileChart(m, what, 10);
      expect(c.series).toEqual(["p50", "p95", "p99"]);
      c.data[0]!.forEach((end, i) => {
        const inWindow = obs.filter(([at]) => at >= end! - 10 && at < end!).map(([, v]) => v);
        expect([what, end, c.data[1]![i], c.data[2]![i], c.data[3]![i]]).toEqual([what, end, direct(inWindow, 50), direct(inWindow, 95), direct(inWindow, 99)]);
      });
    }
    const rt = percentileChart(m, "runtimes", 10);
    expect(rt.data[2]!.some((v) => v !== null && v > 1.5)).toBe(true);
  });

  it("percentiles drawn after every frame (reusing settled buckets) end equal to one computation at the end", () => {
    const seen: number[] = [];
    const live = foldInFrames(37, (d) => seen.push(percentileChart(d, "waits", 10).data[0]!.length));
    expect(new Set(seen).size).toBeGreaterThan(5);
    for (const what of ["waits", "runtimes"] as const) expect(percentileChart(live, what, 10)).toEqual(percentileChart(foldInFrames(37), what, 10));
    expect(percentileChart(live, "waits", 10)).toEqual(percentileChart(m, "waits", 10));
  });

  it("pool utilisation equals executions in flight over the pool size, per worker and overall", () => {
    const c = utilisationChart(m);
    expect(c.series).toEqual(["all workers", "w1", "w2"]);
    const conc: Record<string, number> = { w1: 2, w2: 3 };
    const host = new Map(out.report.workers.map((w) => [w.index, w.hostname]));
    c.data[0]!.forEach((t, i) => {
      const busy: Record<string, number> = { w1: 0, w2: 0 };
      const open = new Map<number, number>();
      for (const e of trace) {
        if (e.atS >= t!) break;
        if (e.kind === "task-started") open.set(e.task, e.worker);
        if (["task-succeeded", "task-failed", "task-retried", "task-revoked", "task-rejected"].includes(e.kind)) open.delete(e.task);
      }
      for (const w of open.values()) busy[host.get(w)!]!++;
      const online = t! > trace.find((e) => e.kind === "worker-online")!.atS;
      if (!online) return;
      expect(c.data[2]![i]).toBeCloseTo((100 * busy.w1!) / conc.w1!, 9);
      expect(c.data[3]![i]).toBeCloseTo((100 * busy.w2!) / conc.w2!, 9);
      expect(c.data[1]![i]).toBeCloseTo((100 * (busy.w1! + busy.w2!)) / 5, 9);
    });
    expect(Math.max(...(c.data[1]!.filter((x) => x !== null) as number[]))).toBe(100);
  });

  it("folding frame by frame (cut short, overlapping) gives the same series as folding at once", () => {
    for (const size of [1, 37, 500]) {
      const d = foldInFrames(size);
      expect(d.buckets).toEqual(m.buckets);
    }
  });

  it("percentile is nearest-rank", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([3, 1, 2, 4], 50)).toBe(2);
    expect(percentile([3, 1, 2, 4], 51)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => 100 - i), 95)).toBe(95);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
  });

  it("collects alert and page control events", () => {
    const d = emptyDashboard(1);
    const evs: TraceEvent[] = [
      { i: 0, kind: "alert", atS: 3, task: -1, worker: -1, num: 0.5, data: { rule: "R", state: "firing", value: 0.5, threshold: 0.1, reason: "why" } },
      { i: 1, kind: "control", atS: 4, task: -1, worker: -1, num: NaN, data: { command: "retry-failed", from: "page", kind: "retry-failed", taskName: "charge" } },
      { i: 2, kind: "control", atS: 4, task: -1, worker: -1, num: NaN, data: { command: "pool_grow", args: {} } },
    ];
    foldDashboard(d, evs, [], [], 5);
    expect(d.alerts).toEqual([{ atS: 3, rule: "R", state: "firing", value: 0.5, threshold: 0.1, reason: "why" }]);
    expect(d.controls).toEqual([{ atS: 4, command: "retry-failed", detail: "taskName=charge" }]);
    expect(d.buckets.length).toBe(5);
  });
});

describe("explainWorker", () => {
  const view = { status: "online" as const, active: 0, concurrency: 4, lastHeartbeatS: 10 };
  const track = { online: true, onlineAtS: 0, offlineAtS: null, killedAtS: null, lastHeartbeatS: 10, heartbeatEveryS: 2 };
  it("online, busy, overdue, shut down, killed", () => {
    expect(explainWorker(view, track, 11)).toEqual({ status: "online", why: "online, idle: 0 of 4 processes busy; last heartbeat 1 s ago" });
    expect(explainWorker({ ...view, active: 3 }, track, 11).why).toBe("busy: 3 of 4 pool processes running tasks; last heartbeat 1 s ago");
    expect(explainWorker(view, track, 16)).toEqual({ status: "offline", why: "no heartbeat for 6 s (expected every 2 s; a monitor gives up after 4 s)" });
    expect(explainWorker({ ...view, status: "offline" }, { ...track, online: false, offlineAtS: 12 }, 20)).toEqual({ status: "offline", why: "shut down: sent worker-offline at 12 s" });
    expect(explainWorker({ ...view, status: "offline" }, { ...track, online: false, killedAtS: 11 }, 16).why).toBe("killed at 11 s: no worker-offline event was sent; no heartbeat for 6 s");
    expect(explainWorker({ ...view, status: "offline" }, { ...track, online: false, killedAtS: 11 }, 12).why).toMatch(/still shows it online until 14 s/);
    expect(explainWorker({ ...view, status: "starting", lastHeartbeatS: null }, undefined, 0).status).toBe("starting");
  });

  it("explains the workers of a real run at its end", () => {
    for (const w of out.report.workers) {
      const s = explainWorker(w, m.workers.get(w.index), out.report.simTime);
      expect(s.status).toBe(w.active > 0 ? "busy" : "online");
    }
  });
});
