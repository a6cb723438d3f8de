import { describe, expect, it } from "vitest";
import type { Message, TaskMessage } from "./broker";
import { MessageQueue } from "./message-queue";
import { copyMessage, queuedMessage } from "./queued-message";
import { TaskTable } from "./records";
import { decode, encode } from "./serialization";
import { NO_SIGS, taskMessage } from "./task-message";

/** A task record and its first message's body, as app._send makes them (the record shares args and kwargs with the payload). */
function sent(table: TaskTable, id: string, args: unknown[], extra: Partial<TaskMessage> = {}): { index: number; body: TaskMessage } {
  const payload = encode([args, {}], "json", "t");
  const [a, k] = payload.value as [unknown[], Record<string, unknown>];
  const rec = table.create(id, "add", { args: a, kwargs: k, queue: "celery" });
  const body = taskMessage({ id, task: "add", args: a, kwargs: k, payload, retries: 0, eta: null, expires: null, parentId: null, rootId: id, groupId: null, groupIndex: null, link: NO_SIGS, linkError: NO_SIGS, chain: NO_SIGS, chord: null, softTimeLimit: null, hardTimeLimit: null, ignoreResult: false, origin: null, ...extra });
  return { index: rec.index, body };
}

/** Every field a reader of a message or its body can see, the payload decoded. */
function fields(m: Message): unknown {
  const b = m.body;
  const bodyFields = { id: b.id, task: b.task, args: b.args, kwargs: b.kwargs, retries: b.retries, eta: b.eta, expires: b.expires, parentId: b.parentId, rootId: b.rootId, groupId: b.groupId, groupIndex: b.groupIndex, link: b.link, linkError: b.linkError, chain: b.chain, chord: b.chord, softTimeLimit: b.softTimeLimit, hardTimeLimit: b.hardTimeLimit, ignoreResult: b.ignoreResult, origin: b.origin };
  const payload = { serializer: b.payload.serializer, text: b.payload.text, flat: b.payload.flat, sizeBytes: b.payload.sizeBytes, decoded: decode(b.payload) };
  return { tag: m.tag, taskIndex: m.taskIndex, queue: m.queue, priority: m.priority, redelivered: m.redelivered, persistent: m.persistent, holder: m.holder, deliveredAtS: m.deliveredAtS, acked: m.acked, exchange: m.exchange, routingKey: m.routingKey, deaths: m.deaths, body: bodyFields, payload };
}

describe("a broker queue held in columns", () => {
  it("gives back a plain message equal field for field, a made-again object, in FIFO order across growth", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i), () => false, 0);
    const sentMsgs: Message[] = [];
    for (let i = 0; i < 40; i++) {
      const { index, body } = sent(table, `id-${i}`, [i, `x${i}`], { ignoreResult: i % 3 === 0 });
      const m = queuedMessage(100 + i, index, body, "celery", i % 5 === 0 ? null : i % 10, i % 2 === 0, "celery");
      sentMsgs.push(m);
      if (i % 7 === 0) q.unshift(m);
      else q.push(m);
    }
    const expected = [...sentMsgs.filter((_, i) => i % 7 === 0).reverse(), ...sentMsgs.filter((_, i) => i % 7 !== 0)];
    expect(q.length).toBe(40);
    expect(q.priorityAt(1)).toBe(expected[1]!.priority);
    const got: Message[] = [];
    while (q.length) got.push(q.shift()!);
    expect(got.map(fields)).toEqual(expected.map(fields));
    // Made again: not the objects queued (which nothing else holds), and args shared with the record.
    expect(got.filter((m, i) => m === expected[i]).length).toBe(0);
    expect(got[0]!.body.args).toBe(table.at(got[0]!.taskIndex)!.args);
  });

  it("keeps every other message as the object it is", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i), () => false, 0);
    const retry = sent(table, "r", [1], { retries: 1 });
    const child = sent(table, "c", [2], { parentId: "p", rootId: "p" });
    const eta = sent(table, "e", [3], { eta: 5 });
    const plain = sent(table, "p", [4]);
    const redelivered = copyMessage(queuedMessage(1, plain.index, plain.body, "celery", null, true, "celery"), { redelivered: true });
    const otherKey = queuedMessage(2, plain.index, plain.body, "celery", null, true, "key");
    const odd = queuedMessage(3, plain.index, plain.body, "celery", 1.5, true, "celery");
    const msgs = [queuedMessage(4, retry.index, retry.body, "celery", null, true, "celery"), queuedMessage(5, child.index, child.body, "celery", null, true, "celery"), queuedMessage(6, eta.index, eta.body, "celery", null, true, "celery"), redelivered, otherKey, odd];
    for (const m of msgs) q.push(m);
    expect(q.toArray()).toEqual(msgs);
    for (const m of msgs) expect(q.shift()).toBe(m);
  });

  it("keeps objects and numbers side by side across growth and wrap-around", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i), () => false, 0);
    const want: Message[] = [];
    for (let i = 0; i < 100; i++) {
      const { index, body } = sent(table, `m-${i}`, [i], i % 3 === 0 ? { retries: 2 } : {});
      const m = queuedMessage(i + 1, index, body, "celery", null, true, "celery");
      q.push(m);
      want.push(m);
      if (i % 4 === 3) expect(fields(q.shift()!)).toEqual(fields(want.shift()!)); // the head moves: the ring wraps
    }
    while (q.length) {
      const m = want.shift()!;
      const got = q.shift()!;
      expect(fields(got)).toEqual(fields(m));
      if (m.body.retries) expect(got).toBe(m);
    }
  });

  it("without a task table (or while identity matters) queues objects", () => {
    const table = new TaskTable();
    const { index, body } = sent(table, "a", [1]);
    const m = queuedMessage(1, index, body, "celery", null, true, "celery");
    const noTable = new MessageQueue("celery", null);
    noTable.push(m);
    expect(noTable.shift()).toBe(m);
    const timed = new MessageQueue("celery", (i) => table.at(i), () => true, 0);
    timed.push(m);
    expect(timed.remove((x) => x === m)).toBe(m);
  });

  it("holds objects while it is short (from the 256th message on, numbers)", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i));
    const { index, body } = sent(table, "a", [1]);
    const msgs = Array.from({ length: 300 }, (_, i) => queuedMessage(i + 1, index, body, "celery", null, true, "celery"));
    for (const m of msgs) q.push(m);
    const got = q.toArray();
    expect(got.filter((m, i) => m === msgs[i]).length).toBe(256);
    expect(got.map(fields)).toEqual(msgs.map(fields));
  });

  it("turns the objects it took while short into numbers once 512 long, keeping those that must stay objects", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i));
    const { index, body } = sent(table, "a", [1]);
    // Every 50th is a redelivery: never plain, so it stays the object it is (and keeps the column).
    const msgs = Array.from({ length: 600 }, (_, i) => {
      const m = queuedMessage(i + 1, index, body, "celery", null, true, "celery");
      return i % 50 === 7 ? copyMessage(m, { redelivered: true }) : m;
    });
    const objects = (x: MessageQueue) => (x as unknown as { objects: unknown[] | null }).objects;
    for (const m of msgs.slice(0, 511)) q.push(m);
    expect(q.toArray().filter((m, i) => m === msgs[i]).length).toBe(256 + msgs.slice(256, 511).filter((m) => m.redelivered).length); // the first 256, and the redeliveries after them
    q.push(msgs[511]!);
    for (const m of msgs.slice(512)) q.push(m);
    const got = q.toArray();
    expect(got.filter((m, i) => m === msgs[i]).map((m) => m.tag)).toEqual(msgs.filter((m) => m.redelivered).map((m) => m.tag));
    expect(got.map(fields)).toEqual(msgs.map(fields));
    expect(objects(q)).not.toBeNull();
    // Without a redelivery among them, the column goes.
    const plain = new MessageQueue("celery", (i) => table.at(i));
    for (let i = 0; i < 512; i++) plain.push(queuedMessage(i + 1, index, body, "celery", null, true, "celery"));
    expect(objects(plain)).toBeNull();
    expect(plain.toArray().map((m) => m.tag)).toEqual(Array.from({ length: 512 }, (_, i) => i + 1));
  });

  it("gives back its columns once drained after a burst", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i), () => false, 0);
    const { index, body } = sent(table, "a", [1]);
    for (let i = 0; i < 5000; i++) q.push(queuedMessage(i + 1, index, body, "celery", null, true, "celery"));
    const bytes = (x: MessageQueue) => (x as unknown as { tags: Int32Array }).tags.length;
    expect(bytes(q)).toBe(8192);
    while (q.length) q.shift();
    expect(bytes(q)).toBe(16);
  });

  it("gives back half its columns when a quarter full, in FIFO order, objects and numbers alike", () => {
    const table = new TaskTable();
    const q = new MessageQueue("celery", (i) => table.at(i), () => false, 0);
    const { index, body } = sent(table, "a", [1]);
    const slots = (x: MessageQueue) => (x as unknown as { tags: Int32Array }).tags.length;
    // Every 7th message is kept as an object (redelivered), the rest as numbers; unshifts and pushes
    // while draining move the head around the ring.
    const made = (tag: number) => (tag % 7 === 0 ? copyMessage(queuedMessage(tag, index, body, "celery", null, true, "celery"), { redelivered: true }) : queuedMessage(tag, index, body, "celery", null, true, "celery"));
    const want: Message[] = [];
    for (let tag = 1; tag <= 20_000; tag++) {
      const m = made(tag);
      q.push(m);
      want.push(m);
    }
    expect(slots(q)).toBe(32_768);
    const sizes = new Set<number>();
    let tag = 20_001;
    while (q.length) {
      const m = q.shift()!;
      const w = want.shift()!;
      expect(fields(m)).toEqual(fields(w));
      if (w.redelivered) expect(m).toBe(w);
      if (q.length % 1000 === 3 && tag < 20_100) {
        const back = made(tag++);
        q.unshift(back);
        want.unshift(back);
      }
      sizes.add(slots(q));
      if (q.length > 0) expect(slots(q)).toBeLessThanOrEqual(Math.max(2048, 4 * q.length));
    }
    expect([...sizes].sort((a, b) => b - a)).toEqual([32_768, 16_384, 8192, 4096, 2048, 16]);
  });
});
