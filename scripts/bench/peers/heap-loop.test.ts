/** The bench's bare heap loop is a real event loop: every event fires once, in (time, seq) order. */
import { describe, expect, it } from "vitest";
import { BareHeap, heapLoopEventsPerS } from "./heap-loop";

describe("the bare heap loop (bench peer)", () => {
  it("fires events in time order, equal times in the order scheduled", () => {
    const loop = new BareHeap();
    const fired: [number, number][] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const atS = x % 50; // many equal times
      loop.schedule(atS, () => fired.push([atS, i]));
    }
    while (loop.step());
    expect(fired).toHaveLength(2000);
    const sorted = [...fired].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(fired).toEqual(sorted);
  });

  it("fires exactly the number of events asked for", () => {
    expect(heapLoopEventsPerS(50_000, 100).events).toBe(50_000);
    expect(heapLoopEventsPerS(50, 100).events).toBe(50);
  });
});
