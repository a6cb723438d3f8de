/**
 * Events as Celery 5.2.6 sends them (issue 18): worker events always (the Events bootstep with
 * heartbeat and gossip on), task events only with -E / worker_send_task_events, task-sent only with
 * task_send_sent_event; the trace records everything either way. task-sent names the exchange and
 * routing key actually used (amqp.send_task_message: a direct queue goes by the default exchange "").
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";

const scenario = (setup: string, worker = `{ hostname: "w1", concurrency: 1 }`) => `import { Celery, sleep } from "celery";
const app = new Celery("ev", { broker: "redis" });
${setup}
export const add = app.task(function add(x: number, y: number) { return x + y; });
const seen: string[] = [];
export default async function main() {
  app.events.on("*", (e) => { if (!seen.includes(e.type)) seen.push(e.type); });
  app.worker(${worker});
  await add.delay(1, 2).get();
  await sleep(3);
  return seen.sort();
}`;

const TASK = ["task-received", "task-started", "task-succeeded"];
const WORKER = ["worker-heartbeat", "worker-online"];

describe("events on and off", () => {
  it("by default a receiver sees worker events only; the trace still has every task event", async () => {
    const r = await run(scenario(""));
    expect(r.report.returned).toEqual(WORKER);
    expect(r.events(r.task("add").id)).toEqual(["task-sent", "task-received", "task-started", "task-succeeded"]);
  });

  it("workerSendTaskEvents (-E): the worker's task events, still no task-sent", async () => {
    const r = await run(scenario(`app.conf.update({ workerSendTaskEvents: true });`));
    expect(r.report.returned).toEqual([...TASK, ...WORKER].sort());
  });

  it("taskSendSentEvent adds task-sent; the worker option taskEvents is -E for one worker", async () => {
    const r = await run(scenario(`app.conf.update({ taskSendSentEvent: true });`, `{ hostname: "w1", concurrency: 1, taskEvents: true }`));
    expect(r.report.returned).toEqual([...TASK, "task-sent", ...WORKER].sort());
    expect(r.report.workers.map((w) => w.taskEvents)).toEqual([true]);
  });

  it("task-sent names the exchange used: '' and the queue by default, the exchange and key when routed through one", async () => {
    const r = await run(`import { Celery } from "celery";
const app = new Celery("ev", { broker: "rabbitmq" });
app.conf.update({ taskSendSentEvent: true });
export const add = app.task(function add(x: number, y: number) { return x + y; });
const sent: unknown[] = [];
export default async function main() {
  app.events.on("task-sent", (e) => sent.push([e.exchange, e.routing_key, e.queue]));
  app.broker.declareExchange("tasks", "topic");
  app.broker.declareQueue("math");
  app.broker.bindQueue("math", "tasks", "math.#");
  app.worker({ hostname: "w1", concurrency: 1, queues: ["celery", "math"] });
  await add.delay(1, 2).get();
  await add.applyAsync([1, 2], { exchange: "tasks", routingKey: "math.add", queue: "math" }).get();
  return sent;
}`);
    expect(r.report.returned).toEqual([["", "celery", "celery"], ["tasks", "math.add", "math"]]);
  });
});
