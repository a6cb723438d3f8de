/**
 * The canvases a run applied (the trace's "canvas" events) and the latest view of every task, by
 * Celery id, folded from the playground's frames. Small and cytoscape-free on purpose: it runs from
 * the first frame, so the graph (loaded lazily, maybe much later) can draw a run it did not watch.
 */
import { createSignal } from "solid-js";
import type { Frame, TaskView } from "../../workers/protocol";
import type { CanvasNode } from "./model/elements";

export interface AppliedCanvas {
  /** Trace index of the canvas event. */
  i: number;
  atS: number;
  root: CanvasNode;
}

/** Canvases kept per run; a loop applying chords forever must not grow the page without bound. */
export const MAX_CANVASES = 500;

export interface FrameSource {
  onFrame(fn: (frame: Frame, fromTrace: number, fresh: boolean) => void): () => void;
}

export function createCanvasStore(src: FrameSource) {
  const [version, setVersion] = createSignal(0);
  let canvases: AppliedCanvas[] = [];
  let dropped = 0;
  const byId = new Map<string, TaskView>();
  /**
   * The Celery ids of the kept canvases' tasks: the only tasks the graph looks up. A canvas's event
   * comes before any of its tasks is sent (its ids are frozen first), so none is missed; a burst of
   * 100k plain tasks keeps none (keeping every task by id was ~10 % of the page's fold).
   */
  let wanted = new Set<string>();
  let next = 0;

  const off = src.onFrame((frame, from, fresh) => {
    if (fresh || from === 0) {
      canvases = [];
      dropped = 0;
      byId.clear();
      wanted = new Set();
      next = 0;
    }
    let changed = frame.tasks.length > 0;
    for (const e of frame.events) {
      if (e.i < next) continue;
      next = e.i + 1;
      if (e.kind !== "canvas") continue;
      const root = (e.data as { root?: CanvasNode } | undefined)?.root;
      if (!root) continue;
      canvases.push({ i: e.i, atS: e.atS, root });
      idsOf(root, wanted);
      changed = true;
    }
    if (canvases.length > MAX_CANVASES) {
      dropped += canvases.length - MAX_CANVASES;
      canvases = canvases.slice(-MAX_CANVASES);
      wanted = new Set();
      for (const c of canvases) idsOf(c.root, wanted);
      for (const id of byId.keys()) if (!wanted.has(id)) byId.delete(id);
    }
    if (wanted.size) for (const t of frame.tasks) if (wanted.has(t.id)) byId.set(t.id, t);
    if (changed || fresh) setVersion((v) => v + 1);
  });

  return {
    /** Read inside a tracking scope to re-run on every change. */
    version,
    canvases: () => canvases,
    dropped: () => dropped,
    task: (id: string) => byId.get(id),
    dispose: off,
  };
}

export type CanvasStore = ReturnType<typeof createCanvasStore>;

/** Every Celery id in a canvas's tree, added to `into`. */
function idsOf(n: CanvasNode, into: Set<string>): void {
  if (n.id) into.add(n.id);
  for (const c of n.children ?? []) idsOf(c, into);
  if (n.body) idsOf(n.body, into);
}
