/**
 * Signals Celery 5.2.6 sends, where it sends them (issue 18): before/after_task_publish in the
 * publisher, task_received and task_unknown in the worker's main process, worker_process_init in
 * each pool child, worker_ready and worker_shutdown in the main process. Argument names camelCase.
 * Handlers in worker processes report through the shared `redis` (a module variable lives in one process).
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const HEAD = `import { Celery, sleep, redis } from "celery";
const app = new Celery("sig", { broker: "redis" });
export const add = app.task(function add(x: number, y: number) { return x + y; });`;

describe("signals", () => {
  it("before_task_publish and after_task_publish run in the publisher, around the publish, with the message's body, headers, exchange and routing key", async () => {
    const r = await run(`${HEAD}
const seen: unknown[] = [];
export default async function main() {
  app.signals.beforeTaskPublish.connect((a: any) => seen.push(["before", a.sender, a.exchange, a.routingKey, a.headers.id, a.headers.task, a.body[0], a.properties.correlation_id, typeof a.retryPolicy]));
  app.signals.afterTaskPublish.connect((a: any) => seen.push(["after", a.sender, a.exchange, a.routingKey, a.headers.id, a.body[1], "properties" in a]));
  app.worker({ hostname: "w1", concurrency: 1 });
  const res = add.applyAsync([2, 3], { queue: "celery", countdown: 1 });
  await res.get();
  return { id: res.id, seen };
}`);
    const { id, seen } = r.report.returned as { id: string; seen: unknown[] };
    expect(seen).toEqual([
      ["before", "add", "", "celery", id, "add", [2, 3], id, "object"],
      ["after", "add", "", "celery", id, {}, false],
    ]);
  });

  it("task_received runs in the worker's main process once a request is accepted, with the request; not for an expired one", async () => {
    const r = await run(`${HEAD}
const received: unknown[] = [];
app.signals.taskReceived.connect((a: any) => received.push([a.sender, a.request.name, a.request.args, a.request.deliveryInfo.queue]));
export default async function main() {
  const stale = add.applyAsync([7, 7], { expires: 1 });
  await sleep(2);
  app.worker({ hostname: "w1", concurrency: 1 });
  await add.delay(1, 2).get();
  return { received, stale: stale.state };
}`);
    expect(r.report.returned).toEqual({ received: [["w1", "add", [1, 2], "celery"]], stale: "REVOKED" });
  });

  it("an unregistered task: no task-received, message rejected, FAILURE NotRegistered, task-failed, task_unknown (consumer.on_unknown_task)", async () => {
    const r = await run(`${HEAD}
const unknown: unknown[] = [];
app.signals.taskUnknown.connect((a: any) => unknown.push([a.sender, a.name, a.id === res?.id, a.exc.name]));
let res: any;
export default async function main() {
  app.conf.update({ workerSendTaskEvents: true });
  app.worker({ hostname: "w1", concurrency: 1 });
  res = app.sendTask("tasks.nope", [1]);
  let err = "";
  try { await res.get({ timeout: 5 }); } catch (e) { err = (e as Error).name + " " + (e as Error).message; }
  return { unknown, err, state: res.state };
}`);
    expect(r.report.returned).toEqual({ unknown: [["w1", "tasks.nope", true, "NotRegistered"]], err: "NotRegistered 'tasks.nope'", state: "FAILURE" });
    expect(r.events(r.task("tasks.nope").id)).toEqual(["task-sent", "task-failed"]);
    expect(r.report.logs.join("\n")).toContain("Received unregistered task of type 'tasks.nope'.\nThe message has been ignored and discarded.");
    const q = r.report.queues.find((x) => x.name === "celery")!;
    expect([q.depth, q.unacked]).toEqual([0, 0]);
  });

  it("worker_process_init runs in each prefork child at pool start (the child's own module), once in a solo worker", async () => {
    const r = await run(`${HEAD}
let initialised = false;
app.signals.workerProcessInit.connect((a: any) => { initialised = true; void redis.incr("inits"); void redis.rpush("senders", String(a.sender)); });
export const wasInit = app.task(function wasInit() { return initialised; });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 3 }).ready();
  const atStart = await redis.get("inits");
  const inChild = await wasInit.delay().get();
  await app.worker({ hostname: "w2", pool: "solo", queues: ["solo"] }).ready();
  return { atStart, inChild, inMain: initialised, total: await redis.get("inits"), senders: await redis.lrange("senders", 0, -1) };
}`);
    expect(r.report.returned).toEqual({ atStart: "3", inChild: true, inMain: false, total: "4", senders: ["null", "null", "null", "null"] });
  });

  it("worker_ready when the worker consumes; worker_shutdown on a warm shutdown, not on SIGKILL", async () => {
    const r = await run(`${HEAD}
const seen: string[] = [];
app.signals.workerReady.connect((a: any) => seen.push("ready " + a.sender));
app.signals.workerShutdown.connect((a: any) => seen.push("shutdown " + a.sender));
export default async function main() {
  const w1 = app.worker({ hostname: "w1", concurrency: 1 });
  const w2 = app.worker({ hostname: "w2", concurrency: 1 });
  await sleep(1);
  w1.shutdown();
  w2.kill();
  await sleep(1);
  return seen;
}`);
    expect(r.report.returned).toEqual(["ready w1", "ready w2", "shutdown w1"]);
  });
});
