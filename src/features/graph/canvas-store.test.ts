import { describe, expect, it } from "vitest";
import { createCanvasStore, MAX_CANVASES } from "./canvas-store";
import type { Frame, TaskView } from "../../workers/protocol";

type Listener = (frame: Frame, fromTrace: number, fresh: boolean) => void;

function source() {
  let listener: Listener | null = null;
  return {
    onFrame(fn: Listener) {
      listener = fn;
      return () => (listener = null);
    },
    send(frame: Partial<Frame>, from: number) {
      listener!({ events: [], tasks: [], taskPatches: [], workers: [], queues: [], logs: [], nowS: 0, done: false, truncated: false, traceLength: 0, ...frame } as Frame, from, false);
    },
  };
}

const view = (index: number, id: string, eventState = "PENDING") => ({ index, id, name: "add", eventState }) as TaskView;
const canvasEvent = (i: number, ids: string[]) => ({ i, kind: "canvas" as const, atS: 0, task: -1, worker: -1, num: NaN, data: { root: { kind: "group", id: `g${i}`, children: ids.map((id) => ({ kind: "task", id, task: "add" })) } } });

describe("the graph's canvas store", () => {
  it("keeps by id the tasks of the canvases it holds, and no other", () => {
    const src = source();
    const store = createCanvasStore(src);
    // Plain tasks before any canvas: nothing to draw them in.
    src.send({ tasks: [view(0, "plain-0")] }, 0);
    src.send({ events: [canvasEvent(1, ["a", "b"])], tasks: [view(1, "a"), view(2, "b"), view(3, "plain-1")] }, 1);
    expect(store.canvases()).toHaveLength(1);
    expect(store.task("a")?.index).toBe(1);
    expect(store.task("b")?.index).toBe(2);
    expect(store.task("plain-0")).toBeUndefined();
    expect(store.task("plain-1")).toBeUndefined();
    // A later view of a canvas's task replaces the one held.
    src.send({ tasks: [view(1, "a", "SUCCESS")] }, 2);
    expect(store.task("a")?.eventState).toBe("SUCCESS");
  });

  it("forgets the tasks of the canvases it drops past its limit", () => {
    const src = source();
    const store = createCanvasStore(src);
    src.send({ events: [canvasEvent(0, ["first"])], tasks: [view(0, "first")] }, 0);
    for (let k = 1; k <= MAX_CANVASES; k++) src.send({ events: [canvasEvent(k, [`t${k}`])], tasks: [view(k, `t${k}`)] }, k);
    expect(store.dropped()).toBe(1);
    expect(store.task("first")).toBeUndefined();
    expect(store.task(`t${MAX_CANVASES}`)?.index).toBe(MAX_CANVASES);
    expect(store.task("t1")?.index).toBe(1);
  });
});
