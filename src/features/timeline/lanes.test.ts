import { describe, expect, it } from "vitest";
import type { WorkerView } from "../../workers/protocol";
import { axisEndS, layoutLanes, ticks } from "./lanes";

const worker = (index: number, hostname: string, concurrency: number): WorkerView => ({
  index, hostname, status: "online", concurrency, queues: ["celery"], active: 0, reserved: 0, scheduled: 0, processed: 0, prefetchCount: 4, lastHeartbeatS: null, pids: [], taskEvents: false,
});

describe("timeline lanes", () => {
  it("gives each pool slot a lane, in worker order, and lanes to executions of workers no longer listed", () => {
    const { lanes, offset } = layoutLanes([worker(1, "w2", 1), worker(0, "w1", 2)], new Map([[0, 3], [5, 1]]));
    expect(lanes.map((l) => l.label)).toEqual(["w1 #0", "w1 #1", "w1 #2", "w2 #0", "worker 5 #0"]);
    expect([...offset]).toEqual([[0, 0], [1, 3], [5, 4]]);
  });

  it("grows the axis in 1-2-5 steps, so bars keep their place between frames", () => {
    expect([0, 0.4, 1, 1.01, 2, 2.5, 7, 10, 11, 49, 51, 999].map(axisEndS)).toEqual([1, 1, 1, 2, 2, 5, 10, 10, 20, 50, 100, 1000]);
    for (let t = 0; t < 5000; t += 7.3) {
      expect(axisEndS(t)).toBeGreaterThanOrEqual(t);
      expect(axisEndS(t)).toBeLessThanOrEqual(Math.max(1, t) * 2.5);
    }
  });

  it("puts about five round ticks on the axis", () => {
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(ticks(0)).toEqual([0]);
  });
});
