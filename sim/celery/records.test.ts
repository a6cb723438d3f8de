import { describe, expect, it } from "vitest";
import { TaskTable } from "./records";
import { EMPTY_OBJECT, encode } from "./serialization";

describe("TaskTable's columns", () => {
  it("keep each task's fields apart, null apart from 0, across the columns' chunks", () => {
    const t = new TaskTable();
    const n = 9000; // the columns grow by chunks of 4,096 tasks
    for (let i = 0; i < n; i++) {
      const r = t.create(`id-${i}`, `task-${i % 3}`, { args: [i], queue: i % 2 ? "q1" : "q2", ...(i % 5 === 0 ? { parentId: `id-${i - 1}`, rootId: "root", groupId: `g${i}` } : {}) });
      if (i % 4 === 0) r.sentAt = i === 0 ? 0 : i / 7;
      r.retries = i % 11;
      r.ignoreResult = i % 2 === 0;
      r.worker = i % 3 === 0 ? null : `w${i % 3}`;
      if (i % 6 === 0) r.state = "SUCCESS";
    }
    t.addChild("id-0", "id-1");
    t.addChild("id-0", "id-2");
    for (let i = 0; i < n; i++) {
      const r = t.at(i)!;
      expect(r.id).toBe(`id-${i}`);
      expect(r.index).toBe(i);
      expect(r.name).toBe(`task-${i % 3}`);
      expect(r.args).toEqual([i]);
      expect(r.queue).toBe(i % 2 ? "q1" : "q2");
      expect(r.sentAt).toBe(i % 4 === 0 ? (i === 0 ? 0 : i / 7) : null);
      expect(r.receivedAt).toBeNull();
      expect(r.resultExpiresAtS).toBe(Infinity);
      expect(r.retries).toBe(i % 11);
      expect(r.ignoreResult).toBe(i % 2 === 0);
      expect(r.eager).toBe(false);
      expect(r.worker).toBe(i % 3 === 0 ? null : `w${i % 3}`);
      expect(r.state).toBe(i % 6 === 0 ? "SUCCESS" : "PENDING");
      expect(r.eventState).toBe("PENDING");
      expect(r.parentId).toBe(i % 5 === 0 ? `id-${i - 1}` : null);
      expect(r.rootId).toBe(i % 5 === 0 ? "root" : `id-${i}`);
      expect(r.groupId).toBe(i % 5 === 0 ? `g${i}` : null);
      expect(r.children).toEqual(i === 0 ? ["id-1", "id-2"] : []);
      expect(r.traceback).toBeNull();
      expect(r.retriedAs).toBeUndefined();
    }
  });

  it("sets a field back to null, and gives an existing id its record", () => {
    const t = new TaskTable();
    const r = t.create("a", "x");
    r.eta = 3.5;
    r.traceback = "tb";
    r.eta = null;
    r.traceback = null;
    expect(r.eta).toBeNull();
    expect(r.traceback).toBeNull();
    expect(t.create("a", "other")).toBe(r);
    expect(t.get("a")!.name).toBe("x");
  });

  it("keeps counts an Int32Array would keep (past a Uint16's range, negative), eta and expires, across chunks", () => {
    const t = new TaskTable();
    const n = 9000;
    // Tasks 5,000 and 5,200 widen the second chunk of 4,096 tasks; the first and third stay 2 bytes.
    const retries = (i: number) => (i === 5000 ? 70_000 : i === 5200 ? -1 : i % 9);
    for (let i = 0; i < n; i++) {
      const r = t.create(`id-${i}`, "x");
      r.retries = retries(i);
      r.executions = i % 4;
      if (i % 3 === 0) r.eta = i / 3;
      if (i % 7 === 0) r.expires = i + 0.5;
    }
    for (let i = 0; i < n; i++) {
      const r = t.at(i)!;
      expect(r.retries).toBe(retries(i));
      expect(r.executions).toBe(i % 4);
      expect(r.eta).toBe(i % 3 === 0 ? i / 3 : null);
      expect(r.expires).toBe(i % 7 === 0 ? i + 0.5 : null);
    }
  });

  it("finds every record by its id past the index's growth, and no id it was not given", () => {
    const t = new TaskTable();
    const n = 5000; // the index starts at 2,048 slots, half full at most
    // Ids that differ in one character, and some that are not uuids at all.
    const id = (i: number) => (i % 2 ? `5f0c7e2a-${String(i).padStart(4, "0")}-4c1b-9d2e-7a8b9c0d1e2f` : `custom ${i}`);
    for (let i = 0; i < n; i++) t.create(id(i), "x");
    for (let i = 0; i < n; i++) expect(t.get(id(i))?.index).toBe(i);
    expect(t.get(id(n))).toBeUndefined();
    expect(t.get("")).toBeUndefined();
    expect(t.create(id(7), "y").index).toBe(7);
    // Not a string (a chord body without an id): kept apart by ===, as a Map keeps keys.
    const none = t.create(undefined as unknown as string, "y");
    expect(t.get(undefined as unknown as string)).toBe(none);
    expect(t.get("undefined")).toBeUndefined();
  });

  it("gives back each task's own kwargs and result payload, the stored empty kwargs shared", () => {
    const t = new TaskTable();
    const own = { a: 1 };
    const fresh = {};
    const a = t.create("a", "x", { kwargs: own });
    const b = t.create("b", "x", { kwargs: EMPTY_OBJECT });
    const c = t.create("c", "x", { kwargs: fresh });
    const d = t.create("d", "x");
    expect(a.kwargs).toBe(own);
    expect(b.kwargs).toBe(EMPTY_OBJECT);
    expect(c.kwargs).toBe(fresh);
    expect(d.kwargs).toEqual({});
    const payload = encode({ r: 1 }, "json", "r");
    b.resultPayload = payload;
    expect(b.resultPayload).toBe(payload);
    expect(a.resultPayload).toBeNull();
    b.resultPayload = null;
    expect(b.resultPayload).toBeNull();
  });
});
