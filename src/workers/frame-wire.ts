/**
 * A frame on its way from the simulation worker to the page: its events and task views in columns
 * (typed arrays, transferred) instead of thousands of keyed objects structured-cloned one by one.
 *
 * The worker runs in the sandbox frame's process, so every frame crosses processes, and in Chromium a
 * message there costs about 10 µs per KB, more above 64 KiB (shared memory instead of the message
 * itself): measured on this machine, 0.3–0.5 ms for a message under 64 KiB, 0.9 ms at 66 KiB, 2.8 ms
 * at 256 KiB. A 100k-task burst's frames were ~67 KiB each and their `postMessage` ~2 s of the worker's
 * ~5; the page deserialised them in as much again. So the columns are as narrow as their values allow
 * (16 bits where they fit, integers where they are), repeated event data is sent once per frame, and
 * a task's null times take no room.
 *
 * Only the wire changes: `packFrame` in the worker, `unpackFrame` in the page, and what comes out is
 * the frame that went in (events and task views equal key for key, in the same order).
 */
import { eventsOf, type TraceColumns } from "../../sim/kernel/trace";
import type { Frame, TaskPatch, TaskView } from "../../sim/engine/types";

/** Integers in 16 bits when they all fit, else 32. */
type Ints = Int16Array | Int32Array;

/**
 * A frame as sent: its events in `packed` (the session's `eventColumns`, `events` empty), its task
 * views and patches in `packedTasks` (`tasks` and `taskPatches` empty).
 */
export type WireFrame = Omit<Frame, "eventColumns"> & { packed?: TraceColumns; packedTasks?: PackedTasks };

/** `values` as Int16s when they all fit, else as Int32s (an Int16Array or Int32Array is kept as it is). */
function ints(values: Ints | number[]): Ints {
  if (values instanceof Int16Array) return values;
  for (let k = 0; k < values.length; k++) if (values[k]! !== (values[k]! << 16) >> 16) return values instanceof Int32Array ? values : Int32Array.from(values);
  return Int16Array.from(values);
}

/**
 * The frame, made by `Session.frame(…, { columns: true })`, with its task views in columns too, and
 * the buffers to transfer. A frame with its events as objects sends them as they are.
 */
export function packFrame(frame: Frame): { frame: WireFrame; transfer: ArrayBuffer[] } {
  const { eventColumns: cols, ...rest } = frame;
  const out: WireFrame = rest;
  const transfer: ArrayBuffer[] = [];
  if (frame.tasks.length || frame.taskPatches.length) {
    const t = packTasks(frame.tasks, frame.taskPatches);
    Object.assign(out, { tasks: [], taskPatches: [], packedTasks: t.packed });
    transfer.push(...t.transfer);
  }
  if (cols) {
    const narrow = { ...cols, dataAt: ints(cols.dataAt), dataCode: ints(cols.dataCode) };
    out.packed = narrow;
    transfer.push(...([narrow.kinds.buffer, narrow.times.buffer, narrow.tasks.buffer, narrow.workers.buffer, narrow.nums.buffer, narrow.dataAt.buffer, narrow.dataCode.buffer] as ArrayBuffer[]));
  }
  return { frame: out, transfer };
}

/** The frame as the session made it with its events as objects. */
export function unpackFrame(wire: WireFrame): Frame {
  const { packed, packedTasks, ...frame } = wire;
  if (packedTasks) Object.assign(frame, unpackTasks(packedTasks));
  if (packed) frame.events = eventsOf(packed);
  return frame;
}

/**
 * A frame's task views and patches, in columns: a whole view is ~400 bytes of keyed object to
 * structured-clone, and a 100k-task burst sends 100k of them and ~120k patches. Row r < `whole` is
 * `frame.tasks[r]`, the rest are `frame.taskPatches[r - whole]`.
 */
export interface PackedTasks {
  whole: number;
  index: Int32Array;
  /** The strings the codes index (-1: null). */
  strings: string[];
  /** Per row, NCODES codes: retries, executions, then the string fields. */
  codes: Ints;
  /** Per row, which of PATCH_TIMES are not null (bit k: PATCH_TIMES[k]). */
  timeMask: Uint8Array;
  /** The times that are not null, row after row. */
  times: Float64Array;
  results: unknown[];
  /** Whole rows only: ids joined, and where each ends. */
  ids: string;
  idEnds: Int32Array;
  /** Whole rows only, per row: name, parentId, rootId (-2: the task's own id), groupId. */
  statics: Ints;
  args: unknown[][];
  /** [row, key, value] for a field its columns cannot hold (not null and not a string, a NaN…) or not at its default. */
  rare: [number, string, unknown][];
}

const PATCH_INTS = ["retries", "executions"] as const;
const PATCH_STRS = ["state", "eventState", "worker", "queue"] as const;
const PATCH_TIMES = ["sentAt", "receivedAt", "startedAt", "finishedAt", "runtime", "eta", "expires"] as const;
const NCODES = PATCH_INTS.length + PATCH_STRS.length;
const NSTATICS = 4;
const OWN_ID = -2;
/** A column whose value is in `rare`. */
const IN_RARE = -3;

function packTasks(tasks: TaskView[], patches: TaskPatch[]): { packed: PackedTasks; transfer: ArrayBuffer[] } {
  const whole = tasks.length;
  const n = whole + patches.length;
  const table = new Map<string, number>();
  const strings: string[] = [];
  const rare: [number, string, unknown][] = [];
  const str = (r: number, key: string, v: unknown): number => {
    if (v === null) return -1;
    if (typeof v !== "string") {
      rare.push([r, key, v]);
      return IN_RARE;
    }
    let c = table.get(v);
    if (c === undefined) table.set(v, (c = strings.push(v) - 1));
    return c;
  };
  const index = new Int32Array(n);
  const codes = new Int32Array(n * NCODES);
  const timeMask = new Uint8Array(n);
  const times: number[] = [];
  const results: unknown[] = new Array(n);
  const ids: string[] = new Array(whole);
  const idEnds = new Int32Array(whole);
  const statics = new Int32Array(whole * NSTATICS);
  const args: unknown[][] = new Array(whole);
  let idEnd = 0;
  for (let r = 0; r < n; r++) {
    const t: TaskPatch = r < whole ? tasks[r]! : patches[r - whole]!;
    index[r] = t.index;
    const c = r * NCODES;
    for (let k = 0; k < PATCH_INTS.length; k++) {
      const v = t[PATCH_INTS[k]!];
      if ((v | 0) === v) codes[c + k] = v;
      else {
        rare.push([r, PATCH_INTS[k]!, v]);
        codes[c + k] = IN_RARE;
      }
    }
    for (let k = 0; k < PATCH_STRS.length; k++) codes[c + PATCH_INTS.length + k] = str(r, PATCH_STRS[k]!, t[PATCH_STRS[k]!]);
    let mask = 0;
    for (let k = 0; k < PATCH_TIMES.length; k++) {
      const v = t[PATCH_TIMES[k]!];
      if (v === null) continue;
      if (typeof v === "number" && v === v) {
        mask |= 1 << k;
        times.push(v);
      } else rare.push([r, PATCH_TIMES[k]!, v]);
    }
    timeMask[r] = mask;
    results[r] = t.result;
    if (t.exception !== null) rare.push([r, "exception", t.exception]);
    if (t.children.length) rare.push([r, "children", t.children]);
    if (t.lostReason !== null) rare.push([r, "lostReason", t.lostReason]);
    if (r >= whole) continue;
    const w = t as TaskView;
    ids[r] = w.id;
    idEnds[r] = idEnd += w.id.length;
    const s = r * NSTATICS;
    statics[s] = str(r, "name", w.name);
    statics[s + 1] = str(r, "parentId", w.parentId);
    statics[s + 2] = w.rootId === w.id ? OWN_ID : str(r, "rootId", w.rootId);
    statics[s + 3] = str(r, "groupId", w.groupId);
    args[r] = w.args;
    if (Object.keys(w.kwargs).length) rare.push([r, "kwargs", w.kwargs]);
    if (w.eager !== false) rare.push([r, "eager", w.eager]);
  }
  const p: PackedTasks = { whole, index, strings, codes: ints(codes), timeMask, times: Float64Array.from(times), results, ids: ids.join(""), idEnds, statics: ints(statics), args, rare };
  return { packed: p, transfer: [p.index.buffer, p.codes.buffer, p.timeMask.buffer, p.times.buffer, p.idEnds.buffer, p.statics.buffer] as ArrayBuffer[] };
}

function unpackTasks(p: PackedTasks): { tasks: TaskView[]; taskPatches: TaskPatch[] } {
  const { index, codes, timeMask, times, strings, statics, results } = p;
  const n = index.length;
  const s = (c: number): string | null => (c < 0 ? null : strings[c]!);
  let at = 0;
  const time = (mask: number, k: number): number | null => (mask & (1 << k) ? times[at++]! : null);
  const tasks: TaskView[] = new Array(p.whole);
  const patches: TaskPatch[] = new Array(n - p.whole);
  let idStart = 0;
  // Key for key in taskView's and taskPatch's order (sim/engine/report.ts); the times read in PATCH_TIMES order.
  for (let r = 0; r < n; r++) {
    const c = r * NCODES;
    const m = timeMask[r]!;
    if (r >= p.whole) {
      patches[r - p.whole] = { index: index[r]!, state: s(codes[c + 2]!)!, eventState: s(codes[c + 3]!)!, result: results[r], exception: null, retries: codes[c]!, executions: codes[c + 1]!, worker: s(codes[c + 4]!), queue: s(codes[c + 5]!)!, sentAt: time(m, 0), receivedAt: time(m, 1), startedAt: time(m, 2), finishedAt: time(m, 3), runtime: time(m, 4), eta: time(m, 5), expires: time(m, 6), children: [], lostReason: null };
      continue;
    }
    const id = p.ids.slice(idStart, (idStart = p.idEnds[r]!));
    const st = r * NSTATICS;
    tasks[r] = {
      id,
      name: s(statics[st]!)!,
      args: p.args[r]!,
      kwargs: {},
      parentId: s(statics[st + 1]!),
      rootId: statics[st + 2] === OWN_ID ? id : s(statics[st + 2]!)!,
      groupId: s(statics[st + 3]!),
      eager: false,
      index: index[r]!,
      state: s(codes[c + 2]!)!,
      eventState: s(codes[c + 3]!)!,
      result: results[r],
      exception: null,
      retries: codes[c]!,
      executions: codes[c + 1]!,
      worker: s(codes[c + 4]!),
      queue: s(codes[c + 5]!)!,
      sentAt: time(m, 0),
      receivedAt: time(m, 1),
      startedAt: time(m, 2),
      finishedAt: time(m, 3),
      runtime: time(m, 4),
      eta: time(m, 5),
      expires: time(m, 6),
      children: [],
      lostReason: null,
    };
  }
  for (const [r, key, v] of p.rare) ((r < p.whole ? tasks[r] : patches[r - p.whole]) as unknown as Record<string, unknown>)[key] = v;
  return { tasks, taskPatches: patches };
}
