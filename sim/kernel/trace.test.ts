import { describe, expect, it } from "vitest";
import { sharedData, Trace } from "./trace";

describe("Trace", () => {
  it("keeps shared data once, gives it back on every event, and hashes it as the same data unshared", () => {
    const shared = sharedData({ queue: "celery" });
    const a = new Trace();
    const b = new Trace();
    for (let i = 0; i < 70_000; i++) {
      // Across chunk boundaries (32,768 events each), mixed with unshared data and none.
      a.append("message-published", i / 10, i, -1, i + 1, i % 3 === 0 ? { text: `x${i}` } : i % 3 === 1 ? shared : undefined);
      b.append("message-published", i / 10, i, -1, i + 1, i % 3 === 0 ? { text: `x${i}` } : i % 3 === 1 ? { queue: "celery" } : undefined);
    }
    expect(a.hash()).toBe(b.hash());
    for (const i of [0, 1, 2, 32_767, 32_768, 32_769, 69_997, 69_998, 69_999]) {
      const want = i % 3 === 0 ? { text: `x${i}` } : i % 3 === 1 ? { queue: "celery" } : undefined;
      expect(a.get(i).data).toEqual(want);
    }
    expect(a.get(1).data).toBe(shared);
    // Different data, different hash.
    const c = new Trace();
    c.append("message-published", 0, 0, -1, 1, sharedData({ queue: "other" }));
    const d = new Trace();
    d.append("message-published", 0, 0, -1, 1, sharedData({ queue: "celery" }));
    expect(c.hash()).not.toBe(d.hash());
    // Frozen is not shared: only sharedData is stored by reference.
    const e = new Trace();
    const frozen = Object.freeze({ queue: "celery" });
    e.append("message-published", 0, 0, -1, 1, frozen);
    expect(e.get(0).data).toBe(frozen);
    expect(e.hash()).toBe(d.hash());
  });
});
