/**
 * What the memory work must not change: task ids (built as flat strings), the report's task keys and
 * their order (taskView is written out, not spread), children (most tasks share one empty list) and
 * per-message time limits (two numbers in the message, a tuple in the request).
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../kernel/rng";
import { run } from "../testing/harness";

describe("task ids", () => {
  it("are the same UUID4-shaped strings for a seed", () => {
    const r = new Rng(1, "task-ids");
    expect([r.uuid(), r.uuid(), r.uuid()]).toEqual(["617346d2-7256-478f-ae76-c66e7b7700f3", "61b607b0-9544-401c-b7fb-4c1dc878d031", "1d1ef88a-6bd1-40f2-b7f8-4b49c612ecc0"]);
  });
});

const PARENT = `
import { Celery, sleep } from "celery";
const app = new Celery("x", { broker: "redis" });
const leaf = app.task(async function leaf(n: number) { await sleep(n); return n; });
const parent = app.task({ bind: true }, function parent(self: any, n: number) {
  for (let i = 0; i < n; i++) leaf.applyAsync([i], { softTimeLimit: 5, timeLimit: 9 });
  return self.request.timeLimit;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const r = parent.applyAsync([3], { timeLimit: 7 });
  const limits = await r.get();
  await sleep(10);
  return { limits, children: r.children.length };
}`;

describe("the report's tasks", () => {
  it("keep their keys in order, their children and their time limits", async () => {
    const o = await run(PARENT, { seed: 3 });
    expect(o.report.endReason).toBe("completed");
    expect(o.report.returned).toEqual({ limits: [null, 7], children: 3 });
    const [parent, ...leaves] = o.report.tasks;
    expect(Object.keys(parent!)).toEqual(["id", "name", "args", "kwargs", "parentId", "rootId", "groupId", "eager", "index", "state", "eventState", "result", "exception", "retries", "executions", "worker", "queue", "sentAt", "receivedAt", "startedAt", "finishedAt", "runtime", "eta", "expires", "children", "lostReason"]);
    expect(parent!.children).toEqual(leaves.map((t) => t.id));
    for (const t of leaves) expect(t.children).toEqual([]);
    // A report's lists are its own: two tasks without children do not share one.
    expect(leaves[0]!.children).not.toBe(leaves[1]!.children);
  });
});
