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
  /** Per row, which of its times are not null (bit k: the k-th in NCODES' comment's order). */
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

/**
 * A row's codes: retries, executions, then the codes of state, eventState, worker, queue. Its times,
 * in this order (bit k of the row's time mask: PATCH_TIMES[k]): sentAt, receivedAt, startedAt,
 * finishedAt, runtime, eta, expires.
 */
const NCODES = 6;
const NSTATICS = 4;
const OWN_ID = -2;
/** A column whose value is in `rare`. */
const IN_RARE = -3;

/**
 * One frame's task rows as they are packed. Fields are read by name, not by a key from a list, and a
 * whole view goes through the same `patch` as a patch does: the worker optimises this code afresh for
 * every run, and keyed reads over two shapes made V8 throw it away and compile it again ~10 times in a
 * 100k-task burst (~0.6 s of compiler time on the 2 cores the page shares with it).
 */
class TaskPacker {
  private readonly table = new Map<string, number>();
  readonly strings: string[] = [];
  readonly rare: [number, string, unknown][] = [];
  readonly times: number[] = [];
  readonly index: Int32Array;
  readonly codes: Int32Array;
  readonly timeMask: Uint8Array;
  readonly results: unknown[];

  constructor(n: number) {
    this.index = new Int32Array(n);
    this.codes = new Int32Array(n * NCODES);
    this.timeMask = new Uint8Array(n);
    this.results = new Array<unknown>(n);
  }

  /** `v`'s code in `strings` (-1: null), or IN_RARE with `v` kept in `rare` when it is no string. */
  str(r: number, key: string, v: unknown): number {
    if (v === null) return -1;
    if (typeof v !== "string") {
      this.rare.push([r, key, v]);
      return IN_RARE;
    }
    let c = this.table.get(v);
    if (c === undefined) this.table.set(v, (c = this.strings.push(v) - 1));
    return c;
  }

  private int(r: number, key: string, v: number): number {
    if ((v | 0) === v) return v;
    this.rare.push([r, key, v]);
    return IN_RARE;
  }

  /** Bit `bit` when `v` is a number (kept in `times`), else 0 (and a non-null `v` kept in `rare`). */
  private time(r: number, bit: number, key: string, v: number | null): number {
    if (v === null) return 0;
    if (typeof v === "number" && v === v) {
      this.times.push(v);
      return bit;
    }
    this.rare.push([r, key, v]);
    return 0;
  }

  /** Row `r`: what a patch has (a whole view has it too). */
  patch(r: number, t: TaskPatch): void {
    this.index[r] = t.index;
    const c = r * NCODES;
    const codes = this.codes;
    codes[c] = this.int(r, "retries", t.retries);
    codes[c + 1] = this.int(r, "executions", t.executions);
    codes[c + 2] = this.str(r, "state", t.state);
    codes[c + 3] = this.str(r, "eventState", t.eventState);
    codes[c + 4] = this.str(r, "worker", t.worker);
    codes[c + 5] = this.str(r, "queue", t.queue);
    // Left to right: the times go into `times` in the order unpackTasks reads them.
    this.timeMask[r] =
      this.time(r, 1, "sentAt", t.sentAt) |
      this.time(r, 2, "receivedAt", t.receivedAt) |
      this.time(r, 4, "startedAt", t.startedAt) |
      this.time(r, 8, "finishedAt", t.finishedAt) |
      this.time(r, 16, "runtime", t.runtime) |
      this.time(r, 32, "eta", t.eta) |
      this.time(r, 64, "expires", t.expires);
    this.results[r] = t.result;
    if (t.exception !== null) this.rare.push([r, "exception", t.exception]);
    if (t.children.length) this.rare.push([r, "children", t.children]);
    if (t.lostReason !== null) this.rare.push([r, "lostReason", t.lostReason]);
  }
}

function packTasks(tasks: TaskView[], patches: TaskPatch[]): { packed: PackedTasks; transfer: ArrayBuffer[] } {
  const whole = tasks.length;
  const p = new TaskPacker(whole + patches.length);
  const ids: string[] = new Array<string>(whole);
  const idEnds = new Int32Array(whole);
  const statics = new Int32Array(whole * NSTATICS);
  const args: unknown[][] = new Array<unknown[]>(whole);
  let idEnd = 0;
  for (let r = 0; r < whole; r++) {
    const w = tasks[r]!;
    p.patch(r, w);
    ids[r] = w.id;
    idEnds[r] = idEnd += w.id.length;
    const s = r * NSTATICS;
    statics[s] = p.str(r, "name", w.name);
    statics[s + 1] = p.str(r, "parentId", w.parentId);
    statics[s + 2] = w.rootId === w.id ? OWN_ID : p.str(r, "rootId", w.rootId);
    statics[s + 3] = p.str(r, "groupId", w.groupId);
    args[r] = w.args;
    if (Object.keys(w.kwargs).length) p.rare.push([r, "kwargs", w.kwargs]);
    if (w.eager !== false) p.rare.push([r, "eager", w.eager]);
  }
  for (let j = 0; j < patches.length; j++) p.patch(whole + j, patches[j]!);
  const packed: PackedTasks = { whole, index: p.index, strings: p.strings, codes: ints(p.codes), timeMask: p.timeMask, times: Float64Array.from(p.times), results: p.results, ids: ids.join(""), idEnds, statics: ints(statics), args, rare: p.rare };
  return { packed, transfer: [packed.index.buffer, packed.codes.buffer, packed.timeMask.buffer, packed.times.buffer, packed.idEnds.buffer, packed.statics.buffer] as ArrayBuffer[] };
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
  // Key for key in taskView's and taskPatch's order (sim/engine/report.ts); the times read in the order NCODES' comment gives.
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
