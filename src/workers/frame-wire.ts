/**
 * A frame's events on their way from the simulation worker to the page: in columns (typed arrays,
 * transferred, not copied) instead of 1,000 objects structured-cloned one by one. Measured on a
 * 100k-task burst in Chromium, cloning frames was more than half of the worker's busy time and the
 * page's biggest cost besides folding them; the page makes the same event objects again here, for
 * the views, faster than it deserialised them.
 *
 * Only the wire changes: `packFrame` in the worker, `unpackFrame` in the page, and what comes out is
 * the frame that went in (events equal key for key, in the same order).
 */
import { TRACE_KINDS, type TraceEvent, type TraceKind } from "../../sim/kernel/trace";
import type { Frame } from "../../sim/engine/types";

const KIND_CODE = new Map<TraceKind, number>(TRACE_KINDS.map((k, i) => [k, i]));

/** The events of a frame, by column; event k is trace event `first + k`. */
export interface PackedEvents {
  first: number;
  kinds: Uint8Array;
  times: Float64Array;
  tasks: Int32Array;
  workers: Int32Array;
  nums: Float64Array;
  /** [k, data] for the events that carry data (already plain: the session made it so). */
  data: [number, unknown][];
}

/** A frame as sent: `events` empty, the events in `packed`. */
export type WireFrame = Frame & { packed?: PackedEvents };

/** The frame with its events in columns, and the buffers to transfer. */
export function packFrame(frame: Frame): { frame: WireFrame; transfer: ArrayBuffer[] } {
  const evs = frame.events;
  const n = evs.length;
  // Frames are consecutive trace events (Session.frame); anything else goes as it is.
  if (n === 0 || evs[n - 1]!.i - evs[0]!.i !== n - 1) return { frame, transfer: [] };
  const p: PackedEvents = { first: evs[0]!.i, kinds: new Uint8Array(n), times: new Float64Array(n), tasks: new Int32Array(n), workers: new Int32Array(n), nums: new Float64Array(n), data: [] };
  for (let k = 0; k < n; k++) {
    const e = evs[k]!;
    p.kinds[k] = KIND_CODE.get(e.kind)!;
    p.times[k] = e.atS;
    p.tasks[k] = e.task;
    p.workers[k] = e.worker;
    p.nums[k] = e.num;
    if ("data" in e) p.data.push([k, e.data]);
  }
  return { frame: { ...frame, events: [], packed: p }, transfer: [p.kinds.buffer, p.times.buffer, p.tasks.buffer, p.workers.buffer, p.nums.buffer] as ArrayBuffer[] };
}

/** The frame as the session made it (a frame that was not packed comes back as it is). */
export function unpackFrame(wire: WireFrame): Frame {
  const p = wire.packed;
  if (!p) return wire;
  const events: TraceEvent[] = new Array(p.kinds.length);
  for (let k = 0; k < events.length; k++) events[k] = { i: p.first + k, kind: TRACE_KINDS[p.kinds[k]!]!, atS: p.times[k]!, task: p.tasks[k]!, worker: p.workers[k]!, num: p.nums[k]! };
  for (const [k, data] of p.data) events[k]!.data = data;
  const { packed: _, ...frame } = wire;
  return { ...frame, events };
}
