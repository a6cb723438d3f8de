/**
 * One tracer for the worker and eager apply() (issue 17 item 4), and what runs through it: a base
 * class's `__call__` around every execution, a base class's `applyAsync` under every send (issue 18).
 * Handlers log (logs are the world's, so they are seen from every simulated process).
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const SIGNALS = ["taskPrerun", "taskPostrun", "taskSuccess", "taskFailure", "taskRetry"];

/** Tasks that succeed, fail and retry once, with hooks; `calls` is how main() runs each one. */
const TRACED = (calls: string) => `
import { Celery, sleep } from "celery";
const app = new Celery("tracer", { broker: "redis" });
for (const name of ${JSON.stringify(SIGNALS)}) (app.signals as any)[name].connect((a: any) => console.log("signal " + name + (a.state ? " " + a.state : "")));
const hooks = {
  onSuccess() { console.log("hook onSuccess"); },
  onFailure() { console.log("hook onFailure"); },
  onRetry() { console.log("hook onRetry"); },
  afterReturn(status: string) { console.log("hook afterReturn " + status); },
};
export const ok = app.task({ name: "ok", ...hooks }, () => 1);
export const bad = app.task({ name: "bad", ...hooks }, () => { throw new Error("boom"); });
export const flaky = app.task({ name: "flaky", bind: true, maxRetries: 1, ...hooks }, (self: any) => {
  if (self.request.retries === 0) throw self.retry({ countdown: 0 });
  return 2;
});
export default async function main() {
  app.worker({ concurrency: 1 });
  await sleep(1);
  ${calls}
}`;

const logsOf = (r: Awaited<ReturnType<typeof run>>) => r.report.logs.map((l) => (typeof l === "string" ? l : (l as { text: string }).text));

describe("one tracer for the worker and eager apply()", () => {
  it("sends the same hooks and signals, in Celery's order, on both paths", async () => {
    const worker = await run(TRACED(`
  console.log("-- ok"); await ok.delay().get();
  console.log("-- bad"); await bad.delay().get().catch(() => null);
  console.log("-- flaky"); await flaky.delay().get();`));
    const eager = await run(TRACED(`
  console.log("-- ok"); ok.apply();
  console.log("-- bad"); bad.apply();
  console.log("-- flaky"); flaky.apply();`));
    const w = logsOf(worker);
    expect(logsOf(eager)).toEqual(w);
    // trace.py: on_success, task_success, after_return, then task_postrun from its `finally`.
    expect(w.slice(w.indexOf("-- ok") + 1, w.indexOf("-- bad"))).toEqual([
      "signal taskPrerun",
      "hook onSuccess",
      "signal taskSuccess",
      "hook afterReturn SUCCESS",
      "signal taskPostrun SUCCESS",
    ]);
    expect(w.slice(w.indexOf("-- bad") + 1, w.indexOf("-- flaky"))).toEqual([
      "signal taskPrerun",
      "hook onFailure",
      "signal taskFailure",
      "hook afterReturn FAILURE",
      "signal taskPostrun FAILURE",
    ]);
    // RETRY is in IGNORE_STATES: no after_return, but task_postrun still goes out.
    expect(w.slice(w.indexOf("-- flaky") + 1)).toEqual([
      "signal taskPrerun",
      "hook onRetry",
      "signal taskRetry",
      "signal taskPostrun RETRY",
      "signal taskPrerun",
      "hook onSuccess",
      "signal taskSuccess",
      "hook afterReturn SUCCESS",
      "signal taskPostrun SUCCESS",
    ]);
  });
});

describe("a base class's __call__ wraps every execution", () => {
  const PROFILED = (calls: string) => `
import { Celery, Task, sleep, now } from "celery";
const app = new Celery("profiled", { broker: "redis" });
class ProfiledTask extends Task {
  __call__(...args: unknown[]) {
    const t0 = now();
    console.log("enter " + this.name + " id=" + (this.request.id !== null) + " eager=" + this.request.isEager);
    return Promise.resolve(super.__call__(...args)).then((v) => { console.log("exit " + this.name + " after " + (now() - t0) + "s"); return v; });
  }
}
export const slow = app.task({ name: "slow", base: ProfiledTask }, async (x: number) => { await sleep(2); return x * 2; });
let failures = 0;
export const flaky = app.task({ name: "flaky", base: ProfiledTask, autoretryFor: [Error], retryKwargs: { countdown: 0, maxRetries: 3 } }, () => {
  if (++failures < 2) throw new Error("once");
  return "ok";
});
export default async function main() {
  app.worker({ concurrency: 1, pool: "solo" });
  await sleep(1);
  ${calls}
}`;

  it("on a worker, eagerly, and with autoretryFor inside it", async () => {
    const r = await run(PROFILED(`
  const a = await slow.delay(21).get();
  const b = slow.apply([5]);
  await sleep(3);
  const c = await flaky.delay().get();
  return { a, b: await b.get(), c };`));
    expect(r.report.returned).toEqual({ a: 42, b: 10, c: "ok" });
    expect(logsOf(r)).toEqual([
      "enter slow id=true eager=false",
      "exit slow after 2s",
      "enter slow id=true eager=true",
      "exit slow after 2s",
      // autoretryFor turns the error into a retry inside __call__: the wrapper sees two executions.
      "enter flaky id=true eager=false",
      "enter flaky id=true eager=false",
      "exit flaky after 0s",
    ]);
  });

  it("run() is the body alone, as Celery's task.run is", async () => {
    const r = await run(PROFILED(`return slow.run(4);`));
    expect(r.report.returned).toBe(8);
    expect(logsOf(r)).toEqual([]);
  });
});

describe("a base class's applyAsync is under every send", () => {
  const COUNTED = `
import { Celery, Task, sleep, chain, group, chord } from "celery";
const app = new Celery("counted", { broker: "redis" });
class CountedTask extends Task {
  applyAsync(args?: unknown[], options: any = {}) {
    console.log("applyAsync " + this.name + " " + JSON.stringify(args ?? []));
    return super.applyAsync(args, options);
  }
}
export const add = app.task({ name: "add", base: CountedTask }, (x: number, y: number) => x + y);
export const total = app.task({ name: "total", base: CountedTask }, (xs: number[]) => xs.reduce((a, b) => a + b, 0));
export default async function main() {
  app.worker({ concurrency: 2 });
  await sleep(1);
  console.log("-- delay"); await add.delay(1, 1).get();
  console.log("-- signature"); await add.s(2, 2).delay().get();
  console.log("-- chain"); await chain(add.s(1, 2), add.s(10)).applyAsync().get();
  console.log("-- group"); await group(add.s(1, 1), add.s(2, 2)).applyAsync().get();
  console.log("-- chord"); return await chord([add.s(1, 1), add.s(2, 2)], total.s()).applyAsync().get();
}`;

  it("delay, signatures, every step of a chain, group members and a chord's body", async () => {
    const r = await run(COUNTED);
    expect(r.report.returned).toBe(6);
    expect(logsOf(r)).toEqual([
      "-- delay",
      "applyAsync add [1,1]",
      "-- signature",
      "applyAsync add [2,2]",
      "-- chain",
      "applyAsync add [1,2]",
      // The next step is sent by the worker that ran the first, through the task's applyAsync.
      "applyAsync add [3,10]",
      "-- group",
      "applyAsync add [1,1]",
      "applyAsync add [2,2]",
      "-- chord",
      "applyAsync add [1,1]",
      "applyAsync add [2,2]",
      "applyAsync total [[2,4]]",
    ]);
  });

  it("a worker sends the next chain step as the process that ran the task (its own module state)", async () => {
    const r = await run(`
import { Celery, Task, sleep, chain } from "celery";
const app = new Celery("counted", { broker: "redis" });
let sends = 0;
class CountedTask extends Task {
  applyAsync(args?: unknown[], options: any = {}) {
    sends += 1;
    console.log("send " + sends + " of " + this.name);
    return super.applyAsync(args, options);
  }
}
export const add = app.task({ name: "add", base: CountedTask }, (x: number, y: number) => x + y);
export default async function main() {
  app.worker({ concurrency: 1 });
  await sleep(1);
  await add.delay(0, 0).get();
  return await chain(add.s(1, 2), add.s(10), add.s(100)).applyAsync().get();
}`);
    expect(r.report.returned).toBe(113);
    // The client sent twice; the pool child (one process, concurrency 1) sent the two later steps.
    expect(logsOf(r)).toEqual(["send 1 of add", "send 2 of add", "send 1 of add", "send 2 of add"]);
  });
});
