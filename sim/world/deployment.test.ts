// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: they check the mechanism's exact times.
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

describe("a Deployment with a queue-length HPA, over a load ramp", () => {
  it("scales up at most double or +4 per period, holds during the stabilisation window, then scales down", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("k8s", { costs: "ideal" });
const io = app.task({ name: "io", queue: "io" }, async function io() { await sleep(1); });
export default async function main() {
  const dep = app.deployment({ name: "io", replicas: 1, worker: { concurrency: 1, queues: ["io"], prefetchMultiplier: 1 }, terminationGracePeriodS: 5 });
  const hpa = app.autoscaler(dep, { queue: "io", targetPerReplica: 10, minReplicas: 1, maxReplicas: 8, periodS: 15, stabilizationWindowS: 60 });
  for (let i = 0; i < 200; i++) io.delay();       // a burst of 200 one-second tasks at t = 0
  await sleep(200);
  hpa.stop();
  return hpa.decisions.map((d) => [d.atS, d.metric, d.current, d.desired]);
}`, { untilS: 400 });
    const d = r.report.returned as [number, number, number, number][];
    // t=15: 200 sent, 1 pod has taken 15 and holds 1 → 184 queued → ceil(184/10)=19 → max 8 → +4 limit → 5
    expect(d[0]).toEqual([15, 184, 1, 5]);
    // t=30: the 5 pods ran ~15 s: 184 - 5*15 - 4 held = 105 queued → 11 → max 8
    expect(d[1]![3]).toBe(8);
    // Never above maxReplicas; never a scale-up of more than max(double, +4).
    for (const [, , cur, want] of d) {
      expect(want).toBeLessThanOrEqual(8);
      if (want > cur) expect(want).toBeLessThanOrEqual(Math.max(cur * 2, cur + 4));
    }
    // Once the queue is empty the recommendation is 1, but the 60 s window holds the size first.
    const emptyAt = d.find(([, m]) => m === 0)!;
    const firstDown = d.find(([t, , cur, want]) => t > emptyAt[0] && want < cur)!;
    expect(firstDown[0] - emptyAt[0]).toBeGreaterThanOrEqual(60 - 15);
    expect(d.at(-1)![3]).toBe(1);
    const scales = r.trace.filter((e) => e.kind === "autoscale").map((e) => (e.data as { reason: string }).reason);
    expect(scales[0]).toBe("initial replicas");
    expect(scales.some((x) => x.includes("stabilisation window"))).toBe(false); // the hold shows as no change
    expect(r.report.stats.succeeded).toBe(200);
  });

  it("Celery's --autoscale grows the pool to the demand at once and shrinks it after 30 s idle", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("auto", { costs: "ideal" });
const t = app.task(async function t() { await sleep(2); });
export default async function main() {
  app.worker({ hostname: "w1", autoscale: [6, 2] });
  for (let i = 0; i < 12; i++) t.delay();
  await sleep(60);
}`);
    const changes = r.trace.filter((e) => e.kind === "autoscale").map((e) => [e.atS, (e.data as { to: number }).to]);
    expect(changes[0]).toEqual([1, 6]);
    expect(changes.at(-1)![1]).toBe(2);
    expect(changes.at(-1)![0]).toBeGreaterThanOrEqual(31);
  });
});
