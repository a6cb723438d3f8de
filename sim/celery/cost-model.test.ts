/** The cost mode: Celery's overheads on by default, "ideal" on request (scenario, session, CLI), deterministic. */
import { describe, expect, it } from "vitest";
import { compile, nodeHost, run } from "../testing/harness";
import { createSession } from "../engine/session";
import { COSTS } from "./costs";

const SCENARIO = (opts: string, worker = "concurrency: 4") => `
import { Celery, sleep, now, cpu } from "celery";
const app = new Celery("c", { broker: "redis"${opts} });
export const spin = app.task({ ignoreResult: true }, async function spin() { await cpu(0.1); });
export default async function main() {
  const t0 = now();
  for (let i = 0; i < 100; i++) spin.delay();
  await sleep(0);
  const publishS = now() - t0;
  app.worker({ ${worker} });
  return publishS;
}`;

async function drainS(source: string, costs?: "ideal" | "realistic") {
  const session = await createSession(await compile(source), { seed: 1, host: nodeHost, ...(costs ? { costs } : {}) });
  await session.advance();
  const r = session.report({ events: false });
  const ends = r.tasks.map((t) => t.finishedAt!);
  return { publishS: r.returned as number, lastEndS: Math.max(...ends), hash: r.traceHash };
}

const redis = COSTS.redis;

/** CPU seconds a scenario burns on its default host (client, broker, worker) by its end. */
async function localhostCpuS(source: string): Promise<number> {
  const session = await createSession(await compile(source), { seed: 1, host: nodeHost });
  await session.advance();
  return session.world.hosts.localhost.cpuUsedS;
}
const startupC4S = redis.startupS + 4 * redis.startupPerPreforkChildS;
/**
 * The worker's own time for 100 tasks, at most: the main process's dispatch (with the slower wake after
 * each long body), each child's overhead, a fresh child's first task.
 */
const overheadS = 100 * (redis.workerMainS + redis.childS + redis.childWakeS + redis.childWakeSlowS) + redis.childFirstTaskS;

describe("the cost mode", () => {
  it("ideal: no publish cost, no start-up, cpu(s) takes s on the host's 2 cores", async () => {
    const r = await drainS(SCENARIO(`, costs: "ideal"`));
    expect(r.publishS).toBe(0);
    expect(r.lastEndS).toBeCloseTo((100 * 0.1) / 2, 9); // 100 × 0.1 s of CPU on 2 cores
  });

  it("realistic (the default): publishes cost the client, start-up delays the worker, prefork bodies run slower", async () => {
    const r = await drainS(SCENARIO(""));
    // The first publish connects (12.1 ms), then 100 × 0.295 ms (+ per kB of a tiny payload).
    const minS = redis.firstPublishS + 100 * redis.publishS;
    expect(r.publishS).toBeGreaterThan(minS);
    expect(r.publishS).toBeLessThan(minS + 100 * redis.publishPerKbS);
    // 100 × 0.1 s × 1.19 (prefork) of CPU on 2 cores after the start-up; dispatch and child costs overlap.
    const cpuS = (100 * 0.1 * redis.preforkCpuFactor) / 2;
    expect(r.lastEndS).toBeGreaterThan(r.publishS + startupC4S + cpuS);
    expect(r.lastEndS).toBeLessThan(r.publishS + startupC4S + cpuS + overheadS);
  });

  it("a session option sets the mode; the scenario's own `costs` wins", async () => {
    expect((await drainS(SCENARIO(""), "ideal")).publishS).toBe(0);
    expect((await drainS(SCENARIO(""), "realistic")).publishS).toBeGreaterThan(0);
    expect((await drainS(SCENARIO(`, costs: "realistic"`), "ideal")).publishS).toBeGreaterThan(0);
    expect((await drainS(SCENARIO(`, costs: "ideal"`), "realistic")).publishS).toBe(0);
  });

  it("a worker on an 8-core host runs its 4 CPU-bound children in parallel", async () => {
    const r = await drainS(SCENARIO("", `concurrency: 4, host: { name: "h8", cores: 8 }`));
    const cpuS = (100 * 0.1 * redis.preforkCpuFactor) / 4;
    expect(r.lastEndS).toBeGreaterThan(r.publishS + startupC4S + cpuS);
    expect(r.lastEndS).toBeLessThan(r.publishS + startupC4S + cpuS + overheadS);
  });

  it("is deterministic: the same seed gives the same trace hash with costs on", async () => {
    const a = await drainS(SCENARIO(""));
    const b = await drainS(SCENARIO(""));
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe((await drainS(SCENARIO(`, costs: "ideal"`))).hash);
  });

  it("refuses an unknown mode", async () => {
    await expect(run(SCENARIO(`, costs: "cheap" as any`))).rejects.toThrow(/costs must be "realistic" or "ideal" \(got "cheap"\)/);
  });

  // Celery's tracer sends the next step from the child. A synchronous body ends in the simulator's
  // own event, and its next step was charged to the client (connected already): no 16 ms connect.
  // Through a base class's own applyAsync (the canvas calls it, as Celery's Signature.apply_async
  // calls the task's apply_async) the child pays just the same.
  for (const base of [false, true]) {
    it(`a chain's next step is published by the pool child that ran the step before${base ? ", through a base class's applyAsync too" : ""}: the child pays, its first publish connecting and making its backend client`, async () => {
      const cpuS = (how: string) =>
        localhostCpuS(`
import { Celery, Task, chain, sleep } from "celery";
const app = new Celery("c", { broker: "redis" });
class Wrapped extends Task {
  applyAsync(args?: unknown[], options: any = {}) { return super.applyAsync(args, options); }
}
export const add = app.task({ name: "add"${base ? ", base: Wrapped" : ""} }, (x: number, y: number) => x + y);
export default async function main() {
  app.worker({ concurrency: 1 });
  await sleep(2);
  ${how}
  await sleep(5);
}`);
      const chained = await cpuS("chain(add.s(1, 1), add.s(2), add.s(3)).applyAsync();");
      const separate = await cpuS("add.delay(1, 1); add.delay(2, 2); add.delay(4, 3);");
      // The same three messages; the child's two publishes add its connect once, its backend client's
      // making once (the app has a Redis backend: child_first_publish), and a child's publish cost each.
      expect(chained - separate).toBeCloseTo(redis.childFirstPublishS + redis.childBackendOnPublishS + 2 * redis.childPublishS, 4);
    });
  }

  it("a child connects and makes its backend client once, whichever publishes first: a retry, then a delay()", async () => {
    // The task retries on its first run (the child's first publish: connect, backend client) and sends
    // another task on its second. The second run's delay() costs only a child's publish: no second
    // connect, no second client (Task.retry's apply_async makes the AsyncResult as delay() does).
    const cpuS = (second: string) =>
      localhostCpuS(`
import { Celery, sleep } from "celery";
const app = new Celery("c", { broker: "redis" });
export const other = app.task({ name: "other", ignoreResult: true }, () => undefined);
export const r = app.task({ name: "r", bind: true, ignoreResult: true }, function (this: any) {
  if (this.request.retries === 0) throw this.retry({ countdown: 1 });
  ${second}
});
export default async function main() {
  app.worker({ concurrency: 1 });
  await sleep(1);
  r.delay();
  await sleep(5);
}`);
    const withDelay = await cpuS("other.delay();");
    const without = await cpuS("");
    // The delay()'s own publish, as a child's, and the worker's main process receiving and dispatching \`other\`.
    const delayS = redis.publishS + redis.childPublishS + redis.workerMainS + redis.childS;
    expect(withDelay - without).toBeGreaterThan(redis.publishS + redis.childPublishS);
    expect(withDelay - without).toBeLessThan(delayS + 0.002);
  });
  it("a child stores its result before its next job: at c=1 the no-op cycle is longer by childStoreS with results, not without; a child idle since is not held", async () => {
    // Two no-ops sent at once, one child: the second starts after the first's end, the main process's
    // serial work, the child's overhead and, with a result, the rest of the child's store.
    const cycleS = async (ignoreResult: boolean, gapS: number) => {
      const r = await run(`
import { Celery, sleep } from "celery";
const app = new Celery("c", { broker: "redis" });
export const t = app.task({ name: "t", ignoreResult: ${ignoreResult} }, () => undefined);
export default async function main() {
  await app.worker({ concurrency: 1 }).ready();
  t.delay(); await sleep(1); // the child's first task and first store are behind it
  t.delay(); ${gapS ? `await sleep(${gapS});` : ""} t.delay();
  await sleep(2);
}`);
      const [, a, b] = [...r.report.tasks].sort((x, y) => x.sentAt! - y.sentAt!);
      return b!.startedAt! - a!.finishedAt!;
    };
    const stored = await cycleS(false, 0);
    const ignored = await cycleS(true, 0);
    expect(stored - ignored).toBeCloseTo(redis.storeResultS + redis.childStoreS, 6);
    // Sent 0.1 s apart, the third finds the child long done storing: no wait (the main process's
    // storeResultS delays the second and third alike, so the gap between them is the same).
    expect((await cycleS(false, 0.1)) - (await cycleS(true, 0.1))).toBeCloseTo(0, 9);
  });
});
