// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: they check the mechanism's exact times.
/** Counterfactual diffs on crafted scenarios: the divergence point is the one the change causes. */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import { diffRuns, runSession } from "./index";

// Two workers of one process each, two 5 s tasks, w1 killed at killAtS and back 2 s later.
const KILL = `
import { Celery, sleep, faults, params } from "celery";
const { killAtS = 1 } = (params ?? {}) as { killAtS?: number };
const app = new Celery("acks", { broker: "rabbitmq", costs: "ideal" });
app.conf.update({ workerPrefetchMultiplier: 1 });
export const slow = app.task(async function slow(i: number) { await sleep(5); return i; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  app.worker({ hostname: "w2", concurrency: 1 });
  faults.plan([{ fault: { kind: "kill-worker", worker: "w1", restartAfterS: 2 }, trigger: { atS: killAtS } }]);
  [0, 1].map((i) => slow.delay(i));
}`;

describe("counterfactual diff", () => {
  it("acksLate off vs on under a worker kill: they part at the first early ack, and the killed task is lost in one and run twice in the other", async () => {
    const code = await compile(KILL);
    const d = await diffRuns(code, { host: nodeHost, seed: 7, a: { "conf.taskAcksLate": false }, b: { "conf.taskAcksLate": true } });
    expect(d.changed).toEqual(["conf.taskAcksLate"]);
    expect(d.a.figures.lost).toBe(1);
    expect(d.b.figures.lost).toBe(0);
    expect(d.b.figures.duplicated).toBe(1);

    // Independently: the first message-acked of the early-ack run, and the same prefix in both.
    const sa = await runSession(code, { seed: 7, params: { "conf.taskAcksLate": false } }, { host: nodeHost });
    const sb = await runSession(code, { seed: 7, params: { "conf.taskAcksLate": true } }, { host: nodeHost });
    const ta = sa.sim.trace.slice();
    const tb = sb.sim.trace.slice();
    const firstAck = ta.findIndex((e) => e.kind === "message-acked");
    expect(firstAck).toBeGreaterThan(0);
    expect(tb.slice(0, firstAck).map((e) => [e.kind, e.atS, e.task, e.worker])).toEqual(ta.slice(0, firstAck).map((e) => [e.kind, e.atS, e.task, e.worker]));

    const div = d.divergence!;
    expect(div.index).toBe(firstAck);
    expect(div.a).toMatchObject({ kind: "message-acked", atS: 0 });
    expect(div.b!.kind).not.toBe("message-acked");
    expect(div.fields).toContain("kind");
    expect(div.before.map((e) => e.i)).toEqual([firstAck - 4, firstAck - 3, firstAck - 2, firstAck - 1]);
    expect(div.afterA[0]!.i).toBe(firstAck + 1);

    // Per task: the task w1 was running is lost in a (one execution, never finished) and succeeds
    // after a second execution in b, on w2 or the restarted w1.
    const killed = d.tasks.find((t) => t.a?.lostReason);
    expect(killed, JSON.stringify(d.tasks)).toBeDefined();
    expect(killed!.a).toMatchObject({ executions: 1, finishedAt: null });
    expect(killed!.b).toMatchObject({ state: "SUCCESS", executions: 2, lostReason: null });
    expect(killed!.changed).toEqual(expect.arrayContaining(["state", "executions", "finishedAt", "lostReason"]));
    expect(d.tasks.length + d.sameTasks).toBe(2);
  });

  it("moving the kill from 1 s to 3 s: they part at the fault at 1 s", async () => {
    const code = await compile(KILL);
    const d = await diffRuns(code, { host: nodeHost, seed: 3, a: { killAtS: 1 }, b: { killAtS: 3 } });
    const div = d.divergence!;
    expect(div.a).toMatchObject({ kind: "fault", atS: 1 });
    expect(div.b!.atS).toBeGreaterThan(1);
    expect(div.before.every((e) => e.atS <= 1)).toBe(true);
    // The prefix before it is every event before 1 s (the same in both runs).
    const sa = await runSession(code, { seed: 3, params: { killAtS: 1 } }, { host: nodeHost });
    const firstAt1 = sa.sim.trace.slice().findIndex((e) => e.atS >= 1);
    expect(div.index).toBe(firstAt1);
  });

  it("the same settings twice: no divergence, no task differs", async () => {
    const code = await compile(KILL);
    const d = await diffRuns(code, { host: nodeHost, seed: 5, a: { killAtS: 2 }, b: { killAtS: 2 } });
    expect(d.changed).toEqual([]);
    expect(d.divergence).toBeNull();
    expect(d.tasks).toEqual([]);
    expect(d.sameTasks).toBe(2);
    expect(d.a.traceHash).toBe(d.b.traceHash);
  });

  it("events and tasks are matched by task id, not by table index", async () => {
    // b sends an extra task first, so every task of a sits one index later in b.
    const code = await compile(`
import { Celery, sleep, params } from "celery";
const app = new Celery("ids", { broker: "redis", costs: "ideal" });
export const job = app.task(async function job(i: number) { await sleep(1); return i; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  if ((params as any)?.extra) job.applyAsync([99], { taskId: "extra" });
  job.applyAsync([1], { taskId: "job-1" });
  job.applyAsync([2], { taskId: "job-2" });
}`);
    const d = await diffRuns(code, { host: nodeHost, seed: 1, a: { extra: false }, b: { extra: true } });
    // Index 0 is a task-sent at 0 s in both, on no worker, for task index 0 in both: only the id differs.
    expect(d.divergence!.index).toBe(0);
    expect(d.divergence!.fields).toEqual(expect.arrayContaining(["task"]));
    expect(d.divergence!.fields).not.toContain("kind");
    expect(d.divergence!.a).toMatchObject({ kind: "task-sent", taskId: "job-1" });
    expect(d.divergence!.b).toMatchObject({ kind: "task-sent", taskId: "extra" });
    const byId = Object.fromEntries(d.tasks.map((t) => [t.id, t]));
    expect(Object.keys(byId).sort()).toEqual(["extra", "job-1", "job-2"]);
    expect(byId.extra!.a).toBeNull();
    expect(byId["job-1"]!.a).toMatchObject({ startedAt: 0, finishedAt: 1 });
    expect(byId["job-1"]!.b).toMatchObject({ startedAt: 1, finishedAt: 2 });
    expect(byId["job-1"]!.changed).toEqual(["startedAt", "finishedAt"]);
  });
});
