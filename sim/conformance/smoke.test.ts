import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const FLAKY = `
import { Celery, sleep } from "celery";
const app = new Celery("lab", { broker: "redis" });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 1 },
  async function flaky(self: any, data: string) {
    await sleep(0.2);
    if (Math.random() < 0.7) throw self.retry({ exc: new Error("Random failure occurred") });
    return \`Success after \${self.request.retries} retries\`;
  });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const r = flaky.delay("test data");
  try { console.log(await r.get({ timeout: 30 })); } catch (e: any) { console.log("failed: " + e.message); }
  return r.state;
}`;

describe("smoke", () => {
  it("runs the spec's flaky example to the end", async () => {
    const r = await run(FLAKY, { seed: 42 });
    expect(r.report.endReason).toBe("completed");
    const t = r.task("flaky");
    expect(["SUCCESS", "FAILURE"]).toContain(t.state);
    expect(r.report.logs.length).toBe(1);
    expect(t.executions).toBe(t.retries + 1);
    const again = await run(FLAKY, { seed: 42 });
    expect(again.report.traceHash).toBe(r.report.traceHash);
    console.log(JSON.stringify({ state: t.state, retries: t.retries, logs: r.report.logs, sim: r.report.simTime, ev: r.report.events.map((e) => e.type) }));
  });
});
