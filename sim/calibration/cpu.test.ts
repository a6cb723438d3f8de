/**
 * CPU work against real Celery (issue 20): each configuration of CALIBRATION.md's M4 that the CPU
 * model covers, run in the simulator, within ±20 % of the measured median (tasks/s as M4 counts it,
 * N / (first start → last end), and the median body time). The medians are copied from the measured
 * JSON into m4.json, with their source. Not modelled yet (issue 20's overheads): the worker's per-task
 * cost, so the simulator sits 13–18 % above Celery here; the threads pool's stalls (M8), so the
 * threads row compares with its stall-free run.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../testing/harness";

interface Config {
  pool: "prefork" | "threads";
  concurrency: number;
  task: "cpu" | "sleep";
  tasksPerSMedian: number;
  tasksPerSRuns: number[];
  bodyMsMedian: number | null;
}
const M4 = JSON.parse(readFileSync(join(import.meta.dirname, "m4.json"), "utf8")) as { cpuBodyS: number; n: number; configs: Record<string, Config> };
const TOLERANCE = 0.2;

async function measure(c: Config): Promise<{ tasksPerS: number; bodyMs: number }> {
  const body = c.task === "cpu" ? `await cpu(${M4.cpuBodyS})` : "await sleep(0.02)";
  const r = await run(`
import { Celery, cpu, sleep } from "celery";
const app = new Celery("m4", { broker: "redis" });
export const work = app.task({ name: "work", ignoreResult: true }, async function work() { ${body}; });
export default async function main() {
  // As M4: the tasks are queued first, then the worker is launched.
  for (let i = 0; i < ${M4.n}; i++) work.delay();
  app.worker({ hostname: "w1", pool: "${c.pool}", concurrency: ${c.concurrency} });
}`);
  const ts = r.tasks("work");
  expect(ts.every((t) => t.state === "SUCCESS" || t.finishedAt !== null)).toBe(true);
  const first = Math.min(...ts.map((t) => t.startedAt!));
  const last = Math.max(...ts.map((t) => t.finishedAt!));
  const bodies = ts.map((t) => (t.finishedAt! - t.startedAt!) * 1000).sort((a, b) => a - b);
  return { tasksPerS: ts.length / (last - first), bodyMs: bodies[bodies.length >> 1]! };
}

const within = (got: number, want: number) => Math.abs(got - want) <= TOLERANCE * want;

describe("CPU work against real Celery (CALIBRATION.md M4, 2 cores)", () => {
  for (const [name, c] of Object.entries(M4.configs)) {
    it(`${name}: ${c.pool} c=${c.concurrency}, ${c.task}-bound`, async () => {
      const got = await measure(c);
      // The threads pool stalled in two of three runs (M8, not modelled): its stall-free run is the reference.
      const want = c.pool === "threads" ? Math.max(...c.tasksPerSRuns) : c.tasksPerSMedian;
      expect(within(got.tasksPerS, want), `${got.tasksPerS.toFixed(1)} tasks/s, Celery ${want}`).toBe(true);
      if (c.pool === "prefork" && c.bodyMsMedian !== null) expect(within(got.bodyMs, c.bodyMsMedian), `body ${got.bodyMs.toFixed(1)} ms, Celery ${c.bodyMsMedian}`).toBe(true);
    });
  }

  it("the knee is at the cores: c=2 doubles c=1, c=3…8 add nothing, and each body stretches by c/2", async () => {
    const at = async (concurrency: number) => measure({ pool: "prefork", concurrency, task: "cpu", tasksPerSMedian: 0, tasksPerSRuns: [], bodyMsMedian: null });
    const [c1, c2, c4, c8] = [await at(1), await at(2), await at(4), await at(8)];
    expect(c2.tasksPerS / c1.tasksPerS).toBeCloseTo(2, 1);
    expect(c4.tasksPerS / c2.tasksPerS).toBeCloseTo(1, 1);
    expect(c8.tasksPerS / c2.tasksPerS).toBeCloseTo(1, 1);
    expect(c8.bodyMs / c2.bodyMs).toBeCloseTo(4, 1);
  });

  it("more cores move the knee: 8 prefork children on an 8-core host run 4× what 2 cores run", async () => {
    const r = await run(`
import { Celery, cpu } from "celery";
const app = new Celery("big", { broker: "redis", costs: "ideal" });
export const work = app.task({ name: "work", ignoreResult: true }, async function work() { await cpu(0.02); });
export default async function main() {
  for (let i = 0; i < 400; i++) work.delay();
  app.worker({ hostname: "small", concurrency: 8, queues: ["small"] });
  app.worker({ hostname: "big", concurrency: 8, host: { name: "big", cores: 8 } });
}`);
    const ts = r.tasks("work");
    const span = Math.max(...ts.map((t) => t.finishedAt!)) - Math.min(...ts.map((t) => t.startedAt!));
    // 400 bodies of 20 ms on 8 cores (ideal: no prefork factor, no dispatch cost): 1 s.
    expect(span).toBeCloseTo((400 * 0.02) / 8, 6);
  });
});
