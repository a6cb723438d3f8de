/** FINDINGS §3: the canvas (worker c=4). One test per measured fact. */
import { describe, expect, it } from "vitest";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

const HEAD = `
import { Celery, sleep, chain, group, chord, signature, ValueError, ChordError } from "celery";
const app = new Celery("s3");
export const add = app.task({ name: "s3.add" }, function add(x: number, y: number) { return x + y; });
export const slowAdd = app.task({ name: "s3.slow_add" }, async function slowAdd(x: number, y: number, d: number) { await sleep(d); return x + y; });
export const fail = app.task({ name: "s3.fail" }, function fail(x: number) { throw new ValueError(\`middle failed with args (\${x},)\`); });
export const tsum = app.task({ name: "s3.tsum" }, function tsum(xs: number[]) { return xs.reduce((a, b) => a + b, 0); });
export const errbackCalls: unknown[] = [];
export const errback = app.task({ name: "s3.errback" }, function errback(request: any, exc: Error, traceback: unknown) {
  errbackCalls.push({ id: request.id, task: request.task, args: request.args, exc: exc.name + ": " + exc.message, tb: traceback === null ? "None" : typeof traceback });
});
export const oldErrback = app.task({ name: "s3.old_errback" }, function oldErrback(taskId: string) { errbackCalls.push({ old: taskId }); });
export const cbCalls: unknown[] = [];
export const cb = app.task({ name: "s3.cb" }, function cb(...args: unknown[]) { cbCalls.push(args); return args; });
async function outcome(r: any, opts: any = {}) { try { return { value: await r.get(opts) }; } catch (e: any) { return { raised: e.name + ": " + e.message }; } }
`;

async function s3(body: string) {
  const r = await run(`${HEAD}
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 4 }).ready();
  ${body}
}`);
  return { ret: r.report.returned as any, r };
}

describe("FINDINGS §3 canvas", () => {
  it("chain(add.s(2,2), add.s(4), add.s(8)) = 16; the result is the last task's, .parent gives 8 then 4", async () => {
    const { ret } = await s3(`
  const res = chain(add.s(2, 2), add.s(4), add.s(8)).applyAsync();
  const v = await res.get();
  return { v, cls: res.constructor.name, parents: [await res.parent.get(), await res.parent.parent.get()] };`);
    expect(ret).toEqual({ v: 16, cls: "AsyncResult", parents: [8, 4] });
  });

  it("chain(add.s(1,1), fail.s(), add.s(3)).get() raises the original ValueError; first SUCCESS, middle FAILURE, last also FAILURE with the same error and never executed", async () => {
    const { ret, r } = await s3(`
  const res = chain(add.s(1, 1), fail.s(), add.s(3)).applyAsync();
  const o = await outcome(res);
  return { o, states: [res.parent.parent.state, res.parent.state, res.state], last: String(res.result) };`);
    expect(ret.o).toEqual({ raised: "ValueError: middle failed with args (2,)" });
    expect(ret.states).toEqual(["SUCCESS", "FAILURE", "FAILURE"]);
    expect(ret.last).toBe("ValueError: middle failed with args (2,)");
    expect(r.tasks("s3.add").filter((t) => t.args.length === 1 && t.args[0] === 3)[0]!.executions).toBe(0);
  });

  it("link_error with errback(request, exc, traceback): called once, for the failing task, traceback a string", async () => {
    const { ret, r } = await s3(`
  const res = chain(add.s(1, 1), fail.s(), add.s(3)).applyAsync([], { linkError: errback.s() });
  await outcome(res);
  await sleep(1);
  return errbackCalls;`);
    const failed = r.task("s3.fail");
    expect(ret).toEqual([{ id: failed.id, task: "s3.fail", args: [2], exc: "ValueError: middle failed with args (2,)", tb: "string" }]);
  });

  it("link_error with an old-style errback(task_id): called once with the failing task's id", async () => {
    const { ret, r } = await s3(`
  const res = fail.applyAsync([7], { linkError: oldErrback.s() });
  await outcome(res);
  await sleep(1);
  return errbackCalls;`);
    expect(ret).toEqual([{ old: r.task("s3.fail").id }]);
  });

  it("get(propagate=False) on a failed chain returns the exception; state FAILURE", async () => {
    const { ret } = await s3(`
  const res = chain(add.s(1, 1), fail.s(), add.s(3)).applyAsync();
  const v = await res.get({ propagate: false });
  return { isError: v instanceof ValueError, state: res.state };`);
    expect(ret).toEqual({ isError: true, state: "FAILURE" });
  });

  it("a group of 5 finishing in reverse order: GroupResult [0,2,4,6,8], submission order", async () => {
    const { ret, r } = await s3(`
  const res = group([0, 1, 2, 3, 4].map((i) => slowAdd.s(i, i, 1 - i * 0.2))).applyAsync();
  return { cls: res.constructor.name, v: await res.get() };`);
    expect(ret).toEqual({ cls: "GroupResult", v: [0, 2, 4, 6, 8] });
    const finish = r.tasks("s3.slow_add").map((t) => t.finishedAt!);
    expect(Math.max(...finish)).toBe(finish[0]); // the first sent finished last
  });

  it("chord(group(add(i,i) for i<10), tsum.s()) = 90; the result's .parent is a GroupResult", async () => {
    const { ret } = await s3(`
  const res = chord(group([...Array(10).keys()].map((i) => add.s(i, i))), tsum.s()).applyAsync();
  return { v: await res.get(), cls: res.constructor.name, parent: res.parent.constructor.name };`);
    expect(ret).toEqual({ v: 90, cls: "AsyncResult", parent: "GroupResult" });
  });

  it("a chord header with one failing task: the callback never runs; its state FAILURE with ChordError('Dependency <id> raised ValueError(...)'); get() raises the original ValueError; header SUCCESS/FAILURE/SUCCESS", async () => {
    const { ret, r } = await s3(`
  const res = chord([add.s(1, 1), fail.s(7), add.s(2, 2)], tsum.s()).applyAsync();
  const o = await outcome(res);
  await sleep(1);
  return { o, state: res.state, stored: res.result.name + ": " + res.result.message, header: res.parent.results.map((x: any) => x.state) };`);
    const failed = r.task("s3.fail");
    expect(ret.o).toEqual({ raised: "ValueError: middle failed with args (7,)" });
    expect(ret.state).toBe("FAILURE");
    expect(ret.stored).toBe(`ChordError: Dependency ${failed.id} raised ValueError('middle failed with args (7,)')`);
    expect(ret.header).toEqual(["SUCCESS", "FAILURE", "SUCCESS"]);
    expect(r.task("s3.tsum").executions).toBe(0);
  });

  it("chord link_error on a header failure: the errback gets the callback's request (s3.tsum, args []), a ChordError, traceback None", async () => {
    const { ret } = await s3(`
  const c = chord([add.s(1, 1), fail.s(7)], tsum.s());
  c.linkError(errback.s());
  const res = c.applyAsync();
  await outcome(res);
  await sleep(1);
  return errbackCalls;`);
    expect(ret).toHaveLength(1);
    expect(ret[0]).toMatchObject({ task: "s3.tsum", args: [], tb: "None" });
    expect(ret[0].exc).toMatch(/^ChordError: Dependency .* raised ValueError/);
  });

  it("chain(add.s(2,2), add.si(10,10), add.s(1)) = 21 (si ignores the parent's 4)", async () => {
    const { ret } = await s3(`return await chain(add.s(2, 2), add.si(10, 10), add.s(1)).applyAsync().get();`);
    expect(ret).toBe(21);
  });

  it("chain(add.s(1,1), group(add.s(10), add.s(20), add.s(30)), tsum.s()): the group and the task become a chord; result 66", async () => {
    const { ret } = await s3(`
  const c = chain(add.s(1, 1), group(add.s(10), add.s(20), add.s(30)), tsum.s());
  const res = c.applyAsync();
  return { v: await res.get(), types: c.tasks.map((t: any) => t.type) };`);
    expect(ret).toEqual({ v: 66, types: ["Signature", "_chord"] });
  });

  it("group(...).pipe(tsum.s()) is a _chord; = 6", async () => {
    const { ret } = await s3(`
  const c = group(add.s(1, 1), add.s(1, 1), add.s(1, 1)).pipe(tsum.s());
  return { type: c.type, v: await c.applyAsync().get() };`);
    expect(ret).toEqual({ type: "_chord", v: 6 });
  });

  it("add.s(1,1).pipe(group(add.s(1), add.s(2))): a _chain whose result is a GroupResult [3, 4]", async () => {
    const { ret } = await s3(`
  const c = add.s(1, 1).pipe(group(add.s(1), add.s(2)));
  const res = c.applyAsync();
  return { type: c.type, cls: res.constructor.name, v: await res.get() };`);
    expect(ret).toEqual({ type: "_chain", cls: "GroupResult", v: [3, 4] });
  });

  it("a group of chains and a task: GroupResult [20, 40, 101]", async () => {
    const { ret } = await s3(`
  const res = group(chain(add.s(5, 5), add.s(10)), chain(add.s(10, 10), add.s(20)), add.s(100, 1)).applyAsync();
  return await res.get();`);
    expect(ret).toEqual([20, 40, 101]);
  });

  it("add.chunks(zip(range(10), range(10)), 3): signature type chunks; applied, a GroupResult [[0,2,4],[6,8,10],[12,14,16],[18]]", async () => {
    const { ret } = await s3(`
  const c = add.chunks([...Array(10).keys()].map((i) => [i, i]), 3);
  const res = c.applyAsync();
  return { type: c.type, v: await res.get() };`);
    expect(ret).toEqual({ type: "chunks", v: [[0, 2, 4], [6, 8, 10], [12, 14, 16], [18]] });
  });

  it("tsum.map([[1,2],[3,4],[5,6]]).applyAsync(): one task, [3, 7, 11]; calling the signature directly runs inline", async () => {
    const { ret, r } = await s3(`
  const m = tsum.map([[1, 2], [3, 4], [5, 6]]);
  const v = await m.applyAsync().get();
  return { v, inline: m.call() };`);
    expect(ret).toEqual({ v: [3, 7, 11], inline: [3, 7, 11] });
    expect(r.report.tasks.filter((t) => t.name === "celery.map")).toHaveLength(1);
  });

  it("add.starmap([(1,2),(3,4),(5,6)]).applyAsync() = [3, 7, 11]", async () => {
    const { ret } = await s3(`return await add.starmap([[1, 2], [3, 4], [5, 6]]).applyAsync().get();`);
    expect(ret).toEqual([3, 7, 11]);
  });

  it("link=cb.s('extra', {k: 1}) on add(2,3): cb called with (5, 'extra') and kwargs {k: 1} (parent's result first)", async () => {
    const { ret } = await s3(`
  add.applyAsync([2, 3], { link: signature("s3.cb", { args: ["extra"], kwargs: { k: 1 } }) });
  await sleep(1);
  return cbCalls;`);
    expect(ret).toEqual([[5, "extra", { k: 1 }]]);
  });

  it("link=cb.si('immutable'): cb gets ('immutable',) only", async () => {
    const { ret } = await s3(`
  add.applyAsync([2, 3], { link: cb.si("immutable") });
  await sleep(1);
  return cbCalls;`);
    expect(ret).toEqual([["immutable"]]);
  });

  it("a failing task with link and link_error: only the errback runs (3-argument form), the link is not called", async () => {
    const { ret } = await s3(`
  fail.applyAsync([1], { link: cb.s(), linkError: errback.s() });
  await sleep(1);
  return { cb: cbCalls.length, eb: errbackCalls.length };`);
    expect(ret).toEqual({ cb: 0, eb: 1 });
  });

  it("a chain run records its structure in the trace (canvas event with node ids and edges)", async () => {
    const { r } = await s3(`
  const res = chain(add.s(1, 1), group(add.s(1), add.s(2)), tsum.s()).applyAsync();
  await res.get();`);
    const canvas = r.trace.find((e) => e.kind === "canvas")!.data as any;
    expect(canvas.root.kind).toBe("chain");
    expect(canvas.root.children.map((c: any) => c.kind)).toEqual(["task", "chord"]);
    const ids = new Set(r.report.tasks.map((t) => t.id));
    expect(ids.has(canvas.root.children[0].id)).toBe(true);
    expect(ids.has(canvas.root.children[1].body.id)).toBe(true);
  });
});

// Celery 5.2.6's canvas.py: group.apply_async(link=…) raises; a group's own options (set with
// .set()) reach each task through _freeze_gid and _apply_tasks; a signature's .set(link=…) holds
// the callback as a signature (read from Debian's python3-celery 5.2.6, 2026-12-06).
describe("callbacks given as options", () => {
  it("sig.set({ link: cb.s() }) links cb, as .link(cb.s()) does", async () => {
    const { ret } = await s3(`await add.s(2, 3).set({ link: cb.s() }).applyAsync().get(); await sleep(1); return cbCalls;`);
    expect(ret).toEqual([[5]]);
  });

  it("group(...).set({ link }) links each task; group(...).applyAsync([], { link }) raises TypeError", async () => {
    const { ret } = await s3(`
      let raised = "";
      try { group(add.s(1, 1), add.s(2, 2)).applyAsync([], { link: cb.s() }); } catch (e: any) { raised = e.name + ": " + e.message; }
      let raisedError = "";
      try { group(add.s(1, 1)).applyAsync([], { linkError: cb.s() }); } catch (e: any) { raisedError = e.message; }
      await group(add.s(3, 3), add.s(4, 4)).set({ link: cb.s() }).applyAsync().get(); await sleep(1);
      return { raised, raisedError, calls: (cbCalls as number[][]).map((c) => c[0]).sort() };`);
    expect(ret).toEqual({ raised: "TypeError: Cannot add link to group: use a chord", raisedError: "Cannot add link to group: do that on individual tasks", calls: [6, 8] });
  });
});
