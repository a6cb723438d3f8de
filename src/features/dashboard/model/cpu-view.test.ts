/**
 * CPU in the views (issue 20): the trace's "cpu" events say how long each cpu() waited for a core;
 * the timeline hatches that share of the bar, the Dashboard's utilisation chart shows each host's
 * CPU. Ideal costs, so the shares are exact: 4 children burning 0.5 s each on 2 cores.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { run, type RunOutcome } from "../../../../sim/testing/harness";
import { addEvents, emptyTimeline } from "../../../state/timeline";
import { emptyDashboard, foldDashboard, utilisationChart } from "./series";

const SCENARIO = `
import { Celery, cpu } from "celery";
const app = new Celery("cpu", { broker: "redis", costs: "ideal" });
export const burn = app.task(async function burn() { await cpu(0.5); });
export const small = app.task({ queue: "big" }, async function small() { await cpu(0.5); });
export default async function main() {
  // 4 tasks at once on a 4-slot worker on the default 2-core host; 1 task alone on an 8-core host.
  app.worker({ hostname: "w1", concurrency: 4 });
  await app.worker({ hostname: "w2", concurrency: 1, queues: ["big"], host: { name: "big", cores: 8 } }).ready();
  const rs = [burn.delay(), burn.delay(), burn.delay(), burn.delay(), small.delay()];
  for (const r of rs) await r.get();
}
`;

let out: RunOutcome;
beforeAll(async () => {
  out = await run(SCENARIO, { seed: 1 });
});

describe("cpu() in the trace and the views", () => {
  it("each cpu() ends with a 'cpu' event: 4 on 2 cores waited half their 1 s; alone on 8 cores, none", () => {
    const cpu = out.trace.filter((e) => e.kind === "cpu");
    expect(cpu).toHaveLength(5);
    const byHost = (h: string) => cpu.filter((e) => (e.data as { host: string }).host === h);
    for (const e of byHost("localhost")) {
      expect(e.num).toBeCloseTo(0.5, 9); // 1 s of wall time for 0.5 s of CPU
      expect(e.data).toMatchObject({ cores: 2, wallS: 1 });
      expect((e.data as { cpuS: number }).cpuS).toBeCloseTo(0.5, 9);
    }
    expect(byHost("big")).toHaveLength(1);
    expect(byHost("big")[0]!.num).toBeCloseTo(0, 9);
  });

  it("the timeline's bars carry the time waited for a core", () => {
    const t = addEvents(emptyTimeline(), out.trace);
    const waits = t.bars.map((b) => [out.report.tasks[b.task]!.name, Math.round(b.cpuWaitS * 1e9) / 1e9]);
    expect(waits.filter(([n]) => n === "burn").map(([, w]) => w)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(waits.filter(([n]) => n === "small").map(([, w]) => w)).toEqual([0]);
  });

  it("the utilisation chart shows each host's CPU: localhost's 2 cores full for the second they are shared", () => {
    const d = emptyDashboard(0.25);
    foldDashboard(d, out.trace, out.report.tasks, out.report.workers, out.report.simTime, true);
    const c = utilisationChart(d);
    expect(c.series.slice(-2)).toEqual(["CPU big", "CPU localhost"]);
    const start = out.trace.find((e) => e.kind === "task-started")!.atS;
    const local = c.data[c.data.length - 1]!;
    const big = c.data[c.data.length - 2]!;
    // Buckets wholly inside [start, start + 1]: 2 cores busy (100 %); 8 cores, one busy (12.5 %) for 0.5 s.
    c.data[0]!.forEach((x, i) => {
      const fromS = x! - 0.25;
      if (fromS >= start && x! <= start + 1) expect(local[i]).toBeCloseTo(100, 6);
      if (fromS >= start && x! <= start + 0.5) expect(big[i]).toBeCloseTo(12.5, 6);
      if (fromS >= start + 1) expect(local[i]).toBe(0);
    });
    expect(local.filter((v) => v === 100 || Math.abs((v as number) - 100) < 1e-6).length).toBeGreaterThanOrEqual(3);
  });
});
