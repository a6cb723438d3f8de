/**
 * Fidelity gaps measured against real Celery 5.2.6 (round C, /tmp/rtC pairs):
 * - `result.get()` inside a task raises E_WOULDBLOCK word for word (celery/result.py, 5.2.6);
 * - the report's `task-received` events carry the eta that delivery had, not the task's latest;
 * - `app.control.inspect()` request dicts as Request.info() builds them (`type`, `acknowledged`,
 *   `delivery_info`), and `scheduled()` entries with the timer's priority 6 and an ISO-8601 eta.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { SIM_EPOCH_MS } from "../engine/globals";

const E_WOULDBLOCK = "Never call result.get() within a task!\nSee http://docs.celeryq.org/en/latest/userguide/tasks.html#task-synchronous-subtasks\n";

describe("result.get() within a task", () => {
  it("raises RuntimeError with Celery 5.2.6's E_WOULDBLOCK text, trailing newline included", async () => {
    const r = await run(`import { Celery } from "celery";
const app = new Celery("gi", { broker: "redis" });
export const inner = app.task({ name: "ref.inner" }, function inner() { return 7; });
export const outer = app.task({ name: "ref.outer" }, async function outer() {
  try { return ["ok", await inner.delay().get({ timeout: 10 })]; } catch (e: any) { return ["err", e.name, e.message]; }
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  return await outer.delay().get({ timeout: 20 });
}`);
    expect(r.report.returned).toEqual(["err", "RuntimeError", E_WOULDBLOCK]);
  });
});

describe("task-received eta in the report", () => {
  it("each delivery of a retried task shows its own eta (null first), as live handlers saw it", async () => {
    const r = await run(`import { Celery } from "celery";
const app = new Celery("eta", { broker: "redis", workerSendTaskEvents: true });
export const bare = app.task({ name: "ref.bare", bind: true, maxRetries: 1 }, function bare(self: any) { throw self.retry({ countdown: 1 }); });
const seen: unknown[] = [];
app.events.on("task-received", (e: any) => seen.push([e.retries, e.eta]));
export default async function main() {
  app.worker({ taskEvents: true, hostname: "w1" });
  const r = bare.delay();
  try { await r.get({ timeout: 20 }); } catch {}
  return seen;
}`);
    const live = r.report.returned as [number, number | null][];
    expect(live.map(([n, eta]) => [n, eta === null])).toEqual([[0, true], [1, false]]);
    const inReport = r.report.events.filter((e) => e.type === "task-received").map((e) => [e.retries, e.eta]);
    expect(inReport).toEqual(live);
  });
});

const inspectScenario = (broker: string) => `import { Celery, sleep, now } from "celery";
const app = new Celery("ci", { broker: "${broker}" });
export const slow = app.task({ name: "ref.slow" }, async function slow(n: number) { await sleep(8); });
export const quick = app.task({ name: "ref.quick" }, function quick(x: any = null) { return x; });
export const later = app.task({ name: "ref.later" }, function later() { return 0; });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 1 }).ready();
  slow.delay(1);
  quick.applyAsync([], { kwargs: { x: 2 } } as any);
  const sentAt = now();
  const c = later.applyAsync([], { countdown: 30 });
  await sleep(0.8);
  const i: any = app.control.inspect();
  const out = { active: i.active().w1[0], reserved: i.reserved().w1[0], scheduled: i.scheduled().w1[0], sentAt };
  c.revoke();
  return out;
}`;

describe("app.control.inspect() replies, as Celery 5.2.6's Request.info() and control.scheduled()", () => {
  const KEYS = ["acknowledged", "args", "delivery_info", "hostname", "id", "kwargs", "name", "time_start", "type", "worker_pid"];

  it("Redis: type, acknowledged under early acks, delivery_info, scheduled priority 6 and ISO eta", async () => {
    const r = await run(inspectScenario("redis"));
    const { active, reserved, scheduled, sentAt } = r.report.returned as any;
    expect(Object.keys(active).sort()).toEqual(KEYS);
    expect(active.type).toBe("ref.slow");
    expect(active.acknowledged).toBe(true); // early acks: acked when the pool accepted it
    expect(active.delivery_info).toEqual({ exchange: "", routing_key: "celery", priority: 0, redelivered: null });
    expect(reserved.type).toBe("ref.quick");
    expect(reserved.acknowledged).toBe(false);
    expect(reserved.kwargs).toEqual({ x: 2 });
    expect(Object.keys(scheduled).sort()).toEqual(["eta", "priority", "request"]);
    expect(scheduled.priority).toBe(6);
    expect(scheduled.request.type).toBe("ref.later");
    expect(scheduled.eta).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(Date.parse(scheduled.eta)).toBeCloseTo(SIM_EPOCH_MS + (sentAt + 30) * 1000, -1);
  });

  // Inferred, not measured: Celery's router drops a None priority, so kombu's Producer.publish sends
  // its default priority=0 as the AMQP property; amqp's basic_deliver always carries redelivered.
  it("RabbitMQ (inferred from celery/kombu source): priority 0, redelivered False", async () => {
    const r = await run(inspectScenario("rabbitmq"));
    const { active } = r.report.returned as any;
    expect(active.delivery_info).toEqual({ exchange: "", routing_key: "celery", priority: 0, redelivered: false });
    expect(active.acknowledged).toBe(true);
  });
});
