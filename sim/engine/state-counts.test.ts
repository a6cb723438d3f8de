/**
 * A frame's stateCounts are kept from the trace (state-counts.ts), not recounted over every task:
 * after every step they must equal a count over every task, for tasks that succeed, fail, retry,
 * are revoked, expire, and run eagerly (no events) across a sleep.
 */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import { createSession } from "./session";

const MIXED = `
import { Celery, sleep } from "celery";
const app = new Celery("x", { broker: "redis" });
const ok = app.task(async function ok(n: number) { await sleep(n); return n; });
const bad = app.task(function bad() { throw new Error("no"); });
const flaky = app.task({ bind: true, maxRetries: 2 }, function flaky(self: any) { throw self.retry({ countdown: 1 }); });
const slowEager = app.task(async function slowEager() { await sleep(3); return 1; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (let i = 0; i < 6; i++) ok.delay(i % 3);
  bad.delay();
  flaky.delay();
  ok.applyAsync([1], { expires: 0.001, countdown: 1 });
  const r = ok.applyAsync([50]);
  const eager = slowEager.apply();
  await sleep(2);
  r.revoke({ terminate: true });
  await eager.get();
  await sleep(5);
}`;

function fullCount(tasks: readonly { eventState: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.eventState] = (counts[t.eventState] ?? 0) + 1;
  return counts;
}

describe("a frame's state counts", () => {
  it("equal a count over every task after every step", async () => {
    const s = await createSession(await compile(MIXED), { seed: 2, host: nodeHost });
    const seen = new Set<string>();
    let steps = 0;
    while (!s.done) {
      await s.step();
      steps++;
      const counts = s.frame(s.traceLength).stateCounts;
      expect(counts).toEqual(fullCount(s.world.tasks.all));
      for (const k of Object.keys(counts)) seen.add(k);
    }
    expect(s.endReason).toBe("completed");
    expect(steps).toBeGreaterThan(20);
    // The run went through the states the counter has to follow.
    expect([...seen].sort()).toEqual(expect.arrayContaining(["FAILURE", "PENDING", "RECEIVED", "RETRY", "REVOKED", "STARTED", "SUCCESS"]));
  });
});
