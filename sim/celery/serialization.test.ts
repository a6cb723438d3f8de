/**
 * Serialization at every boundary (issue 17): what crosses from the caller to a worker, and from the
 * backend to get(), is a copy; JSON refuses what it cannot encode at the call site; a worker refuses
 * content outside acceptContent as Celery's Consumer.on_invalid_task does.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { decode, encode } from "./serialization";
import { EncodeError } from "./errors";

describe("encode / decode (kombu's json and, here, pickle = structured clone)", () => {
  it("JSON: Date → ISO string, undefined → null in arrays and gone from objects, toJSON used", () => {
    const d = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const enc = encode([d, undefined, { a: undefined, b: 1 }, { toJSON: () => "custom" }], "json", "t");
    expect(decode(enc)).toEqual(["2026-01-02T03:04:05.000Z", null, { b: 1 }, "custom"]);
    expect(enc.sizeBytes).toBe(JSON.stringify(decode(enc)).length);
  });

  it("JSON refuses a class instance, Map, Set, BigInt, a function and a cycle with EncodeError", () => {
    class Order {
      constructor(readonly id: number) {}
    }
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    for (const bad of [new Order(1), new Map(), new Set(), 1n, () => 1, cyc]) {
      expect(() => encode([bad], "json", "t.apply_async()")).toThrow(EncodeError);
    }
    expect(() => encode([{ order: new Order(1) }], "json", "t")).toThrow(/Object of type Order is not JSON serializable \(at \[0\]\.order\)/);
  });

  it("pickle keeps Map, Date and BigInt, drops a class's prototype, refuses a function", () => {
    class Order {
      constructor(readonly id: number) {}
    }
    const v = decode(encode([new Map([["k", 1]]), new Date(0), 5n, new Order(7)], "pickle", "t")) as unknown[];
    expect(v[0]).toBeInstanceOf(Map);
    expect(v[1]).toBeInstanceOf(Date);
    expect(v[2]).toBe(5n);
    expect(v[3]).toEqual({ id: 7 });
    expect(v[3]).not.toBeInstanceOf(Order);
    expect(() => encode([() => 1], "pickle", "t")).toThrow(EncodeError);
  });

  it("every decode is a fresh copy (flat payloads too)", () => {
    for (const value of [[[1, "a"], { k: 2 }], [[{ deep: { er: [1] } }], {}]]) {
      const enc = encode(value, "json", "t");
      const a = decode(enc) as unknown[];
      const b = decode(enc) as unknown[];
      expect(a).toEqual(value);
      expect(a).not.toBe(b);
      expect(a[0]).not.toBe(b[0]);
    }
  });
});

const HEAD = `import { Celery, sleep, EncodeError } from "celery";
const app = new Celery("ser", { broker: "redis" });`;

describe("serialization in a run", () => {
  it("a class instance passed to delay() raises EncodeError at the caller, before anything is published", async () => {
    const r = await run(`${HEAD}
class Order { constructor(public id: number) {} }
export const place = app.task(function place(o: unknown) { return o; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  try { place.delay(new Order(1)); return "sent"; } catch (e) { return (e instanceof EncodeError) + ": " + (e as Error).message; }
}`);
    expect(r.report.returned).toBe("true: place.apply_async(): Object of type Order is not JSON serializable (at [0][0])");
    expect(r.report.tasks).toEqual([]);
    expect(r.trace.filter((e) => e.kind === "task-sent" || e.kind === "message-published")).toEqual([]);
  });

  it("a task mutating its argument does not change the caller's object; each get() is a fresh copy", async () => {
    const r = await run(`${HEAD}
export const touch = app.task(function touch(o: { n: number; tags: string[] }) { o.n += 1; o.tags.push("worker"); return o; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  const mine = { n: 1, tags: ["caller"] };
  const res = touch.delay(mine);
  const a = (await res.get()) as any;
  const b = (await res.get()) as any;
  a.tags.push("mutated by main");
  return { mine, b, same: a === b, sameResultProp: res.result === res.result };
}`);
    expect(r.report.returned).toEqual({ mine: { n: 1, tags: ["caller"] }, b: { n: 2, tags: ["caller", "worker"] }, same: false, sameResultProp: false });
  });

  it("the encoded size of each message and result is in the trace", async () => {
    const r = await run(`${HEAD}
export const echo = app.task(function echo(s: string) { return s + "!"; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  await echo.delay("héllo").get();
}`);
    const sent = r.trace.find((e) => e.kind === "task-sent")!;
    expect((sent.data as { bytes: number }).bytes).toBe(Buffer.byteLength(JSON.stringify([["héllo"], {}])));
    const stored = r.trace.find((e) => e.kind === "task-state")!;
    expect(stored.num).toBe(Buffer.byteLength(JSON.stringify("héllo!")));
  });

  it("a result JSON cannot encode fails the task with EncodeError (trace.py: mark_as_done → on_error)", async () => {
    const r = await run(`${HEAD}
export const bad = app.task(function bad() { return new Map([["a", 1]]); });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  try { await bad.delay().get(); return "ok"; } catch (e) { return (e as Error).name; }
}`);
    expect(r.report.returned).toBe("EncodeError");
    expect(r.task("bad").state).toBe("FAILURE");
  });

  it("pickle content refused by a worker accepting only json: logged, rejected without requeue, task_rejected sent, result PENDING", async () => {
    const r = await run(`${HEAD}
const rejected: string[] = [];
app.signals.taskRejected.connect((a: any) => { rejected.push(a.message.id); });
export const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.conf.update({ taskSerializer: "pickle" });
  app.worker({ hostname: "w1", concurrency: 1 });
  const res = add.delay(1, 2);
  await sleep(5);
  return { state: res.state, rejected: rejected.length };
}`);
    expect(r.report.returned).toEqual({ state: "PENDING", rejected: 1 });
    expect(r.report.logs.join("\n")).toContain("Received invalid task message: ContentDisallowed('Refusing to deserialize untrusted content of type pickle (application/x-python-serialize)')");
    expect(r.trace.some((e) => e.kind === "task-received")).toBe(false);
    expect(r.trace.filter((e) => e.kind === "message-lost").length).toBe(1);
    const q = r.report.queues.find((x) => x.name === "celery")!;
    expect([q.depth, q.unacked]).toEqual([0, 0]);
  });

  it("with acceptContent ['json', 'pickle'] the same pickle message runs, and a Map survives", async () => {
    // The worker's setting is the module's (a worker never runs main); the serializer is the client's.
    const r = await run(`${HEAD}
app.conf.update({ acceptContent: ["json", "pickle"] });
export const size = app.task(function size(m: Map<string, number>) { return m instanceof Map ? m.size : -1; });
export default async function main() {
  app.conf.update({ taskSerializer: "pickle" });
  app.worker({ hostname: "w1", concurrency: 1 });
  return await size.delay(new Map([["a", 1], ["b", 2]])).get();
}`);
    expect(r.report.returned).toBe(2);
  });
});

describe("the size of a flat payload", () => {
  it("is the UTF-8 length of its JSON text, computed without writing it", async () => {
    const { encode } = await import("./serialization");
    const values: unknown[] = [
      [[], {}], [[0, 9, 10, 99, 100, 999_999_999, 1e9, -1, 0.5, 1e21, -0.25e-7], {}], [["a", "é", "😀", 'q"\\\n'], { k: 1, "é": "x", 'a"b': [true, false, null] }],
      [[{ a: 1, b: [2, 3] }], { nested: { x: "y" } }], 7, "text", null, true,
    ];
    for (const v of values) expect(encode(v, "json", "t").sizeBytes, JSON.stringify(v)).toBe(Buffer.byteLength(JSON.stringify(v), "utf8"));
  });
});
