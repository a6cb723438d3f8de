/**
 * A module instance per simulated process (issue 17): module-level state lives in one process.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const COUNTER = (pool: string, workers: number, conc: number, extra = "") => `
import { Celery, sleep } from "celery";
const app = new Celery("procs", { broker: "redis" });
let counter = 0;
export const bump = app.task(async function bump() { counter += 1; const mine = counter; await sleep(0.01); return mine; });
export const where = app.task(function where() { return counter; });
export default async function main() {
  for (let i = 1; i <= ${workers}; i++) app.worker({ hostname: "w" + i, concurrency: ${conc}, pool: "${pool}" });
  await sleep(1);
  const rs = Array.from({ length: 80 }, () => bump.delay());
  const seen: number[] = [];
  for (const r of rs) seen.push(await r.get());
  ${extra}
  return { seen, client: counter };
}`;

describe("module state per process", () => {
  it("2 workers × 4 prefork children: each child counts its own tasks, the client's counter stays 0", async () => {
    const r = await run(COUNTER("prefork", 2, 4));
    const { seen, client } = r.report.returned as { seen: number[]; client: number };
    expect(client).toBe(0);
    // Per child, the values a task saw are 1, 2, 3, … in the order that child ran them.
    const byPid = new Map<number, number[]>();
    const started = r.trace.filter((e) => e.kind === "task-started");
    expect(started.length).toBe(80);
    const idx = r.report.tasks.map((t) => t.index);
    started.forEach((e) => byPid.set(e.num, [...(byPid.get(e.num) ?? []), seen[idx.indexOf(e.task)]!]));
    expect(byPid.size).toBe(8);
    for (const vals of byPid.values()) expect(vals).toEqual(vals.map((_, i) => i + 1));
    expect(Math.max(...seen)).toBeLessThan(80);
  });

  it("the threads pool shares one module per worker; solo has one", async () => {
    const threads = await run(COUNTER("threads", 2, 4));
    const t = threads.report.returned as { seen: number[] };
    expect([...t.seen].sort((a, b) => a - b)).toEqual([...Array.from({ length: 40 }, (_, i) => i + 1), ...Array.from({ length: 40 }, (_, i) => i + 1)].sort((a, b) => a - b));
    const solo = await run(COUNTER("solo", 1, 1));
    expect((solo.report.returned as { seen: number[] }).seen).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  });

  it("a replaced pool child starts from fresh module state", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("procs", { broker: "redis" });
let counter = 0;
export const bump = app.task(function bump() { counter += 1; return counter; });
export const hang = app.task(async function hang() { await sleep(100); });
export default async function main() {
  const w = app.worker({ hostname: "w1", concurrency: 1 });
  await sleep(1);
  const before = [await bump.delay().get(), await bump.delay().get()];
  const h = hang.delay();
  await sleep(1);
  w.killChild(h.id);
  await sleep(10);
  const after = await bump.delay().get();
  return { before, after };
}`);
    expect(r.report.returned).toEqual({ before: [1, 2], after: 1 });
  });

  it("hooks and worker-side signals run in the child that ran the task, not in the client", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("procs", { broker: "redis" });
const seen: string[] = [];
app.signals.taskPrerun.connect(() => { seen.push("prerun"); });
export const t = app.task({ onSuccess() { seen.push("onSuccess"); } }, function t() { return seen.length; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1, pool: "solo" });
  await sleep(1);
  const first = await t.delay().get();
  const second = await t.delay().get();
  return { first, second, client: seen.length };
}`);
    // The second run sees the first's prerun and onSuccess plus its own prerun, in the worker.
    expect(r.report.returned).toEqual({ first: 1, second: 3, client: 0 });
  });

  it("same file and seed, same trace hash", async () => {
    const a = await run(COUNTER("prefork", 2, 4));
    const b = await run(COUNTER("prefork", 2, 4));
    expect(a.report.traceHash).toBe(b.report.traceHash);
  });
});

describe("one protocol for worker and eager runs", () => {
  it("apply() sends the same signals as the worker path, in the same order", async () => {
    const src = (how: string) => `
import { Celery, sleep } from "celery";
const app = new Celery("sig", { broker: "redis" });
const seen: string[] = [];
for (const name of ["taskPrerun", "taskSuccess", "taskFailure", "taskRetry", "taskPostrun"] as const)
  app.signals[name].connect(() => { seen.push(name); });
export const ok = app.task(function ok() { return 1; });
export const bad = app.task(function bad() { throw new Error("no"); });
export const report = app.task(function report() { return seen.join(","); });
export default async function main() {
  ${how}
}`;
    const eager = await run(src(`ok.apply(); bad.apply(); return seen.join(",");`), { oneProcess: false });
    const worker = await run(src(`app.worker({ hostname: "w1", concurrency: 1, pool: "solo" }); await sleep(1);
  await ok.delay().get(); try { await bad.delay().get(); } catch {} return (await report.delay().get()) as string;`));
    expect(eager.report.returned).toBe("taskPrerun,taskSuccess,taskPostrun,taskPrerun,taskFailure,taskPostrun");
    // The worker's report task adds its own prerun last.
    expect(worker.report.returned).toBe(`${eager.report.returned},taskPrerun`);
  });
});

describe("app.conf: the module's settings in every process, main()'s changes in the client only", () => {
  const CONF = (top: string, inMain: string) => `
import { Celery, sleep } from "celery";
const app = new Celery("confs", { broker: "redis" });
${top}
export const slow = app.task(async function slow() { await sleep(1); });
export default async function main() {
  ${inMain}
  app.worker({ hostname: "w1", concurrency: 1 });
  await sleep(1);
  const rs = Array.from({ length: 10 }, () => slow.delay());
  await sleep(0.5);
  return { firstState: rs[0]!.state };
}`;
  const SETTINGS = "{ workerPrefetchMultiplier: 1, taskTrackStarted: true }";
  const held = (trace: { kind: string; atS: number }[]) => trace.filter((e) => e.kind === "task-received" && e.atS < 1.5).length;

  // Early acks: the running task's message is acked, so c=1 holds it plus multiplier × 1 more.
  it("set at the module's top level, the worker has them (prefetch 1: one message held; STARTED tracked)", async () => {
    const r = await run(CONF(`app.conf.update(${SETTINGS});`, ""), { events: true });
    expect(held(r.trace)).toBe(2);
    expect((r.report.returned as { firstState: string }).firstState).toBe("STARTED");
  });

  it("set in main() (update or assignment), the worker keeps the module's: `celery worker -A mod` never runs main", async () => {
    for (const inMain of [`app.conf.update(${SETTINGS});`, "app.conf.workerPrefetchMultiplier = 1; app.conf.taskTrackStarted = true;"]) {
      const r = await run(CONF("", inMain), { events: true });
      expect(held(r.trace), inMain).toBe(5);
      expect((r.report.returned as { firstState: string }).firstState, inMain).toBe("PENDING");
    }
  });

  it("routes set in main() apply to the client's sends, not to a canvas step the worker sends", async () => {
    const r = await run(`
import { Celery, chain, sleep } from "celery";
const app = new Celery("routes", { broker: "redis" });
export const a = app.task({ name: "a" }, function a() { return 1; });
export const b = app.task({ name: "b" }, function b(x: number) { return x + 1; });
export default async function main() {
  app.conf.update({ taskRoutes: { b: { queue: "q2" } } });
  app.worker({ hostname: "w1", queues: ["celery"] });
  const direct = b.delay(1);
  const chained = chain(a.s(), b.s()).applyAsync();
  await sleep(3);
  return { direct: direct.state, chained: chained.state };
}`);
    // b.delay() from main is routed to q2, which w1 does not consume; the chain's b is sent by the
    // worker, whose process has no route for it, so it goes to the default queue and runs.
    expect(r.report.returned).toEqual({ direct: "PENDING", chained: "SUCCESS" });
  });

  it("taskSendSentEvent set in main(): main's sends say task-sent, a chain step the worker sends does not", async () => {
    const r = await run(`
import { Celery, chain, sleep } from "celery";
const app = new Celery("sent", { broker: "redis" });
export const a = app.task({ name: "a" }, function a() { return 1; });
export const b = app.task({ name: "b" }, function b(x: number) { return x + 1; });
export default async function main() {
  const sent: string[] = [];
  app.events.on("task-sent", (e: any) => sent.push(e.name));
  app.conf.update({ taskSendSentEvent: true });
  app.worker({ hostname: "w1" });
  await chain(a.s(), b.s()).applyAsync().get();
  return sent;
}`);
    expect(r.report.returned).toEqual(["a"]);
  });

  it("main() changing a setting the module set does not reach the worker either", async () => {
    const r = await run(CONF(`app.conf.update({ workerPrefetchMultiplier: 1 });`, "app.conf.update({ workerPrefetchMultiplier: 3 });"), { events: true });
    expect(held(r.trace)).toBe(2);
  });
});
