import { describe, expect, it } from "vitest";
import type { Frame, TaskView, TraceEvent } from "../workers/protocol";
import { emptyRun, MAX_LOGS, nextCursor, foldFrameInPlace, selectTasks } from "./run-store";
import { addEvents, emptyTimeline } from "./timeline";

function task(index: number, over: Partial<TaskView> = {}): TaskView {
  return {
    index, id: `id-${index}`, name: "flaky", state: "PENDING", eventState: "PENDING", args: [], kwargs: {},
    result: null, exception: null, retries: 0, executions: 0, worker: null, queue: "celery",
    sentAt: 0, receivedAt: null, startedAt: null, finishedAt: null, runtime: null, eta: null, expires: null,
    parentId: null, rootId: `id-${index}`, groupId: null, children: [], lostReason: null, eager: false, ...over,
  };
}

let seq = 0;
function ev(kind: TraceEvent["kind"], atS: number, t = -1, w = -1, data?: unknown): TraceEvent {
  const e: TraceEvent = { i: seq++, kind, atS, task: t, worker: w, num: NaN };
  if (data !== undefined) e.data = data;
  return e;
}

function frame(over: Partial<Frame> = {}): Frame {
  const events = over.events ?? [];
  return {
    nowS: 0, done: false, endReason: "running", endMessage: "", traceLength: events.length, traceHash: "h",
    events, truncated: false, tasks: [], taskPatches: [], workers: [], queues: [], logs: [], stateCounts: {}, returned: undefined,
    error: null, ...over,
  };
}

describe("foldFrameInPlace", () => {
  it("keys tasks by index and replaces changed ones", () => {
    let v = emptyRun();
    v = foldFrameInPlace(v, frame({ tasks: [task(0), task(1)] }));
    v = foldFrameInPlace(v, frame({ tasks: [task(1, { state: "SUCCESS", eventState: "SUCCESS" })] }));
    expect(v.tasks.size).toBe(2);
    expect(v.tasks.get(1)!.state).toBe("SUCCESS");
    expect(v.version).toBe(2);
  });

  it("keeps per-name task and failure counts as tasks change state", () => {
    let v = emptyRun();
    v = foldFrameInPlace(v, frame({ tasks: [task(0), task(1), task(2, { name: "add" })] }));
    v = foldFrameInPlace(v, frame({ tasks: [task(0, { eventState: "FAILURE" }), task(1, { eventState: "FAILURE" })] }));
    expect(v.byName.get("flaky")).toEqual({ tasks: 2, failed: 2 });
    // A retried failure leaves FAILURE (and a repeated FAILURE view is not counted twice).
    v = foldFrameInPlace(v, frame({ tasks: [task(0, { eventState: "RETRY" }), task(1, { eventState: "FAILURE" })] }));
    expect(v.byName.get("flaky")).toEqual({ tasks: 2, failed: 1 });
    expect(v.byName.get("add")).toEqual({ tasks: 1, failed: 0 });
    // Equal to a recount over the tasks.
    const recount = [...v.tasks.values()].filter((t) => t.name === "flaky" && t.eventState === "FAILURE").length;
    expect(v.byName.get("flaky")!.failed).toBe(recount);
  });

  it("advances the cursor past the events of a truncated frame, else to the trace length", () => {
    seq = 0;
    const evs = [ev("task-sent", 0, 0), ev("task-received", 0, 0)];
    expect(nextCursor(10, frame({ events: evs, truncated: true, traceLength: 100 }))).toBe(12);
    expect(nextCursor(10, frame({ events: evs, truncated: false, traceLength: 12 }))).toBe(12);
    let v = foldFrameInPlace(emptyRun(), frame({ events: evs, truncated: true, traceLength: 50 }), 0);
    expect(v.cursor).toBe(2);
    v = foldFrameInPlace(v, frame({ events: [], traceLength: 50 }), 2);
    expect(v.cursor).toBe(50);
  });

  it("appends logs and keeps only the newest MAX_LOGS", () => {
    let v = emptyRun();
    const many = Array.from({ length: MAX_LOGS + 10 }, (_, i) => ({ atS: i, level: "log" as const, text: `l${i}`, source: "main" }));
    v = foldFrameInPlace(v, frame({ logs: many.slice(0, 20) }));
    v = foldFrameInPlace(v, frame({ logs: many.slice(20) }));
    expect(v.logs.length).toBe(MAX_LOGS);
    expect(v.logsDropped).toBe(10);
    expect(v.logs.at(-1)!.text).toBe(`l${MAX_LOGS + 9}`);
  });

  it("does not double-fold events it has already seen", () => {
    seq = 0;
    const evs = [ev("task-started", 1, 0, 0), ev("task-succeeded", 2, 0, 0)];
    let v = foldFrameInPlace(emptyRun(), frame({ events: evs }), 0);
    v = foldFrameInPlace(v, frame({ events: evs }), 0);
    expect(v.timeline.bars.length).toBe(1);
  });

  it("computes queue rates over simulated time", () => {
    let v = emptyRun();
    const q = (published: number, acked: number) => ({ name: "celery", depth: 0, unacked: 0, published, delivered: acked, acked });
    v = foldFrameInPlace(v, frame({ nowS: 0, queues: [q(0, 0)] }));
    v = foldFrameInPlace(v, frame({ nowS: 2, queues: [q(10, 4)] }));
    expect(v.rates.get("celery")).toEqual({ inPerS: 5, outPerS: 2 });
  });

  it("copies the end state", () => {
    const v = foldFrameInPlace(emptyRun(), frame({ nowS: 4.5, done: true, endReason: "completed", traceHash: "abc", returned: 7 }));
    expect([v.nowS, v.done, v.endReason, v.traceHash, v.returned]).toEqual([4.5, true, "completed", "abc", 7]);
  });
});

describe("timeline", () => {
  it("opens a bar per execution in the first free slot and closes it by outcome", () => {
    seq = 0;
    const m = addEvents(emptyTimeline(), [
      ev("task-started", 0, 0, 0),
      ev("task-started", 0, 1, 0),
      ev("task-retried", 1, 0, 0),
      ev("task-started", 2, 0, 0),
      ev("task-succeeded", 3, 1, 0),
    ]);
    expect(m.bars.map((b) => [b.task, b.slot, b.outcome])).toEqual([
      [0, 0, "retry"],
      [1, 1, "success"],
      [0, 0, "running"],
    ]);
    expect(m.slots.get(0)).toBe(2);
  });

  it("marks kills, lost children and redeliveries", () => {
    seq = 0;
    const m = addEvents(emptyTimeline(), [
      ev("task-started", 0, 0, 0),
      ev("task-started", 0, 1, 1),
      ev("worker-killed", 1, -1, 0),
      ev("worker-lost", 1.5, 1, 1),
      ev("message-delivered", 2, 0, 1, { tag: 1, redelivered: true }),
      ev("message-delivered", 2, 2, 1, { tag: 2, redelivered: false }),
    ]);
    expect(m.bars.map((b) => b.outcome)).toEqual(["killed", "lost"]);
    expect(m.markers.map((k) => k.kind)).toEqual(["kill", "lost", "redelivery"]);
  });
});

describe("selectTasks", () => {
  it("filters by state and by name or id prefix, newest first", () => {
    let v = emptyRun();
    v = foldFrameInPlace(v, frame({ tasks: [task(0), task(1, { name: "add", eventState: "SUCCESS" }), task(2, { eventState: "SUCCESS" })] }));
    expect(selectTasks(v, { state: "SUCCESS", name: "" }).rows.map((t) => t.index)).toEqual([2, 1]);
    expect(selectTasks(v, { state: "", name: "ADD" }).rows.map((t) => t.index)).toEqual([1]);
    expect(selectTasks(v, { state: "", name: "id-0" }).rows.map((t) => t.index)).toEqual([0]);
    expect(selectTasks(v, { state: "", name: "" }, 1)).toMatchObject({ matched: 3 });
  });

  it("returns a window of the matches from an offset, and an update keeps a task's place", () => {
    let v = emptyRun();
    v = foldFrameInPlace(v, frame({ tasks: [0, 1, 2, 3, 4].map((i) => task(i, { eventState: i % 2 ? "SUCCESS" : "PENDING" })) }));
    v = foldFrameInPlace(v, frame({ tasks: [task(1, { eventState: "FAILURE" }), task(5)] }));
    expect(selectTasks(v, { state: "", name: "" }, 2, 1).rows.map((t) => t.index)).toEqual([4, 3]);
    expect(selectTasks(v, { state: "", name: "" }, 10, 4).rows.map((t) => [t.index, t.eventState])).toEqual([[1, "FAILURE"], [0, "PENDING"]]);
    expect(selectTasks(v, { state: "PENDING", name: "" }, 2, 1)).toEqual({ rows: [v.tasks.get(4), v.tasks.get(2)], matched: 4 });
    expect(selectTasks(v, { state: "", name: "" }, 10, 9).rows).toEqual([]);
  });
});

describe("frames from a real session", () => {
  it("show a task whole in the frame of its first event and as a patch after; folded, they equal the report", async () => {
    const { compile, nodeHost } = await import("../../sim/testing/harness");
    const { createSession } = await import("../../sim/engine/session");
    const code = await compile(`import { Celery, sleep } from "celery";
const app = new Celery("f", { broker: "redis" });
const job = app.task({ bind: true, maxRetries: 2 }, async function job(self: any, i: number) {
  await sleep(0.1 + (i % 3) * 0.2);
  if (i % 4 === 0 && self.request.retries < 1) throw self.retry({ countdown: 0.5 });
  return i * 2;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 3 });
  for (let i = 0; i < 12; i++) job.delay(i);
}`);
    const s = await createSession(code, { seed: 3, host: nodeHost });
    let v = emptyRun();
    let patches = 0;
    // Frames as a run goes on: a task's whole view is its state then, its patches what changed later.
    while (!v.done || v.cursor < s.traceLength) {
      await s.advance({ maxEvents: 9 });
      const f = s.frame(v.cursor, 23);
      patches += f.taskPatches.length;
      for (const p of f.taskPatches) expect(p).not.toHaveProperty("id");
      v = foldFrameInPlace(v, f, v.cursor);
    }
    expect(patches).toBeGreaterThan(12);
    const report = s.report({ events: false });
    expect([...v.tasks.values()].sort((a, b) => a.index - b.index)).toEqual(report.tasks);
    const failed = report.tasks.filter((t) => t.eventState === "FAILURE").length;
    expect(v.byName.get("job")).toEqual({ tasks: report.tasks.length, failed });
  });

  it("refuses a patch for a task it never saw whole", () => {
    const patch = { ...task(7), id: undefined } as unknown as TaskView;
    expect(() => foldFrameInPlace(emptyRun(), frame({ taskPatches: [patch] }), 0)).toThrow(/unknown task 7/);
  });
});
