/**
 * The depth replayed from message events equals the broker's own count at every moment a scenario
 * asks the broker (app.broker.queues() and unackedCount()), through worker kills, visibility-timeout
 * restores, requeues, dead-lettering, TTL, max length, fanout and broker restarts with and without
 * persistence, including messages published while the broker is down.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../kernel/trace";
import { brokerProbes, brokerProbeSnippet } from "../../testing/broker-probe";
import { run } from "../../testing/harness";
import { BrokerDepth } from "./broker-depth";

/** Fold the trace and compare with the broker at every probe; returns how many probes were compared. */
function compareAtProbes(trace: TraceEvent[], label: string): { probes: number; sawUnacked: boolean; sawReady: boolean } {
  const d = new BrokerDepth();
  const probes = brokerProbes(trace);
  let next = 0;
  let sawUnacked = false;
  let sawReady = false;
  for (const ev of trace) {
    d.fold(ev);
    const truth = probes[next];
    if (truth?.i !== ev.i) continue;
    next++;
    const mine = Object.fromEntries(Object.keys(truth.queues).map((q) => [q, d.ready(q)]));
    expect(mine, `${label}: ready per queue at ${truth.atS} s`).toEqual(truth.queues);
    const unacked = d.queues().reduce((a, q) => a + d.unacked(q), 0);
    expect(unacked, `${label}: unacked at ${truth.atS} s`).toBe(truth.unacked);
    sawUnacked ||= unacked > 0;
    sawReady ||= Object.values(mine).some((n) => n > 0);
  }
  return { probes: next, sawUnacked, sawReady };
}

const PROBE = brokerProbeSnippet(137);

describe("queue depth from message events (BrokerDepth)", () => {
  it("Redis: a killed worker's unacked messages wait for the visibility timeout, then are restored; a restart without persistence loses the queue; messages sent while it is down wait with the producer", async () => {
    const r = await run(`
import { Celery, sleep, now } from "celery";
const app = new Celery("depth", { broker: "redis" });
app.conf.update({ taskAcksLate: true, workerPrefetchMultiplier: 2, brokerTransportOptions: { visibilityTimeout: 6 } });
app.broker.persistence = "none";
const job = app.task({ name: "job" }, async function job(i: number) { await sleep(0.8 + (i % 3) * 0.4); return i; });
${PROBE}
export default async function main() {
  const w1 = app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 1 });
  for (let i = 0; i < 30; i++) job.delay(i);
  await sleep(1.5);
  w1.kill();
  await sleep(7);
  w1.restart(); // its messages are older than the visibility timeout now: restored at its start
  await sleep(6);
  for (let i = 0; i < 10; i++) job.delay(100 + i);
  app.broker.restart({ graceful: false, downtimeS: 2 });
  await sleep(0.5);
  for (let i = 0; i < 4; i++) job.delay(200 + i);
  await sleep(30);
}`);
    const seen = compareAtProbes(r.trace, "redis");
    expect(seen.probes).toBeGreaterThan(100);
    expect(seen.sawUnacked && seen.sawReady).toBe(true);
    expect(r.trace.some((e) => e.kind === "message-restored")).toBe(true);
    expect(r.trace.some((e) => e.kind === "message-published" && (e.data as { held?: boolean }).held)).toBe(true);
    expect(r.trace.some((e) => e.kind === "message-lost")).toBe(true);
  });

  it("RabbitMQ: requeue on a dead connection, dead-lettering, TTL, max length, fanout, and a restart that keeps only persistent messages", async () => {
    const r = await run(`
import { Celery, sleep, now, Reject } from "celery";
const app = new Celery("depth", { broker: "rabbitmq" });
app.conf.update({ taskAcksLate: true, workerPrefetchMultiplier: 3 });
const job = app.task({ name: "job" }, async function job(i: number) {
  await sleep(0.5 + (i % 4) * 0.3);
  if (i % 7 === 3) throw new Reject("bad", { requeue: false });
  return i;
});
${PROBE}
export default async function main() {
  app.broker.declareExchange("dlx", "fanout");
  app.broker.bindQueue("dead", "dlx");
  app.broker.declareQueue("work", { deadLetterExchange: "dlx", messageTtlS: 4 });
  app.broker.declareQueue("short", { maxLength: 3 });
  app.broker.declareExchange("all", "fanout");
  app.broker.bindQueue("a", "all");
  app.broker.bindQueue("b", "all");
  const w1 = app.worker({ hostname: "w1", concurrency: 2, queues: ["work", "celery", "a"] });
  for (let i = 0; i < 20; i++) job.applyAsync([i], { queue: "work" });
  for (let i = 0; i < 6; i++) job.applyAsync([i], { queue: "short" });
  for (let i = 0; i < 5; i++) job.applyAsync([i], { exchange: "all", routingKey: "x" });
  await sleep(1.2);
  w1.kill();
  await sleep(1);
  w1.restart();
  app.worker({ hostname: "w2", concurrency: 1, queues: ["b", "short"] });
  await sleep(3);
  for (let i = 0; i < 8; i++) job.applyAsync([i], { queue: "work" });
  app.broker.restart({ graceful: false, persistent: false, downtimeS: 1.5 });
  await sleep(0.3);
  for (let i = 0; i < 3; i++) job.delay(50 + i);
  await sleep(25);
}`);
    const seen = compareAtProbes(r.trace, "rabbitmq");
    expect(seen.probes).toBeGreaterThan(100);
    expect(seen.sawUnacked && seen.sawReady).toBe(true);
    for (const kind of ["message-requeued", "message-dead-lettered", "message-lost"]) expect(r.trace.some((e) => e.kind === kind), kind).toBe(true);
  });

  // Found in review: a worker rejecting a delivery the broker had already taken back queued a second copy.
  it("a delivery already taken back cannot be rejected: an ETA past Redis's visibility timeout, then a warm shutdown", async () => {
    const r = await run(`
import { Celery, sleep, now } from "celery";
const app = new Celery("depth", { broker: "redis" });
app.conf.update({ brokerTransportOptions: { visibilityTimeout: 5 } });
const job = app.task({ name: "job" }, async function job() { return 1; });
${PROBE}
export default async function main() {
  const w = app.worker({ hostname: "w1", concurrency: 1 });
  job.applyAsync([], { countdown: 300 });
  await sleep(150);
  w.shutdown();
  await sleep(20);
}`, { untilS: 400 });
    expect(compareAtProbes(r.trace, "redis eta").probes).toBeGreaterThan(100);
  });

  it("a delivery already taken back cannot be rejected: RabbitMQ, the connection drops while the task runs, then it raises Reject(requeue)", async () => {
    const r = await run(`
import { Celery, sleep, now, Reject, faults } from "celery";
const app = new Celery("depth", { broker: "rabbitmq" });
app.conf.update({ taskAcksLate: true });
let n = 0;
const job = app.task({ name: "job" }, async function job() { await sleep(5); if (n++ === 0) throw new Reject("again", { requeue: true }); return 1; });
${PROBE}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  job.delay();
  faults.at(2, { kind: "network", worker: "w1", durationS: 1, drop: true });
  await sleep(30);
}`, { untilS: 100 });
    expect(compareAtProbes(r.trace, "rabbitmq reject").probes).toBeGreaterThan(100);
    // Run twice (the requeued copy after the connection dropped, and the first), not three times.
    expect(r.trace.filter((e) => e.kind === "task-started").length).toBe(2);
  });

  it("random fault plans on either broker: the replayed depth always equals the broker's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom("redis", "rabbitmq"), fc.boolean(), fc.integer({ min: 1, max: 5 }), async (seed, broker, acksLate, faultCount) => {
        const r = await run(`
import { Celery, sleep, now, faults, Reject } from "celery";
const app = new Celery("chaos", { broker: "${broker}" });
app.conf.update({ taskAcksLate: ${acksLate}, workerPrefetchMultiplier: 2, brokerTransportOptions: { visibilityTimeout: 5 } });
const tries = new Map<number, number>();
const job = app.task({ name: "job" }, async function job(i: number) {
  await sleep(0.3 + (i % 5) * 0.4);
  const n = (tries.get(i) ?? 0) + 1;
  tries.set(i, n);
  if (i % 9 === 4 && n === 1) throw new Reject("not yet", { requeue: i % 2 === 0 });
  return i;
});
${PROBE}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 1 });
  faults.plan(faults.random({ count: ${faultCount}, withinS: 15, workers: ["w1", "w2"], kinds: ["kill-worker", "kill-child", "restart-worker", "stop-worker", "network", "restart-broker"] }));
  for (let i = 0; i < 25; i++) {
    // Some with a countdown past the visibility timeout: held unacked by a worker, then restored.
    if (i % 8 === 7) job.applyAsync([i], { countdown: 7 });
    else job.delay(i);
    if (i % 5 === 4) await sleep(1);
  }
  await sleep(40);
}`, { seed, untilS: 120 });
        expect(compareAtProbes(r.trace, `seed ${seed}, ${broker}, acksLate ${acksLate}`).probes).toBeGreaterThan(100);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
