// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: they check the mechanism's exact times.
/** Each fault kind and each trigger, against hand-worked expectations; each lands in the trace with its cause. */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const HEAD = (broker = "rabbitmq", acksLate = true) => `
import { Celery, sleep, now, faults, service, ConnectionError } from "celery";
const app = new Celery("faults", { broker: "${broker}", costs: "ideal" });
app.conf.update({ taskAcksLate: ${acksLate}, workerPrefetchMultiplier: 1 });
export const job = app.task({ name: "job" }, async function job(i: number) { await sleep(2); return i; });
`;

function faultEvents(r: Awaited<ReturnType<typeof run>>) {
  return r.trace.filter((e) => e.kind === "fault").map((e) => ({ at: e.atS, ...(e.data as object) })) as { at: number; fault: string; cause: string }[];
}

describe("fault kinds", () => {
  it("kill-worker with restartAfterS: in-flight work is redelivered (acks_late on RabbitMQ) after the restart", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  faults.at(1, { kind: "kill-worker", worker: "w1", restartAfterS: 3 });
  return await job.delay(7).get();
}`);
    expect(r.report.returned).toBe(7);
    const t = r.task("job");
    expect(t.executions).toBe(2);
    expect(t.startedAt).toBe(4);
    expect(faultEvents(r)).toEqual([{ at: 1, fault: "kill-worker", worker: "w1", cause: "scheduled at 1 s" }]);
  });

  it("stop-worker is a warm shutdown: the running task finishes, then worker-offline", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  faults.at(1, { kind: "stop-worker", worker: "w1" });
  return await job.delay(1).get();
}`);
    expect(r.report.returned).toBe(1);
    expect(r.report.events.find((e) => e.type === "worker-offline")!.timestamp).toBe(2);
  });

  it("restart-worker: warm shutdown, then the worker comes back and consumes", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  faults.at(1, { kind: "restart-worker", worker: "w1" });
  const a = job.delay(1);
  await sleep(3);
  return await job.delay(2).get();
}`);
    expect(r.report.returned).toBe(2);
    expect(r.report.events.filter((e) => e.type === "worker-online").map((e) => e.timestamp)).toEqual([0, 2]);
  });

  it("kill-child after N task-started events: the running task fails with WorkerLostError (no reject_on_worker_lost)", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  faults.after(2, "task-started", { kind: "kill-child", worker: "w1" });
  const rs = [job.delay(1), job.delay(2)];
  const out = [];
  for (const x of rs) { try { out.push(await x.get()); } catch (e: any) { out.push(e.name); } }
  return out;
}`);
    expect(r.report.returned).toEqual(["WorkerLostError", 2]);
    expect(faultEvents(r)[0]).toMatchObject({ fault: "kill-child", cause: "after 2 task-started events" });
  });

  it("restart-broker through a plan: durable, persistent messages survive on RabbitMQ", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  for (let i = 0; i < 3; i++) job.delay(i);
  faults.plan([{ fault: { kind: "restart-broker", graceful: false }, trigger: { atS: 1 }, cause: "chaos drill" }]);
  await sleep(10);
  app.worker({ hostname: "w1", concurrency: 3 });
  await sleep(3);
  return app.control.inspect().stats()!["w1"].total["job"];
}`);
    expect(r.report.returned).toBe(3);
    expect(faultEvents(r)[0]).toMatchObject({ fault: "restart-broker", cause: "chaos drill" });
  });

  it("network drop: the worker loses the broker for a while; RabbitMQ requeues its unacked message and it runs again", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  app.worker({ hostname: "w2", concurrency: 1 });
  faults.at(0.5, { kind: "network", worker: "w1", durationS: 5, drop: true });
  const a = job.delay(1);
  return { v: await a.get(), n: 0 };
}`);
    const t = r.task("job");
    expect(t.executions).toBe(2);
    expect(r.trace.some((e) => e.kind === "message-requeued")).toBe(true);
  });

  it("network latency: deliveries to the worker arrive later while the link is slow", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  faults.at(0, { kind: "network", worker: "w1", durationS: 10, latencyS: 0.25 });
  await sleep(0.1);
  return await job.delay(1).get();
}`);
    expect(r.task("job").receivedAt).toBeCloseTo(0.35, 9);
  });

  it("fail-task with a probability and a window: executions fail from the seeded stream, then stop failing", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  faults.at(0, { kind: "fail-task", task: "job", probability: 0.5, durationS: 5 });
  const early = Array.from({ length: 20 }, (_, i) => job.delay(i));
  await sleep(6);
  const late = Array.from({ length: 5 }, (_, i) => job.delay(i));
  const st = async (rs: any[]) => { const o = []; for (const x of rs) { try { await x.get(); o.push("ok"); } catch (e: any) { o.push(e.name); } } return o; };
  return { early: await st(early), late: await st(late) };
}`, { seed: 3 });
    const ret = r.report.returned as { early: string[]; late: string[] };
    const failed = ret.early.filter((x) => x === "ConnectionError").length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
    expect(ret.late).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });

  it("fail-service when a predicate holds: the service is down for its duration", async () => {
    const r = await run(HEAD() + `
export default async function main() {
  const api = service("payments", { latency: 0.1 });
  const calls: string[] = [];
  faults.when(() => now() >= 2, { kind: "fail-service", service: "payments", durationS: 3 }, { checkEveryS: 0.5 });
  for (let t = 0; t < 7; t++) {
    try { await api.call(); calls.push("ok"); } catch (e: any) { calls.push(e.name); }
    await sleep(0.9);
  }
  return calls;
}`);
    // Calls at 0, 1, 2, …; the outage is [2, 5): the call sent at 2 went out just before the
    // fault's check at the same instant, the call at 5 comes after the window.
    expect(r.report.returned).toEqual(["ok", "ok", "ok", "ConnectionError", "ConnectionError", "ok", "ok"]);
    expect(faultEvents(r)[0]).toMatchObject({ at: 2, fault: "fail-service", cause: "its condition held" });
  });

  it("faults.random draws the same plan from the same seed, and another from another", async () => {
    const src = HEAD() + `
export default async function main() {
  app.worker({ hostname: "w1" }); app.worker({ hostname: "w2" });
  return faults.random({ count: 4, withinS: 30, workers: ["w1", "w2"] });
}`;
    const a = await run(src, { seed: 11 });
    const b = await run(src, { seed: 11 });
    const c = await run(src, { seed: 12 });
    expect(a.report.returned).toEqual(b.report.returned);
    expect(a.report.returned).not.toEqual(c.report.returned);
    expect((a.report.returned as unknown[]).length).toBe(4);
  });
});
