import { describe, expect, it } from "vitest";
import { Sim } from "../engine/sim";
import { nodeHost } from "../testing/harness";
import { Broker, type Consumer, type Message, type TaskMessage } from "./broker";
import { isPlainBody, NO_SIGS, taskMessage } from "./task-message";
import { decode, encode } from "./serialization";

/** A consumer that holds every message it is given. */
function holder(): Consumer & { got: Message[] } {
  const got: Message[] = [];
  return { name: "c", index: 0, queues: ["b"], connected: true, got, hasCapacity: () => true, deliver: (m) => void got.push(m) };
}

const plainBody = (): TaskMessage => ({ id: "t1", task: "t", args: [], kwargs: {}, payload: encode([[], {}], "json", "t"), retries: 0, eta: null, expires: null, parentId: null, rootId: "t1", groupId: null, groupIndex: null, link: NO_SIGS, linkError: NO_SIGS, chain: NO_SIGS, chord: null, softTimeLimit: null, hardTimeLimit: null, ignoreResult: false, origin: null });
const body = (): TaskMessage => taskMessage(plainBody());

describe("a message's fields kept on its prototype until set", () => {
  it("a dead-lettered then requeued message carries its exchange, routing key and deaths", () => {
    const sim = new Sim(1, nodeHost);
    const broker = new Broker(sim, { transport: "rabbitmq", url: "amqp", visibilityTimeoutS: 3600, persistence: "rdb" });
    broker.declareExchange("dlx", "direct");
    broker.bindQueue("b", "dlx", "b");
    broker.declare("a", { deadLetterExchange: "dlx", deadLetterRoutingKey: "b" });
    const c = holder();
    broker.addConsumer(c);
    const m = broker.newMessage(0, body(), "a", null, true);
    expect(m.deaths).toBe(0);
    expect(m.exchange).toBe("");
    expect(Number.isNaN(m.deliveredAtS)).toBe(true);
    broker.publish(m);
    broker.declare("a", { maxLength: 1 }); // the next publish pushes it out (drop-head): dead-lettered to b
    broker.publish(broker.newMessage(0, body(), "a", null, true));
    expect(c.got.length).toBe(1);
    const dead = c.got[0]!;
    expect(dead.queue).toBe("b");
    expect(dead.deaths).toBe(1);
    expect(dead.exchange).toBe("dlx");
    expect(dead.routingKey).toBe("b");
    broker.reject(dead, true, "requeue");
    const again = c.got[1]!;
    expect(again.tag).not.toBe(dead.tag);
    expect(again.redelivered).toBe(true);
    expect(again.deaths).toBe(1);
    expect(again.exchange).toBe("dlx");
    expect(again.routingKey).toBe("b");
    expect(again.persistent).toBe(true);
    expect(again.body).toBe(dead.body);
  });
});

describe("a compact task message body and payload", () => {
  it("reads the defaults it does not store and keeps what it sets", () => {
    const link = [{ task: "cb", args: [], kwargs: {}, options: {}, immutable: false, subtaskType: null }];
    const b = taskMessage({ ...plainBody(), eta: 4.5, link, origin: "w1" });
    expect(b.eta).toBe(4.5);
    expect(b.link).toBe(link);
    expect(b.origin).toBe("w1");
    expect(b.linkError).toEqual([]);
    expect(b.chord).toBeNull();
    expect(b.parentId).toBeNull();
    expect(Object.keys(b)).toEqual(["id", "task", "args", "kwargs", "payload", "retries", "rootId", "ignoreResult", "eta", "link", "origin"]);
  });

  it("a body with any one rare field set is not plain (kept whole when queued), and one with none is", () => {
    expect(isPlainBody(body())).toBe(true);
    const values: Record<string, unknown> = { eta: 1, expires: 2, parentId: "p", groupId: "g", groupIndex: 0, link: [], linkError: [], chain: [], chord: {}, softTimeLimit: 1, hardTimeLimit: 2, origin: "w1" };
    for (const [k, v] of Object.entries(values)) expect(isPlainBody(taskMessage({ ...plainBody(), [k]: v })), k).toBe(false);
    // Every field a body leaves to its prototype is in that list.
    expect(Object.keys(Object.getPrototypeOf(Object.getPrototypeOf(body()))).sort()).toEqual(Object.keys(values).sort());
  });

  it("a flat [args, kwargs] payload decodes to fresh copies of what was sent", () => {
    const enc = encode([[1, "a"], {}], "json", "t");
    const a = decode(enc) as [unknown[], Record<string, unknown>];
    const b = decode(enc) as [unknown[], Record<string, unknown>];
    expect(a).toEqual([[1, "a"], {}]);
    expect(a[0]).not.toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
    a[1].x = 1; // a receiver's own kwargs: writable, and nobody else's
    expect((decode(enc) as unknown[])[1]).toEqual({});
    expect(enc.sizeBytes).toBe(JSON.stringify([[1, "a"], {}]).length);
    expect(enc.flat).toBe(true);
    expect(enc.text).toBeNull();
  });
});
