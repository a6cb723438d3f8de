/**
 * The UI's model of a run, folded from frames. Pure in the sense that matters for tests: the
 * output depends only on the frames given, in order (no clock, no I/O). For speed with 100k tasks
 * the big collections are updated in place, so a `RunView` passed in must not be used again; the
 * returned one (a new object with a higher `version`) replaces it.
 */
import type { EndReason, Frame, LogLine, QueueView, SerializedError, TaskView, WorkerView } from "../workers/protocol";
import { joinView } from "../../sim/engine/task-view";
import { addEvents, emptyTimeline, type TimelineModel } from "./timeline";
import { nextCursor } from "../workers/protocol";

export const MAX_LOGS = 5000;
/** Simulated seconds of history the queue rates are averaged over. */
export const RATE_WINDOW_S = 10;

export interface QueueRate {
  /** Messages published per simulated second, over the last RATE_WINDOW_S. */
  inPerS: number;
  /** Messages acknowledged per simulated second. */
  outPerS: number;
}

interface RateSample {
  atS: number;
  published: number;
  acked: number;
}

export interface RunView {
  version: number;
  nowS: number;
  done: boolean;
  endReason: EndReason;
  endMessage: string;
  traceLength: number;
  traceHash: string;
  /** The `fromTrace` for the next frame. */
  cursor: number;
  tasks: Map<number, TaskView>;
  /** The same tasks in the order first seen (the tasks table reads it newest first, by position). */
  taskList: TaskView[];
  /** A task's position in `taskList`, by task index. */
  taskPos: Map<number, number>;
  /** Per task name: how many tasks, and how many of them a monitor shows as FAILURE (kept as frames fold, not recounted). */
  byName: Map<string, { tasks: number; failed: number }>;
  /** The whole views of the tasks the last frame changed (its patches merged). */
  changed: TaskView[];
  workers: WorkerView[];
  queues: QueueView[];
  rates: Map<string, QueueRate>;
  logs: LogLine[];
  logsDropped: number;
  stateCounts: Record<string, number>;
  returned: unknown;
  error: SerializedError | null;
  timeline: TimelineModel;
  samples: Map<string, RateSample[]>;
}

export function emptyRun(): RunView {
  return {
    version: 0,
    nowS: 0,
    done: false,
    endReason: "running",
    endMessage: "",
    traceLength: 0,
    traceHash: "",
    cursor: 0,
    tasks: new Map(),
    taskList: [],
    taskPos: new Map(),
    byName: new Map(),
    changed: [],
    workers: [],
    queues: [],
    rates: new Map(),
    logs: [],
    logsDropped: 0,
    stateCounts: {},
    returned: undefined,
    error: null,
    timeline: emptyTimeline(),
    samples: new Map(),
  };
}

export { nextCursor } from "../workers/protocol";

function updateRates(v: RunView, queues: QueueView[], nowS: number): void {
  for (const q of queues) {
    let s = v.samples.get(q.name);
    if (!s) v.samples.set(q.name, (s = []));
    const last = s[s.length - 1];
    if (!last || last.atS < nowS) s.push({ atS: nowS, published: q.published, acked: q.acked });
    else if (last.atS === nowS) Object.assign(last, { published: q.published, acked: q.acked });
    while (s.length > 2 && s[1]!.atS <= nowS - RATE_WINDOW_S) s.shift();
    const first = s[0]!;
    const span = nowS - first.atS;
    v.rates.set(q.name, span > 0 ? { inPerS: (q.published - first.published) / span, outPerS: (q.acked - first.acked) / span } : { inPerS: 0, outPerS: 0 });
  }
}

/**
 * Fold `frame`, asked for from trace index `fromTrace`, into `prev`. A frame that starts at 0 after
 * a seek or a reload must be folded into `emptyRun()`, not into the old run.
 *
 * Not a pure reducer, and named so: the returned view is a new object (with `version` + 1, which is
 * what Solid's readers watch) but it shares and updates `prev`'s task maps and lists in place, because
 * copying them for every frame of a 100k-task run would cost more than the frame. `prev` must not be
 * read after it was folded.
 */
export function foldFrameInPlace(prev: RunView, frame: Frame, fromTrace = prev.cursor): RunView {
  const v: RunView = { ...prev, version: prev.version + 1 };
  if (fromTrace < prev.cursor) {
    // Events we already folded: skip them rather than double-count bars and logs.
    const skip = prev.cursor - fromTrace;
    frame = { ...frame, events: frame.events.slice(skip) };
    fromTrace = prev.cursor;
  }
  const changed: TaskView[] = [];
  const put = (t: TaskView) => {
    changed.push(t);
    const old = v.tasks.get(t.index);
    v.tasks.set(t.index, t);
    let named = v.byName.get(t.name);
    if (!named) v.byName.set(t.name, (named = { tasks: 0, failed: 0 }));
    if (!old) named.tasks++;
    named.failed += (t.eventState === "FAILURE" ? 1 : 0) - (old?.eventState === "FAILURE" ? 1 : 0);
    const at = v.taskPos.get(t.index);
    if (at === undefined) {
      v.taskPos.set(t.index, v.taskList.length);
      v.taskList.push(t);
    } else v.taskList[at] = t;
  };
  for (const t of frame.tasks) put(t);
  for (const p of frame.taskPatches ?? []) {
    const prev = v.tasks.get(p.index);
    // A patch for a task this run never showed breaks the frames' contract (every frame before
    // `fromTrace` was folded): say so rather than show a task without its id and name.
    if (!prev) throw new Error(`frame patch for unknown task ${p.index} (from trace ${fromTrace})`);
    // A new object: the views see a changed task by its identity.
    put(joinView(prev.id, prev.name, prev.args, prev.kwargs, prev, p));
  }
  v.changed = changed;
  v.workers = frame.workers;
  v.queues = frame.queues;
  if (frame.logs.length) {
    v.logs = prev.logs.concat(frame.logs);
    if (v.logs.length > MAX_LOGS) {
      v.logsDropped += v.logs.length - MAX_LOGS;
      v.logs = v.logs.slice(v.logs.length - MAX_LOGS);
    }
  }
  v.timeline = addEvents(prev.timeline, frame.events);
  updateRates(v, frame.queues, frame.nowS);
  v.nowS = frame.nowS;
  v.done = frame.done;
  v.endReason = frame.endReason;
  v.endMessage = frame.endMessage;
  v.traceLength = frame.traceLength;
  v.traceHash = frame.traceHash;
  v.stateCounts = frame.stateCounts;
  v.returned = frame.returned;
  v.error = frame.error;
  v.cursor = nextCursor(fromTrace, frame);
  return v;
}

// ---------------------------------------------------------------- queries the views use

export interface TaskFilter {
  state: string;
  name: string;
}

/**
 * The rows the tasks table shows: newest first, filtered, the `limit` rows from position `offset`
 * of the matches (the table renders only the rows in view). Without a filter this touches only the
 * rows returned, so it stays cheap for a run of 100k tasks on every frame.
 */
export function selectTasks(v: RunView, f: TaskFilter, limit = 200, offset = 0): { rows: TaskView[]; matched: number } {
  const list = v.taskList;
  const name = f.name.trim().toLowerCase();
  const rows: TaskView[] = [];
  if (!f.state && !name) {
    for (let k = offset; k < Math.min(list.length, offset + limit); k++) rows.push(list[list.length - 1 - k]!);
    return { rows, matched: list.length };
  }
  let matched = 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const t = list[i]!;
    if (f.state && t.eventState !== f.state) continue;
    if (name && !t.name.toLowerCase().includes(name) && !t.id.toLowerCase().startsWith(name)) continue;
    if (matched >= offset && rows.length < limit) rows.push(t);
    matched++;
  }
  return { rows, matched };
}
