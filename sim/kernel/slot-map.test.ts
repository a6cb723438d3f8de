import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SlotMap } from "./slot-map";

type Op = { op: "set"; key: number; value: number } | { op: "delete"; key: number } | { op: "clear" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("set" as const), key: fc.integer({ min: 0, max: 12 }), value: fc.integer() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

describe("SlotMap", () => {
  it("behaves as a Map: same gets, sizes, returns and iteration order after any sequence of sets, deletes and clears", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const want = new Map<number, { v: number }>();
        const got = new SlotMap<{ v: number }>();
        for (const o of ops) {
          if (o.op === "set") {
            const box = { v: o.value };
            want.set(o.key, box);
            expect(got.set(o.key, box)).toBe(got);
          } else if (o.op === "delete") expect(got.delete(o.key)).toBe(want.delete(o.key));
          else {
            want.clear();
            got.clear();
          }
          expect(got.size).toBe(want.size);
          // Insertion order: a re-set key keeps its place, a deleted and re-set one goes last.
          expect(got.values()).toEqual([...want.values()]);
          for (let k = 0; k <= 12; k++) {
            expect(got.has(k)).toBe(want.has(k));
            expect(got.get(k)).toBe(want.get(k));
          }
        }
      }),
    );
  });

  it("lets go of a deleted value: its slot is cleared and reused", () => {
    const m = new SlotMap<object>();
    const a = {}, b = {};
    m.set(1, a);
    m.delete(1);
    m.set(2, b);
    // One slot for the two: the array never held more than one value at a time.
    expect((m as unknown as { slots: unknown[] }).slots).toEqual([b]);
  });
});
