/**
 * cpu() on a host: processor sharing, the GIL of a threads pool, the client's lane, and limits
 * interrupting it. With costs "ideal" (no Celery overheads, no prefork factor) so the shares read plainly.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

describe("cpu(seconds)", () => {
  it("a threads pool's threads take turns on one core (the GIL); prefork children use the cores", async () => {
    const span = async (pool: string) => {
      const r = await run(`
import { Celery, cpu } from "celery";
const app = new Celery("gil", { broker: "redis", costs: "ideal" });
export const work = app.task({ name: "work" }, async function work() { await cpu(0.1); return 1; });
export default async function main() {
  app.worker({ hostname: "w1", pool: "${pool}", concurrency: 4 });
  await Promise.all(Array.from({ length: 8 }, () => work.delay().get()));
}`);
      const ts = r.tasks("work");
      return Math.max(...ts.map((t) => t.finishedAt!)) - Math.min(...ts.map((t) => t.startedAt!));
    };
    // 8 × 0.1 s: one core for the threads pool (0.8 s); two cores for prefork (0.4 s).
    expect(await span("threads")).toBeCloseTo(0.8, 6);
    expect(await span("prefork")).toBeCloseTo(0.4, 6);
  });

  it("the client burns CPU on localhost too: main's work slows the workers sharing its cores", async () => {
    const r = await run(`
import { Celery, cpu, now } from "celery";
const app = new Celery("client", { broker: "redis", costs: "ideal" });
export const work = app.task({ name: "work" }, async function work() { await cpu(1); return now(); });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const rs = [work.delay(), work.delay()];
  const t0 = now();
  await cpu(1);
  const mainTookS = now() - t0;
  return { mainTookS, doneAt: await Promise.all(rs.map((x) => x.get())) };
}`);
    const out = r.report.returned as { mainTookS: number; doneAt: number[] };
    // Three processes on two cores: each at 2/3 of a core while all three burn.
    expect(out.mainTookS).toBeCloseTo(1.5, 6);
    for (const t of out.doneAt) expect(t).toBeCloseTo(1.5, 6);
  });

  it("a soft time limit is raised where the task burns CPU, and its CPU is given back", async () => {
    const r = await run(`
import { Celery, cpu, now, SoftTimeLimitExceeded } from "celery";
const app = new Celery("limit", { broker: "redis", costs: "ideal" });
export const hog = app.task({ name: "hog", softTimeLimit: 0.5 }, async function hog() {
  try { await cpu(10); return "finished"; } catch (e) { return e instanceof SoftTimeLimitExceeded ? "soft limit at " + now().toFixed(2) : "other"; }
});
export const other = app.task({ name: "other" }, async function other() { const t0 = now(); await cpu(1); return now() - t0; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 3 });
  const h = hog.delay();
  const a = other.delay();
  const b = other.delay();
  return { hog: await h.get(), a: await a.get(), b: await b.get() };
}`);
    const out = r.report.returned as { hog: string; a: number; b: number };
    expect(out.hog).toBe("soft limit at 0.50");
    // Three lanes on two cores until 0.5 s (2/3 each), then two lanes, a full core each.
    const expected = 0.5 + (1 - 0.5 * (2 / 3)) / 1;
    expect(out.a).toBeCloseTo(expected, 6);
    expect(out.b).toBeCloseTo(expected, 6);
  });

  it("refuses a bad duration at the call", async () => {
    const r = await run(`
import { Celery, cpu } from "celery";
const app = new Celery("bad");
export default async function main() { try { await cpu(-1); return "ran"; } catch (e) { return (e as Error).message; } }`);
    expect(r.report.returned).toMatch(/^cpu\(seconds\) needs a number of seconds of at least 0 \(got -1\)$/);
  });
});

describe("the host's clock late in a run", () => {
  it("finishes CPU shares at t = 1e6 s, where a double's step is ~1e-10 s (it once looped at one instant)", async () => {
    // Three lanes on two cores burn at 2/3 of a core: their completions are planned at instants a
    // double cannot hit exactly this late, so "done" must be relative to the clock's resolution.
    const r = await run(`
import { Celery, cpu, sleep, now } from "celery";
const app = new Celery("late", { broker: "redis", costs: "ideal" });
export const work = app.task({ name: "work" }, async function work(s: number) { await cpu(s); return now(); });
export default async function main() {
  app.worker({ hostname: "w1", pool: "prefork", concurrency: 3 });
  await sleep(1000000.123456789);
  const rs = [0.1, 0.37, 0.713, 1.1, 0.29, 0.0731, 0.011, 0.5557, 0.2093].map((s) => work.delay(s));
  return Promise.all(rs.map((x) => x.get()));
}`, { untilS: 1000100 });
    expect(r.report.endReason).not.toMatch(/limit|loop/i);
    const done = r.report.returned as number[];
    expect(done).toHaveLength(9);
    for (const t of done) expect(t).toBeGreaterThan(1000000);
    // The work is 3.4221 CPU-seconds on two cores: everything is done within ~2 s of the sends.
    expect(Math.max(...done)).toBeLessThan(1000000.123456789 + 2);
  }, 20_000);
});
