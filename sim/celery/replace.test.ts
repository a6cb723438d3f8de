/**
 * `signature()` with a task object, a signature or a dict, and `self.replace(sig)` as Celery 5.2.6's
 * Task.replace does it (celery/app/task.py): the replacement takes the task's id, callbacks, chord and
 * chain rest; the replaced execution ends with Ignore (no state of its own).
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const HEAD = `import { Celery, chain, chord, group, signature, sleep } from "celery";
const app = new Celery("rep", { broker: "redis" });
export const add = app.task(function add(x: number, y: number) { return x + y; });
export const tsum = app.task(function tsum(xs: number[]) { return xs.reduce((a, b) => a + b, 0); });
export const outer = app.task({ bind: true }, function outer(self: any, x: number) { return self.replace(add.s(x, 10)); });
export const toGroup = app.task({ bind: true }, function toGroup(self: any) { return self.replace(group(add.s(1, 1), add.s(2, 2))); });
export const badReplace = app.task({ bind: true }, function badReplace(self: any) { return self.replace(add.s(1, 1).set({ chord: null })); });
export const record = app.task(function record(v: unknown) { return "got " + JSON.stringify(v); });`;

describe("signature(varies)", () => {
  it("takes a task object, a name, a signature (cloned) or a signature's dict", async () => {
    const r = await run(`${HEAD}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const byTask = signature(add, { args: [2, 3] });
  const byName = app.signature("add", { args: [4, 5] });
  const original = add.s(1, 1);
  const cloned = signature(original);
  cloned.set({ countdown: 3 });
  const fromDict = signature({ task: "add", args: [10, 20], kwargs: {}, options: {}, subtask_type: null });
  return { byTask: byTask.task, values: [await byTask.delay().get(), await byName.delay().get(), await cloned.delay().get(), await fromDict.delay().get()],
    cloneIsCopy: cloned !== original && original.options.countdown === undefined, appSignature: app.signature(add).task };
}`);
    expect(r.report.returned).toEqual({ byTask: "add", values: [5, 9, 2, 30], cloneIsCopy: true, appSignature: "add" });
  });
});

describe("Task.replace", () => {
  it("the replacement inherits the id: the caller's get() returns its result; the replaced run stores no state (Ignore)", async () => {
    const r = await run(`${HEAD}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const res = outer.delay(1);
  return { value: await res.get({ timeout: 10 }), id: res.id };
}`);
    const { value, id } = r.report.returned as { value: number; id: string };
    expect(value).toBe(11);
    const trace = r.trace.filter((e) => e.task === r.report.tasks.find((t) => t.id === id)!.index);
    expect(trace.filter((e) => e.kind === "task-received").length).toBe(2);
    expect(trace.filter((e) => e.kind === "task-state").map((e) => (e.data as { state: string }).state)).toEqual(["SUCCESS"]);
    expect(r.report.tasks.length).toBe(1);
  });

  it("its callbacks move to the replacement; a chain's rest and a chord's membership carry over", async () => {
    const r = await run(`${HEAD}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  const linked = outer.applyAsync([1], { link: record.s() });
  await linked.get({ timeout: 10 });
  await sleep(1);
  const recorded = app.AsyncResult(app._tasks.all.find((t: any) => t.name === "record").id).result;
  const inChain = await chain(outer.s(2), add.s(100)).applyAsync().get({ timeout: 10 });
  const inChord = await chord([outer.s(3), add.s(2, 2)], tsum.s()).applyAsync().get({ timeout: 10 });
  return { recorded, inChain, inChord };
}`);
    expect(r.report.returned).toEqual({ recorded: "got 11", inChain: 112, inChord: 17 });
  });

  it("a group replacement is uplifted to a chord with celery.accumulate: the caller gets the list", async () => {
    const r = await run(`${HEAD}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  return await toGroup.delay().get({ timeout: 10 });
}`);
    expect(r.report.returned).toEqual([2, 4]);
  });

  it("inside apply() the replacement runs inline and its value is returned; a replacement in a chord raises ImproperlyConfigured", async () => {
    const r = await run(`${HEAD}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  const eager = await outer.apply([5]).get();
  let bad = "";
  try { await badReplace.delay().get({ timeout: 5 }); } catch (e) { bad = (e as Error).name + ": " + (e as Error).message; }
  return { eager, bad };
}`);
    expect(r.report.returned).toEqual({ eager: 15, bad: "ImproperlyConfigured: A signature replacing a task must not be part of a chord" });
  });
});
