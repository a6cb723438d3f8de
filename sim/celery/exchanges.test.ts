import { describe, expect, it } from "vitest";
import { Exchanges, topicMatches } from "./exchanges";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

describe("topic matching (RabbitMQ's rules)", () => {
  it.each([
    ["event.*", "event.order", true],
    ["event.*", "event.order.created", false],
    ["event.#", "event.order.created", true],
    ["event.#", "event", true],
    ["#", "", true],
    ["*.created", "order.created", true],
    ["*.created", "created", false],
    ["#.created", "created", true],
    ["a.#.z", "a.b.c.z", true],
    ["a.#.z", "a.z", true],
    ["a.*.z", "a.z", false],
    ["event.order", "event.order", true],
    ["event.order", "event.orders", false],
  ])("%s ~ %s = %s", (p, k, want) => expect(topicMatches(p as string, k as string)).toBe(want));
});

describe("exchange routing", () => {
  const ex = new Exchanges();
  ex.declare("direct", "direct");
  ex.declare("topic", "topic");
  ex.declare("fan", "fanout");
  ex.bind("q1", "direct", "k1");
  ex.bind("q2", "direct", "k2");
  ex.bind("orders", "topic", "event.order.*");
  ex.bind("audit", "topic", "event.#");
  ex.bind("a", "fan", "ignored");
  ex.bind("b", "fan", "");
  it("direct: the binding key equals the routing key", () => expect(ex.route("direct", "k2")).toEqual(["q2"]));
  it("topic: every queue with a matching pattern, once", () => {
    expect(ex.route("topic", "event.order.created")).toEqual(["orders", "audit"]);
    expect(ex.route("topic", "event.user.created")).toEqual(["audit"]);
  });
  it("fanout: every bound queue whatever the key", () => expect(ex.route("fan", "x")).toEqual(["a", "b"]));
  it("the default exchange routes to the queue named by the key", () => expect(ex.route("", "celery")).toEqual(["celery"]));
  it("redeclaring with another type fails as RabbitMQ does", () => expect(() => ex.declare("fan", "direct")).toThrow(/PRECONDITION_FAILED/));
});

const BUS = `
import { Celery, sleep, Reject } from "celery";
const app = new Celery("bus", { broker: "rabbitmq" });
app.conf.update({ taskAcksLate: true });
export const seen: string[] = [];
const handle = app.task({ name: "handle", bind: true }, function handle(self: any, ev: string) {
  seen.push(self.request.deliveryInfo.routingKey + ":" + ev);
  if (ev === "poison") throw new Reject("bad event", { requeue: false });
  return ev;
});
`;

describe("exchanges, dead-letter exchanges, TTL and max length through Celery", () => {
  it("a topic exchange routes event.<type> to the queues whose bindings match", async () => {
    const r = await run(BUS + `
export default async function main() {
  app.broker.declareExchange("events", "topic");
  app.broker.bindQueue("orders", "events", "event.order.*");
  app.broker.bindQueue("audit", "events", "event.#");
  handle.applyAsync(["o1"], { exchange: "events", routingKey: "event.order.created" });
  handle.applyAsync(["u1"], { exchange: "events", routingKey: "event.user.created" });
  app.worker({ hostname: "w1", queues: ["orders", "audit"] });
  await sleep(1);
  return [...seen].sort();
}`);
    expect(r.report.returned).toEqual(["event.order.created:o1", "event.order.created:o1", "event.user.created:u1"]);
    expect(r.tasks("handle").map((t) => t.executions)).toEqual([2, 1]); // one copy per matching queue
  });

  it("a rejected message (requeue false) goes to the queue's dead-letter exchange", async () => {
    const r = await run(BUS + `
export default async function main() {
  app.broker.declareExchange("dlx", "direct");
  app.broker.bindQueue("dead", "dlx", "work");
  app.broker.declareQueue("work", { deadLetterExchange: "dlx" });
  handle.applyAsync(["poison"], { queue: "work" });
  app.worker({ hostname: "w1", queues: ["work"] });
  await sleep(1);
  return app.broker.queues();
}`);
    expect(r.report.returned).toMatchObject({ work: 0, dead: 1 });
    expect(r.trace.find((e) => e.kind === "message-dead-lettered")!.data).toMatchObject({ from: "work", exchange: "dlx", reason: "rejected", queues: ["dead"] });
  });

  it("a message past the queue's TTL is dead-lettered; over max length the oldest goes (drop-head)", async () => {
    const r = await run(BUS + `
export default async function main() {
  app.broker.declareExchange("dlx", "fanout");
  app.broker.bindQueue("expired", "dlx");
  app.broker.declareQueue("ttl", { messageTtlS: 5, deadLetterExchange: "dlx" });
  app.broker.declareQueue("short", { maxLength: 2 });
  handle.applyAsync(["late"], { queue: "ttl" });
  for (const e of ["a", "b", "c"]) handle.applyAsync([e], { queue: "short" });
  await sleep(4.9);
  const before = app.broker.queues();
  await sleep(0.2);
  return { before, after: app.broker.queues() };
}`);
    expect(r.report.returned).toEqual({ before: { expired: 0, ttl: 1, short: 2 }, after: { expired: 1, ttl: 0, short: 2 } });
    const lost = r.trace.filter((e) => e.kind === "message-lost").map((e) => (e.data as { reason: string }).reason);
    expect(lost).toEqual(["queue over max length in 'short' and the queue has no dead-letter exchange"]);
  });
});
