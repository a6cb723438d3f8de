/**
 * FINDINGS §1: states, hooks, events, apply/delay/run. Each test names the measured fact it checks.
 */
import { describe, expect, it } from "vitest";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

const HOOKED = (opts: string, body: string) => `
import { Celery, sleep, Task, Reject, ValueError, KeyError } from "celery";
const app = new Celery("s1", { broker: "redis" });
export const seen: string[] = [];
class Hooked extends Task {
  beforeStart() { seen.push("before_start"); }
  onSuccess() { seen.push("on_success"); }
  onFailure(exc: Error, id: string, args: unknown[], kwargs: unknown, einfo: any) { seen.push("on_failure:" + einfo.type); }
  onRetry() { seen.push("on_retry"); }
  afterReturn(status: string) { seen.push("after_return:" + status); }
}
export const hooked = app.task({ name: "s1.hooked", bind: true, base: Hooked, ${opts} },
  async function hooked(self: any, fail = false) {
    seen.push("body");
    await sleep(0.5);
    self.updateState({ state: "PROGRESS", meta: { step: 1 } });
    await sleep(0.6);
    self.updateState({ state: "PROGRESS", meta: { step: 2 } });
    await sleep(0.6);
    ${body}
    return 42;
  });
`;

/** Poll a result's state every 10 ms, as the oracle did, and keep the transitions. */
const POLL = `
async function poll(r: any, untilS: number) {
  const states: [string, number, unknown][] = [];
  let last = "";
  const t0 = now();
  while (now() - t0 < untilS) {
    const key = r.state + JSON.stringify(r.info ?? null);
    if (key !== last) { states.push([r.state, Math.round((now() - t0) * 100) / 100, r.info]); last = key; }
    if (r.ready()) break;
    await sleep(0.01);
  }
  return states;
}`;

describe("FINDINGS §1 states and hooks", () => {
  it("without track_started: PENDING → PROGRESS{step1} → PROGRESS{step2} → SUCCESS 42 (no STARTED)", async () => {
    const r = await run(HOOKED("", "") + POLL.replace("async function", "import { now } from 'celery';\nasync function") + `
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const res = hooked.delay();
  const states = await poll(res, 5);
  return { states: states.map(([s, t, i]) => [s, t, i]), value: await res.get(), seen };
}`);
    const ret = r.report.returned as { states: [string, number, unknown][]; value: number; seen: string[] };
    expect(ret.states.map((s) => s[0])).toEqual(["PENDING", "PROGRESS", "PROGRESS", "SUCCESS"]);
    expect(ret.states[1]![2]).toEqual({ step: 1 });
    expect(ret.states[2]![2]).toEqual({ step: 2 });
    expect(ret.states[1]![1]).toBeCloseTo(0.5, 1);
    expect(ret.states[3]![1]).toBeCloseTo(1.7, 1);
    expect(ret.value).toBe(42);
    // Hook order on success: before_start, body, on_success, after_return.
    expect(ret.seen).toEqual(["before_start", "body", "on_success", "after_return:SUCCESS"]);
  });

  it("track_started: STARTED with info {pid, hostname} comes right after PENDING", async () => {
    const r = await run(HOOKED("trackStarted: true", "") + POLL.replace("async function", "import { now } from 'celery';\nasync function") + `
export default async function main() {
  await app.worker({ hostname: "w1@oracle", concurrency: 2 }).ready();
  const res = hooked.delay();
  return await poll(res, 5);
}`);
    const states = r.report.returned as [string, number, { pid: number; hostname: string }][];
    expect(states.map((s) => s[0])).toEqual(["PENDING", "STARTED", "PROGRESS", "PROGRESS", "SUCCESS"]);
    expect(Object.keys(states[1]![2]).sort()).toEqual(["hostname", "pid"]);
    expect(states[1]![2].hostname).toBe("w1@oracle");
  });

  it("failure: PENDING → PROGRESS → PROGRESS → FAILURE ValueError('boom 1'); get() raises ValueError; hooks before_start, body, on_failure(einfo), after_return", async () => {
    const r = await run(HOOKED("", `if (fail) throw new ValueError("boom 1");`) + POLL.replace("async function", "import { now } from 'celery';\nasync function") + `
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const res = hooked.delay(true);
  const states = await poll(res, 5);
  let raised = "";
  try { await res.get(); } catch (e: any) { raised = e.name + ":" + e.message; }
  return { states: states.map((s) => s[0]), raised, seen };
}`);
    const ret = r.report.returned as { states: string[]; raised: string; seen: string[] };
    expect(ret.states).toEqual(["PENDING", "PROGRESS", "PROGRESS", "FAILURE"]);
    expect(ret.raised).toBe("ValueError:boom 1");
    expect(ret.seen).toEqual(["before_start", "body", "on_failure:ValueError", "after_return:FAILURE"]);
    const t = r.task("s1.hooked");
    expect(t.exception).toMatchObject({ type: "ValueError", message: "boom 1" });
  });

  it("retry once: RETRY stored with the exception; hooks before_start, body, on_retry, before_start, body, on_success, after_return; events sent, received, started, sent, received, retried, started, succeeded", async () => {
    const r = await run(`
import { Celery, sleep, Task, KeyError } from "celery";
const app = new Celery("s1", { broker: "redis" });
const seen: string[] = [];
class Hooked extends Task {
  beforeStart() { seen.push("before_start"); }
  onSuccess() { seen.push("on_success"); }
  onRetry() { seen.push("on_retry"); }
  afterReturn(status: string) { seen.push("after_return:" + status); }
}
export const retried = app.task({ name: "s1.retry_once", bind: true, base: Hooked, trackStarted: true },
  async function retried(self: any) {
    seen.push("body");
    if (self.request.retries === 0) throw self.retry({ exc: new KeyError("first-try"), countdown: 0.5 });
    await sleep(0.1);
    return 10;
  });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const res = retried.delay();
  await sleep(0.1);
  const mid = { state: res.state, info: String(res.info) };
  return { mid, value: await res.get(), seen };
}`);
    const ret = r.report.returned as { mid: { state: string; info: string }; value: number; seen: string[] };
    expect(ret.mid.state).toBe("RETRY");
    expect(ret.mid.info).toContain("first-try");
    expect(ret.value).toBe(10);
    expect(ret.seen).toEqual(["before_start", "body", "on_retry", "before_start", "body", "on_success", "after_return:SUCCESS"]);
    const t = r.task("s1.retry_once");
    expect(r.events(t.id)).toEqual(["task-sent", "task-received", "task-started", "task-sent", "task-received", "task-retried", "task-started", "task-succeeded"]);
  });

  it("Reject('nope', requeue=False) from an acks_late task: state stays PENDING; task-rejected with requeue False", async () => {
    const r = await run(`
import { Celery, Reject } from "celery";
const app = new Celery("s1", { broker: "redis" });
export const rej = app.task({ name: "s1.rejecting", acksLate: true }, function rej() { throw new Reject("nope", { requeue: false }); });
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const res = rej.delay();
  return res.id;
}`);
    const t = r.task("s1.rejecting");
    expect(t.state).toBe("PENDING");
    expect(r.events(t.id)).toEqual(["task-sent", "task-received", "task-started", "task-rejected"]);
    expect(r.report.events.find((e) => e.type === "task-rejected")!.requeue).toBe(false);
  });

  it("every event has type, hostname, timestamp; task events a uuid; task-sent carries name, args, queue, retries, parent_id, root_id", async () => {
    const r = await run(`
import { Celery } from "celery";
const app = new Celery("s1");
export const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() { app.worker({ hostname: "w1" }); await add.delay(1, 2).get(); }`);
    for (const e of r.report.events) {
      expect(e).toHaveProperty("type");
      expect(e).toHaveProperty("hostname");
      expect(typeof e.timestamp).toBe("number");
      if (e.type.startsWith("task-")) expect(typeof e.uuid).toBe("string");
    }
    const sent = r.report.events.find((e) => e.type === "task-sent")!;
    expect(sent).toMatchObject({ name: "add", args: "[1, 2]", queue: "celery", retries: 0, parent_id: null });
    expect(sent.root_id).toBe(sent.uuid);
    const ok = r.report.events.find((e) => e.type === "task-succeeded")!;
    expect(ok.result).toBe("3");
    expect(typeof ok.runtime).toBe("number");
  });

  it("worker-heartbeat every 2.0 s (freq 2.0); worker-offline on warm shutdown", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("s1");
export default async function main() { const w = app.worker({ hostname: "w1" }); await w.ready(); await sleep(7); w.shutdown(); }`);
    const online = r.report.events.find((e) => e.type === "worker-online")!.timestamp;
    const beats = r.report.events.filter((e) => e.type === "worker-heartbeat").map((e) => Math.round((e.timestamp - online) * 1e9) / 1e9);
    // Every 2 s as kombu's call_repeatedly runs it: the first 9 ms before online + 2 s (Heart's timer is
    // entered before the loop starts), then each 2 s + 3 ms after the last (instrumented worker:
    // entered 8-10 ms before the loop, beats 2.001-2.005 s apart).
    expect(beats).toEqual([1.991, 3.994, 5.997]);
    expect(r.report.events.find((e) => e.type === "worker-online")!.freq).toBe(2);
    expect(r.report.events.at(-1)!.type).toBe("worker-offline");
  });
});

describe("FINDINGS §1 apply / delay / run", () => {
  const TASK = `
import { Celery, Task, ValueError } from "celery";
const app = new Celery("s1");
export const seen: string[] = [];
class Hooked extends Task {
  beforeStart() { seen.push("before_start"); }
  onSuccess() { seen.push("on_success"); }
  onFailure() { seen.push("on_failure"); }
  onRetry() { seen.push("on_retry"); }
  afterReturn(status: string) { seen.push("after_return"); }
}
export const eager = app.task({ name: "s1.eager", bind: true, base: Hooked },
  function eager(self: any, x = 21, fail = false, retry = false) {
    seen.push("body");
    if (retry && self.request.retries === 0) throw self.retry({ countdown: 5 });
    if (fail) throw new ValueError("bad");
    self.updateState({ state: "PROGRESS", meta: { eager: self.request.isEager } });
    return retry ? 10 : x * 2;
  });`;

  it("apply(): EagerResult SUCCESS 42, hooks run, request.isEager, update_state writes to the backend (PROGRESS stays, SUCCESS not stored)", async () => {
    const r = await run(TASK + `
export default async function main() {
  const res = eager.apply([21]);
  return { cls: res.constructor.name, state: res.state, value: await res.get(), seen, backend: app.AsyncResult(res.id).state, meta: app.AsyncResult(res.id).info };
}`);
    expect(r.report.returned).toEqual({ cls: "EagerResult", state: "SUCCESS", value: 42, seen: ["before_start", "body", "on_success", "after_return"], backend: "PROGRESS", meta: { eager: true } });
  });

  it("apply() failing: EagerResult FAILURE, get() re-raises ValueError, apply itself does not raise", async () => {
    const r = await run(TASK + `
export default async function main() {
  const res = eager.apply([1, true]);
  let raised = ""; try { await res.get(); } catch (e: any) { raised = e.name; }
  return { state: res.state, raised, seen };
}`);
    expect(r.report.returned).toEqual({ state: "FAILURE", raised: "ValueError", seen: ["before_start", "body", "on_failure", "after_return"] });
  });

  it("apply() with self.retry: retry runs inline (countdown ignored), SUCCESS 10, hooks before_start, body, on_retry, before_start, body, on_success, after_return", async () => {
    const r = await run(TASK + `
import { now } from "celery";
export default async function main() {
  const res = eager.apply([1, false, true]);
  return { state: res.state, value: await res.get(), seen, t: now() };
}`);
    expect(r.report.returned).toEqual({ state: "SUCCESS", value: 10, seen: ["before_start", "body", "on_retry", "before_start", "body", "on_success", "after_return"], t: 0 });
  });

  it("run(): the plain value, no hooks; update_state raises TypeError (request.id is None)", async () => {
    const r = await run(TASK + `
export default async function main() {
  let raised = "";
  try { eager.run(21); } catch (e: any) { raised = e.name + ": " + e.message; }
  const afterRaise = [...seen];
  seen.length = 0;
  let failed = "";
  try { eager.run(1, true); } catch (e: any) { failed = e.name; }
  const afterFail = [...seen];
  const plain = (app.task({ name: "s1.plain" }, function plain(x: number) { return x * 2; })).run(21);
  return { plain, raised, afterRaise, failed, afterFail };
}`);
    const ret = r.report.returned as { plain: number; raised: string; afterRaise: string[]; failed: string; afterFail: string[] };
    expect(ret.plain).toBe(42);
    expect(ret.raised).toBe("TypeError: sequence item 1: expected a bytes-like object, NoneType found");
    // The hooked task's body ran, and no hook (before_start, on_failure, after_return) did.
    expect(ret.afterRaise).toEqual(["body"]);
    expect(ret.failed).toBe("ValueError");
    expect(ret.afterFail).toEqual(["body"]);
  });

  it("delay() with no worker: AsyncResult PENDING; with task_always_eager: EagerResult SUCCESS", async () => {
    const r = await run(TASK + `
export default async function main() {
  const a = eager.delay(21);
  app.conf.update({ taskAlwaysEager: true });
  const b = eager.delay(21);
  return { a: [a.constructor.name, a.state], b: [b.constructor.name, b.state] };
}`);
    expect(r.report.returned).toEqual({ a: ["AsyncResult", "PENDING"], b: ["EagerResult", "SUCCESS"] });
  });

  it("revoking a countdown task: REVOKED with TaskRevokedError('revoked')", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("s1");
export const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const res = add.applyAsync([1, 1], { countdown: 3 });
  await sleep(0.5);
  res.revoke();
  let raised = ""; try { await res.get(); } catch (e: any) { raised = e.name + "('" + e.message + "')"; }
  return { state: res.state, raised };
}`);
    expect(r.report.returned).toEqual({ state: "REVOKED", raised: "TaskRevokedError('revoked')" });
  });
});
