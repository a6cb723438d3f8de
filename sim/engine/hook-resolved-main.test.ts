/**
 * `main` awaiting a plain promise that a synchronous hook settles (an `app.events.on` handler): main
 * resumes in the microtasks after that event's step, not in a flush of its own. When that was the
 * last thing to do, the run ended at `until` "with main still waiting" before main's return was seen.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const SCENARIO = `
import { Celery, now } from "celery";
const app = new Celery("ev", { broker: "redis", workerSendTaskEvents: true });
export const add = app.task({ name: "add" }, async function add(x: number) { return x; });
export default async function main() {
  const log: string[] = [];
  for (const round of [1, 2, 3]) {
    const w = app.worker({ hostname: "w" + round, concurrency: 2 });
    await w.ready();
    let left = 3;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const off = app.events.on("task-succeeded", () => { if (--left === 0) resolve(); });
    for (let i = 0; i < 3; i++) add.delay(i);
    await done;
    log.push("round " + round + " at " + now().toFixed(3));
    off();
    w.shutdown();
  }
  return log;
}`;

describe("main resumed by a hook's plain promise", () => {
  it("returns, and the run completes rather than stopping at until with main waiting", async () => {
    const r = await run(SCENARIO, { untilS: 60 });
    expect(r.report.endMessage).toBe("main() returned and nothing is left to run");
    expect(r.report.returned).toHaveLength(3);
    expect(r.report.simTime).toBeLessThan(10);
  });
});
