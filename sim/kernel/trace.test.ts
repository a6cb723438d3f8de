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

  it("gives back every time and num exactly, across chunks: runs of equal times, nums that are not int32s", () => {
    const t = new Trace();
    const odd = [NaN, -0, 0, 1.5, 2 ** 40, -(2 ** 31), -(2 ** 31) + 1, 2 ** 31 - 1, 2 ** 31, -1, Infinity, -Infinity, 1e-300];
    const times: number[] = [];
    const nums: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      // Runs of 1 to 4 equal times, a -0 after a 0 (a run of its own), and fractions.
      const at = i % 1000 === 1 ? -0 : Math.floor(i / (1 + (i % 4))) / 7;
      const num = i % 5 === 0 ? odd[(i / 5) % odd.length]! : i;
      times.push(at);
      nums.push(num);
      t.append("note", at, i, i % 3, num);
    }
    for (let i = 0; i < 100_000; i++) {
      const ev = t.get(i);
      if (!Object.is(ev.atS, times[i]) || !Object.is(t.timeAt(i), times[i]) || !Object.is(ev.num, nums[i])) throw new Error(`event ${i}: ${ev.atS} ${ev.num}, want ${times[i]} ${nums[i]}`);
      expect(ev.task).toBe(i);
    }
    // The hash is of the values appended (a trace built the same way hashes alike; one num's bits apart, not).
    const again = new Trace();
    const other = new Trace();
    for (let i = 0; i < 100_000; i++) {
      again.append("note", times[i]!, i, i % 3, nums[i]!);
      other.append("note", times[i]!, i, i % 3, i === 5 ? 0 : nums[i]!);
    }
    expect(again.hash()).toBe(t.hash());
    expect(other.hash()).not.toBe(t.hash());
  });

  it("gives back worker indexes an Int16Array keeps, and more than 255 shared data in a chunk", () => {
    const t = new Trace();
    const workers = [-1, 0, 127, -128, 128, 300, 32_767, -32_768];
    const shares = Array.from({ length: 300 }, (_, k) => sharedData({ queue: `q${k}` }));
    for (let i = 0; i < 40_000; i++) {
      // The first chunk meets a wide worker index and a 256th shared object half-way; the second does not.
      const wide = i >= 1000 && i < 32_768;
      t.append("message-published", i, i, wide ? workers[i % workers.length]! : i % 2 ? -1 : 5, i, shares[wide ? i % 300 : i % 7]!);
    }
    for (let i = 0; i < 40_000; i++) {
      const wide = i >= 1000 && i < 32_768;
      const ev = t.get(i);
      if (ev.worker !== (wide ? workers[i % workers.length]! : i % 2 ? -1 : 5)) throw new Error(`event ${i}: worker ${ev.worker}`);
      if (ev.data !== shares[wide ? i % 300 : i % 7]) throw new Error(`event ${i}: data ${JSON.stringify(ev.data)}`);
    }
  });

  it("gives back every task index, the 2-byte offsets and the chunks that outgrow them alike", () => {
    // Chunk 1: tasks near its first (offsets), with -1s, and one far below its base half-way (widened
    // mid-chunk). Chunk 2: no task until late, then tasks that reach 65,534 past its base and one past
    // it. Chunk 3: only -1. Chunk 4: large indexes and a fraction, a -2 and a NaN (kept as Int32 did).
    const CH = 32_768;
    const want: number[] = [];
    for (let i = 0; i < 4 * CH; i++) {
      const off = i % CH;
      const chunk = Math.floor(i / CH);
      let task: number;
      if (chunk === 0) task = off === 20_000 ? 3 : off % 3 === 0 ? -1 : 50_000 + (off % 5000) - 2000;
      else if (chunk === 1) task = off < 100 ? -1 : off === 30_000 ? 200_000 + 0x3fff + 0xffff : 200_000 + (off % 40_000);
      else if (chunk === 2) task = -1;
      else task = off === 10 ? 1.5 : off === 11 ? -2 : off === 12 ? NaN : 2 ** 31 - 1 - (off % 7);
      want.push(Object.is(task, NaN) ? 0 : task === 1.5 ? 1 : task);
    }
    const t = new Trace();
    for (let i = 0; i < want.length; i++) {
      const off = i % CH;
      const chunk = Math.floor(i / CH);
      t.append("note", i, chunk === 3 && off === 10 ? 1.5 : chunk === 3 && off === 12 ? NaN : want[i]!, -1, 0);
    }
    for (let i = 0; i < want.length; i++) {
      if (t.taskAt(i) !== want[i] || t.get(i).task !== want[i]) throw new Error(`event ${i}: task ${t.taskAt(i)}, want ${want[i]}`);
    }
  });

  it("gives back nums kept in 2 bytes (small, NaN, near the chunk's base) and those of chunks that outgrow them", () => {
    // Chunk 1 stays 2 bytes: small nums, NaNs, and tag-like nums from 100,000 on (a little below the
    // first ones too). Chunk 2 widens after using both frames (a num past its frame); chunk 3 on a
    // negative; chunk 4 on a fraction (to float64s at once); chunk 5 on 0x7fff itself, the NaN code;
    // chunk 6 widens to int32s on a large num, then to float64s on -0 (its NaNs and ints carried over).
    const CH = 32_768;
    const numFor = (i: number): number => {
      const off = i % CH;
      const chunk = Math.floor(i / CH);
      if (off === 1000 && chunk === 1) return 300_000_000;
      if (off === 1000 && chunk === 2) return -5;
      if (off === 1000 && chunk === 3) return 0.25;
      if (off === 1000 && chunk === 4) return 0x7fff;
      if (off === 1000 && chunk === 5) return 300_000_000;
      if (off === 2000 && chunk === 5) return -0;
      return off % 7 === 0 ? NaN : off % 3 === 0 ? off % 100 : 100_000 * (chunk + 1) + (off % 20_000) - (off % 11 === 0 ? 5000 : 0);
    };
    const t = new Trace();
    for (let i = 0; i < 6 * CH; i++) t.append("note", i, i, -1, numFor(i));
    for (let i = 0; i < 6 * CH; i++) {
      if (!Object.is(t.get(i).num, numFor(i))) throw new Error(`event ${i}: num ${t.get(i).num}, want ${numFor(i)}`);
    }
    // The hash is the same however the nums are held: a trace of the same events hashes alike.
    const again = new Trace();
    for (let i = 0; i < 6 * CH; i++) again.append("note", i, i, -1, numFor(i));
    expect(again.hash()).toBe(t.hash());
    expect((t as unknown as { chunks: { nums: ArrayLike<number> }[] }).chunks.map((c) => c.nums.constructor.name)).toEqual(["Uint16Array", "Int32Array", "Int32Array", "Float64Array", "Int32Array", "Float64Array"]);
  });
});
