/** FINDINGS §5 (broker restart), §6 (rate limits), §7 (prefetch), §8 (time limits), §9 (revoke). */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

describe("FINDINGS §5 broker restart persistence: 10 tasks sent, no worker", () => {
  async function persistence(broker: string, conf: string, restart: string) {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("s5", { broker: "${broker}" });
app.conf.update({ ${conf} });
export const noop = app.task(function noop(i: number) { return i; });
export default async function main() {
  for (let i = 0; i < 10; i++) noop.delay(i);
  const before = app.broker.queueLength("celery");
  app.broker.restart(${restart});
  await sleep(10);
  const after = app.broker.queueLength("celery");
  await app.worker({ hostname: "w1" }).ready();
  await sleep(5);
  return { before, after, executed: app.control.inspect().stats()!["w1"].total["noop"] ?? 0 };
}`);
    return r.report.returned;
  }
  it("Redis --save '' --appendonly no, graceful SHUTDOWN: 10 → 0, none executed", async () => {
    expect(await persistence("redis", `brokerPersistence: "none"`, `{ graceful: true }`)).toEqual({ before: 10, after: 0, executed: 0 });
  });
  it("Redis no persistence, SIGKILL: 10 → 0", async () => {
    expect(await persistence("redis", `brokerPersistence: "none"`, `{ graceful: false }`)).toEqual({ before: 10, after: 0, executed: 0 });
  });
  it("Redis built-in defaults (RDB), graceful SHUTDOWN saves a snapshot: 10 → 10, all executed", async () => {
    expect(await persistence("redis", `brokerPersistence: "rdb"`, `{ graceful: true }`)).toEqual({ before: 10, after: 10, executed: 10 });
  });
  it("Redis RDB, SIGKILL with no snapshot since the sends: 10 → 0", async () => {
    expect(await persistence("redis", `brokerPersistence: "rdb"`, `{ graceful: false }`)).toEqual({ before: 10, after: 0, executed: 0 });
  });
  it("Redis --appendonly yes --appendfsync always, SIGKILL: 10 → 10", async () => {
    expect(await persistence("redis", `brokerPersistence: "aof"`, `{ graceful: false }`)).toEqual({ before: 10, after: 10, executed: 10 });
  });
  it("RabbitMQ, Celery default (durable queue, delivery_mode 2), rabbitmqctl stop: 10 → 10", async () => {
    expect(await persistence("rabbitmq", ``, `{ graceful: true }`)).toEqual({ before: 10, after: 10, executed: 10 });
  });
  it("RabbitMQ, delivery_mode 1 (transient): 10 → 0, the durable queue still exists", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("s5", { broker: "rabbitmq" });
app.conf.update({ taskDefaultDeliveryMode: "transient" });
export const noop = app.task(function noop(i: number) { return i; });
export default async function main() {
  for (let i = 0; i < 10; i++) noop.delay(i);
  app.broker.restart();
  await sleep(10);
  return app.broker.queueLength("celery");
}`);
    expect(r.report.returned).toBe(0);
    expect(r.session.world.broker.queues.has("celery")).toBe(true);
    expect(r.report.stats.lost).toBe(10);
  });
});

describe("FINDINGS §6 rate limits (Redis, no-op tasks, 20 sent in a burst)", () => {
  async function rate(limit: string, workers: number, n = 20) {
    const r = await run(`
import { Celery, now } from "celery";
const app = new Celery("s6");
export const noop = app.task({ name: "s6.noop", rateLimit: "${limit}" }, function noop() { return now(); });
export default async function main() {
  for (let w = 0; w < ${workers}; w++) await app.worker({ hostname: "w" + (w + 1), concurrency: 1 }).ready();
  const t0 = now();
  const rs = [];
  for (let i = 0; i < ${n}; i++) rs.push(noop.delay());
  for (const x of rs) await x.get();
  return t0;
}`);
    // Start times from the burst, to 0.1 s (Celery's own costs, publish and dispatch, are ~15 ms).
    const t0 = r.report.returned as number;
    return r.tasks("s6.noop").map((t) => ({ ...t, startedRawS: t.startedAt!, startedAt: Math.round((t.startedAt! - t0) * 10) / 10, finishedAt: t.finishedAt! - t0 }));
  }
  it("10/m, 1 worker c=1, 4 tasks: starts 0, 6, 12, 18 (first immediate, then exactly 6 s)", async () => {
    const ts = await rate("10/m", 1, 4);
    expect(ts.map((t) => t.startedAt)).toEqual([0, 6, 12, 18]);
  });
  it("5/s, 1 worker c=1: 20 tasks in pairs, 0.4 s apart until ten bucket timers are due at once, then 1.2 s apart; the last 7.5–9.2 s after the first", async () => {
    // Ten real runs: the last start 9.22 and 9.21 s after the send (FINDINGS §6), 7.53–8.46 s after
    // the first start (reference/results/ratelimit_fast_pairs.json and its earlier two runs). Why
    // pairs, and why 1.2 s: sim/celery/event-loop.ts. The span depends on the phase of the loop's wakes.
    const ts = await rate("5/s", 1);
    const raw = ts.map((t) => t.startedRawS).sort((a, b) => a - b);
    const starts = raw.map((t) => t - raw[0]!);
    expect(ts.map((t) => t.startedAt!).sort((a, b) => a - b)[0]).toBe(0);
    expect(starts[19]!).toBeGreaterThanOrEqual(7.53 - 0.05);
    expect(starts[19]!).toBeLessThanOrEqual(9.22 + 0.05);
    // Starts come in pairs (0.00–0.01 s apart in every run): 9 or 10 of the 19 gaps are under 0.1 s.
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    const paired = gaps.filter((g) => g < 0.1).length;
    expect(paired).toBeGreaterThanOrEqual(9);
    expect(paired).toBeLessThanOrEqual(10);
    // The pairs' first starts: 0.40–0.41 s apart while fewer than ten timers fall due together, then
    // 1.15–1.21 s (fire_timers' cap, poll's 1 s), but the last, cut short by BRPOP's empty return.
    const pairStarts = starts.filter((_, i) => i === 0 || gaps[i - 1]! >= 0.1);
    const pairGaps = pairStarts.slice(1).map((t, i) => t - pairStarts[i]!);
    const early = pairGaps.filter((g) => g < 0.5);
    const capped = pairGaps.slice(early.length, -1);
    expect(early.length).toBeGreaterThanOrEqual(2);
    for (const g of early) expect(g).toBeGreaterThanOrEqual(0.4 - 0.01 - 1e-9);
    expect(capped.length).toBeGreaterThanOrEqual(4);
    for (const g of capped) {
      expect(g).toBeGreaterThanOrEqual(1.15 - 1e-9);
      expect(g).toBeLessThanOrEqual(1.21 + 1e-9);
    }
    expect(pairGaps.at(-1)!).toBeGreaterThanOrEqual(1.0 - 1e-9);
    expect(pairGaps.at(-1)!).toBeLessThanOrEqual(1.21 + 1e-9);
  });
  it("the limit is per worker: 2 workers c=1 finish 20 tasks in about half the time, 10 + 10", async () => {
    const one = await rate("5/s", 1);
    const two = await rate("5/s", 2);
    const span = (ts: typeof one) => Math.max(...ts.map((t) => t.finishedAt!));
    expect(span(two)).toBeLessThan(span(one) * 0.6);
    const per = new Map<string, number>();
    for (const t of two) per.set(t.worker!, (per.get(t.worker!) ?? 0) + 1);
    expect([...per.values()].sort()).toEqual([10, 10]);
  });
});

describe("FINDINGS §7 prefetch: 2 workers × c=2, 24 tasks LSSSSS×4 (L=3 s, S=0.1 s)", () => {
  async function prefetch(multiplier: number) {
    const r = await run(`
import { Celery, sleep, now } from "celery";
const app = new Celery("s7");
app.conf.update({ workerPrefetchMultiplier: ${multiplier} });
export const job = app.task({ name: "s7.job" }, async function job(i: number, d: number) { await sleep(d); return i; });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  await app.worker({ hostname: "w2", concurrency: 2 }).ready();
  await sleep(0.1); // both workers are up and waiting (BRPOP) before the burst, as in the oracle
  const t0 = now();
  const rs = [];
  for (let i = 0; i < 24; i++) rs.push(job.delay(i, i % 6 === 0 ? 3 : 0.1));
  for (const x of rs) await x.get();
  return t0;
}`);
    // Times from the burst.
    const t0 = r.report.returned as number;
    const ts = r.tasks("s7.job").map((t) => ({ ...t, receivedAt: t.receivedAt! - t0, startedAt: t.startedAt! - t0, finishedAt: t.finishedAt! - t0 }));
    const makespan = Math.max(...ts.map((t) => t.finishedAt));
    const longs = ts.filter((t) => (t.args[0] as number) % 6 === 0);
    const longPerWorker = new Map<string, number>();
    for (const t of longs) longPerWorker.set(t.worker!, (longPerWorker.get(t.worker!) ?? 0) + 1);
    const lastShort = Math.max(...ts.filter((t) => (t.args[0] as number) % 6 !== 0).map((t) => t.finishedAt));
    // Tasks received early (before 1 s) that could only start once a long task ended (after 3 s).
    const heldBehindLongs = ts.filter((t) => t.receivedAt < 1 && t.startedAt >= 2.99).length;
    return { makespan, longPerWorker: [...longPerWorker.values()].sort(), lastShort, heldBehindLongs };
  }
  it("multiplier 1: a worker still holds tasks behind its two running long tasks (HOL with x1 too), and x1 is never slower than x4", async () => {
    // The oracle's x1 makespan (3.94 s) depended on which worker a third long task landed on, a
    // sub-millisecond race between BRPOPs; the ideal model breaks that tie the other way, so the
    // makespan itself is not compared here (see the note on the simulator issue).
    const p1 = await prefetch(1);
    const p4 = await prefetch(4);
    expect(p1.heldBehindLongs).toBeGreaterThan(0);
    expect(p1.makespan).toBeLessThanOrEqual(p4.makespan);
  });
  it("multiplier 4: one worker reserves all four long tasks (alternating hand-out), makespan ~6.3 s, a short task waits behind them (head-of-line blocking)", async () => {
    const p = await prefetch(4);
    expect(p.longPerWorker).toEqual([4]);
    expect(p.makespan).toBeGreaterThan(6);
    expect(p.makespan).toBeLessThan(6.6);
    expect(p.lastShort).toBeGreaterThan(3);
  });
});

describe("FINDINGS §8 time limits (prefork c=2)", () => {
  async function limit(opts: string, body: string) {
    const r = await run(`
import { Celery, sleep, now, SoftTimeLimitExceeded } from "celery";
const app = new Celery("s8");
export const t = app.task({ name: "s8.t", ${opts} }, async function t() { ${body} });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const pids = () => app.control.inspect().stats()?.["w1"]?.pool.processes as number[] | undefined;
  const t0 = now();
  const res = t.delay();
  let pidsBefore = pids();
  while (!pidsBefore) { await sleep(0.05); pidsBefore = pids(); }   // the worker is up before any limit strikes
  let out = "";
  try { out = "value " + (await res.get()); } catch (e: any) { out = e.name + " " + e.message; }
  // From the send, to 0.1 s (Celery's own costs, publish and dispatch, are ~15 ms).
  return { state: res.state, out, at: Math.round((now() - t0) * 10) / 10, pidsBefore, pidsAfter: pids() };
}`);
    return { ...(r.report.returned as { state: string; out: string; at: number; pidsBefore: number[]; pidsAfter: number[] }), r };
  }
  it("soft_time_limit=1 not caught: FAILURE SoftTimeLimitExceeded at 1 s; event failed with exception SoftTimeLimitExceeded()", async () => {
    const o = await limit("softTimeLimit: 1", "await sleep(3); return 1;");
    expect(o.state).toBe("FAILURE");
    expect(o.out).toBe("SoftTimeLimitExceeded SoftTimeLimitExceeded()");
    expect(o.at).toBe(1);
    expect(o.r.report.events.find((e) => e.type === "task-failed")!.exception).toBe("SoftTimeLimitExceeded()");
  });
  it("soft_time_limit=1 caught in the task: SUCCESS with the cleanup value", async () => {
    const o = await limit("softTimeLimit: 1", `try { await sleep(3); return 1; } catch (e) { if (e instanceof SoftTimeLimitExceeded) return "cleaned up"; throw e; }`);
    expect(o.state).toBe("SUCCESS");
    expect(o.out).toBe("value cleaned up");
    expect(o.at).toBe(1);
  });
  it("time_limit=2: FAILURE TimeLimitExceeded(2) at 2 s; the pool child is replaced; PENDING → FAILURE", async () => {
    const o = await limit("timeLimit: 2", "await sleep(5); return 1;");
    expect(o.state).toBe("FAILURE");
    expect(o.out).toBe("TimeLimitExceeded TimeLimitExceeded(2,)");
    expect(o.at).toBe(2);
    expect(o.r.report.logs.some((l) => l.includes("Hard time limit (2s) exceeded for s8.t"))).toBe(true);
    // The killed child is gone and one new child took its place; the other child is untouched.
    const gone = o.pidsBefore.filter((p) => !o.pidsAfter.includes(p));
    const fresh = o.pidsAfter.filter((p) => !o.pidsBefore.includes(p));
    expect([gone.length, fresh.length, o.pidsAfter.length]).toEqual([1, 1, 2]);
    expect(o.r.trace.filter((e) => e.kind === "task-state").map((e) => (e.data as { state?: string })?.state)).toEqual(["FAILURE"]);
  });
  it("soft=1 caught and keeps running, hard=2: FAILURE TimeLimitExceeded(2)", async () => {
    const o = await limit("softTimeLimit: 1, timeLimit: 2", "try { await sleep(3); } catch { await sleep(5); } return 1;");
    expect(o.state).toBe("FAILURE");
    expect(o.out).toBe("TimeLimitExceeded TimeLimitExceeded(2,)");
  });
  it("time_limit=2 with acks_late: FAILURE, not redelivered", async () => {
    const o = await limit("timeLimit: 2, acksLate: true", "await sleep(5); return 1;");
    expect(o.state).toBe("FAILURE");
    expect(o.r.task("s8.t").executions).toBe(1);
    expect(o.r.session.world.broker.unacked.size).toBe(0);
  });
});

describe("FINDINGS §9 revoke", () => {
  const HEAD = `
import { Celery, sleep, now } from "celery";
const app = new Celery("s9");
export const slow = app.task({ name: "s9.slow" }, async function slow() { await sleep(5); return "finished"; });
async function outcome(r: any) { try { return "value " + (await r.get()); } catch (e: any) { return e.name + "('" + e.message + "')"; } }
// Seconds from the send, to 0.1 s (Celery's own costs, publish and dispatch, are ~15 ms).
const since = (t0: number) => Math.round((now() - t0) * 10) / 10;
`;
  it("revoke() of a countdown=3 task sent 0.7 s earlier: PENDING until the ETA, then REVOKED; never executes; events sent, received, revoked{terminated False, signum None, expired False}", async () => {
    const r = await run(HEAD + `
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const t0 = now();
  const res = slow.applyAsync([], { countdown: 3 });
  await sleep(0.7);
  res.revoke();
  await sleep(1);
  const before = res.state;
  return { before, out: await outcome(res), at: since(t0) };
}`);
    expect(r.report.returned).toEqual({ before: "PENDING", out: "TaskRevokedError('revoked')", at: 3 });
    const t = r.task("s9.slow");
    expect(t.executions).toBe(0);
    expect(r.events(t.id)).toEqual(["task-sent", "task-received", "task-revoked"]);
    expect(r.report.events.find((e) => e.type === "task-revoked")).toMatchObject({ terminated: false, signum: null, expired: false });
  });
  it("revoke(terminate=True) of a running task: REVOKED at once, TaskRevokedError('terminated'), body did not finish, revoked{terminated True, signum 15}; SIGKILL gives 9", async () => {
    for (const [sig, num] of [["", 15], [`, signal: "SIGKILL"`, 9]] as const) {
      const r = await run(HEAD + `
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const t0 = now();
  const res = slow.delay();
  await sleep(1);
  res.revoke({ terminate: true${sig} });
  return { out: await outcome(res), at: since(t0), state: res.state };
}`);
      expect(r.report.returned).toEqual({ out: "TaskRevokedError('terminated')", at: 1, state: "REVOKED" });
      expect(r.report.events.find((e) => e.type === "task-revoked")).toMatchObject({ terminated: true, signum: num });
      expect(r.report.events.some((e) => e.type === "task-succeeded")).toBe(false);
    }
  });
  it("revoke() of a running task without terminate: the task finishes, SUCCESS", async () => {
    const r = await run(HEAD + `
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const res = slow.delay();
  await sleep(1);
  res.revoke();
  return { out: await outcome(res), state: res.state };
}`);
    expect(r.report.returned).toEqual({ out: "value finished", state: "SUCCESS" });
  });
  it("revoke() while no worker is online, then start a worker: the revoke is lost, the task runs, SUCCESS", async () => {
    const r = await run(HEAD + `
export default async function main() {
  const res = slow.delay();
  res.revoke();
  await app.worker({ hostname: "w1" }).ready();
  return { out: await outcome(res), state: res.state };
}`);
    expect(r.report.returned).toEqual({ out: "value finished", state: "SUCCESS" });
  });
  it("expires=1 with countdown=2: PENDING → REVOKED at the ETA, TaskRevokedError('expired'), revoked{expired True}", async () => {
    const r = await run(HEAD + `
export default async function main() {
  await app.worker({ hostname: "w1" }).ready();
  const t0 = now();
  const res = slow.applyAsync([], { countdown: 2, expires: 1 });
  await sleep(1.5);
  const before = res.state;
  return { before, out: await outcome(res), at: since(t0) };
}`);
    expect(r.report.returned).toEqual({ before: "PENDING", out: "TaskRevokedError('expired')", at: 2 });
    expect(r.report.events.find((e) => e.type === "task-revoked")).toMatchObject({ expired: true });
  });
});

describe("task_revoked signal (Celery's worker sends it with request, terminated, signum, expired)", () => {
  it("sent once per revoke: terminated SIGTERM while running, expired at the ETA, revoked before the ETA", async () => {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("sig");
export const slow = app.task({ name: "sig.slow" }, async function slow(i: number) { await sleep(5); return i; });
const seen: unknown[] = [];
app.signals.taskRevoked.connect((a: any) => seen.push([a.sender?.name, a.request.args[0], a.terminated, a.signum, a.expired]));
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 2 }).ready();
  const running = slow.delay(1);
  const expiring = slow.applyAsync([2], { countdown: 2, expires: 1 });
  const waiting = slow.applyAsync([3], { countdown: 3 });
  await sleep(1);
  running.revoke({ terminate: true });
  waiting.revoke();
  await sleep(4);
  void expiring;
  return seen;
}`);
    expect(r.report.returned).toEqual([
      ["sig.slow", 1, true, 15, false],
      ["sig.slow", 2, false, null, true],
      ["sig.slow", 3, false, null, false],
    ]);
  });
});

describe("FINDINGS correction note: RabbitMQ's redelivered flag after a whole-worker kill", () => {
  async function rerunFlag(restartFirst: boolean) {
    const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("corr", { broker: "rabbitmq" });
const runs: boolean[] = [];
export const late = app.task({ name: "corr.late", bind: true, acksLate: true }, async function late(self: any) {
  runs.push(Boolean(self.request.deliveryInfo?.redelivered));
  await sleep(2);
  return "done";
});
export default async function main() {
  ${restartFirst ? `app.broker.declareQueue("celery"); app.broker.restart({ graceful: true }); await sleep(10);` : ""}
  const w1 = app.worker({ hostname: "w1" });
  const r = late.delay();
  while (!runs.length) await sleep(0.05);
  w1.kill();
  await app.worker({ hostname: "w2" }).ready();
  await r.get();
  return runs;
}`, { oneProcess: true }); // the scenario observes through a module-level list read by main
    return r.report.returned as boolean[];
  }
  it("a freshly declared queue hands the killed worker's message back with redelivered=True", async () => {
    expect(await rerunFlag(false)).toEqual([false, true]);
  });
  it("a durable queue reloaded from disk after a RabbitMQ restart hands it back with redelivered=False", async () => {
    expect(await rerunFlag(true)).toEqual([false, false]);
  });
});
