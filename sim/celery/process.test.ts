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
