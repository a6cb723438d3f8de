/** The seed's canvas patterns, run on the simulator. */
import { describe, expect, it } from "vitest";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

describe("the seed's canvas patterns", () => {
  it("map-reduce: the sum of squares of 0..99 through a chord = 328350", async () => {
    const r = await run(`
import { Celery, chord, group } from "celery";
const app = new Celery("patterns");
const square = app.task(function square(x: number) { return x * x; });
const total = app.task(function total(xs: number[]) { return xs.reduce((a, b) => a + b, 0); });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 8 }).ready();
  return await chord(group([...Array(100).keys()].map((i) => square.s(i))), total.s()).applyAsync().get();
}`);
    expect(r.report.returned).toBe(328350);
    expect(r.tasks("square")).toHaveLength(100);
  });

  it("fan-out / fan-in over three processors", async () => {
    const r = await run(`
import { Celery, chain, chord, sleep, now } from "celery";
const app = new Celery("patterns");
const fetch = app.task(function fetchData(n: number) { return [...Array(n).keys()]; });
const mk = (name: string, f: (xs: number[]) => number, d: number) => app.task({ name }, async (xs: number[]) => { await sleep(d); return f(xs); });
const pSum = mk("p.sum", (xs) => xs.reduce((a, b) => a + b, 0), 0.3);
const pMax = mk("p.max", (xs) => Math.max(...xs), 0.2);
const pCount = mk("p.count", (xs) => xs.length, 0.1);
const merge = app.task(function merge(parts: number[]) { return { sum: parts[0], max: parts[1], count: parts[2] }; });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 4 }).ready();
  const t0 = now();
  const value = await chain(fetch.s(10), chord([pSum.s(), pMax.s(), pCount.s()], merge.s())).applyAsync().get();
  return { value, tookS: now() - t0 };
}`);
    const out = r.report.returned as { value: unknown; tookS: number };
    expect(out.value).toEqual({ sum: 45, max: 9, count: 10 });
    // The three ran in parallel: the longest (0.3 s) plus Celery's own costs for five tasks (publishes,
    // dispatches, results: tens of milliseconds), far from the 0.6 s of running them one by one.
    expect(out.tookS).toBeGreaterThan(0.3);
    expect(out.tookS).toBeLessThan(0.35);
  });

  it("the diamond: A, then B and C in parallel, then D with both", async () => {
    const r = await run(`
import { Celery, chain, group } from "celery";
const app = new Celery("patterns");
const a = app.task(function a() { return 1; });
const b = app.task(function b(x: number) { return x + 10; });
const c = app.task(function c(x: number) { return x * 100; });
const d = app.task(function d(xs: number[]) { return xs[0]! + xs[1]!; });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  return await chain(a.s(), group(b.s(), c.s()), d.s()).applyAsync().get();
}`);
    expect(r.report.returned).toBe(111);
  });

  it("a saga: a chain whose linkError runs compensations in reverse order when a step fails", async () => {
    const r = await run(`
import { Celery, chain, sleep, ValueError } from "celery";
const app = new Celery("saga");
const done: string[] = [];
const reserve = app.task(function reserve(order: string) { done.push("reserve"); return order; });
const charge = app.task(function charge(order: string) { done.push("charge"); return order; });
const ship = app.task(function ship(order: string) { throw new ValueError("payment declined for " + order); });
const undoCharge = app.task(function undoCharge(req: any, exc: Error, tb: unknown) { done.push("undo charge"); });
const undoReserve = app.task(function undoReserve(req: any, exc: Error, tb: unknown) { done.push("undo reserve"); });
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const saga = chain(reserve.s("o-1"), charge.s(), ship.s());
  saga.linkError(undoCharge.s());
  saga.linkError(undoReserve.s());
  const res = saga.applyAsync();
  try { await res.get(); } catch (e: any) { done.push("failed: " + e.message); }
  return done;
}`);
    expect(r.report.returned).toEqual(["reserve", "charge", "undo charge", "undo reserve", "failed: payment declined for o-1"]);
  });
});
