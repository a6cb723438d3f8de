/**
 * Counterfactual diff: the same scenario and seed run twice, the second with some settings changed.
 * Side by side: the outcomes (figures), the first trace event where the two runs part, and what
 * differs per task.
 *
 * Events are compared by what they mean, not by table positions: kind, time, the task's *id*
 * (task indices shift when one run sends a task the other does not), the worker's hostname, the
 * number and the data (canonical JSON). Tasks are matched by id.
 */
import type { Host } from "../engine/sim";
import type { TaskView } from "../engine/types";
import { plain, taskView } from "../engine/report";
import { canonicalJson, type TraceKind } from "../kernel/trace";
import { figuresOf } from "./run";
import { runSession } from "./run";
import type { ParamValue } from "./types";

export interface DiffEvent {
  i: number;
  kind: TraceKind;
  atS: number;
  taskId: string | null;
  taskName: string | null;
  worker: string | null;
  num: number | null;
  data: unknown;
}

export type EventField = "kind" | "atS" | "task" | "worker" | "num" | "data";

export interface Divergence {
  /** The first trace index where the runs differ (every event before it is the same in both). */
  index: number;
  /** The events at that index (null when that run's trace ended there). */
  a: DiffEvent | null;
  b: DiffEvent | null;
  /** Which fields differ (all of them when one trace ended). */
  fields: EventField[];
  /** A few events before the divergence (shared) and after it on each side. */
  before: DiffEvent[];
  afterA: DiffEvent[];
  afterB: DiffEvent[];
}

export const TASK_FIELDS = ["state", "executions", "retries", "worker", "sentAt", "startedAt", "finishedAt", "runtime", "lostReason"] as const;
export type TaskField = (typeof TASK_FIELDS)[number];
export type TaskSide = Pick<TaskView, TaskField>;

export interface TaskDiff {
  id: string;
  name: string;
  /** Null when the task exists only in the other run. */
  a: TaskSide | null;
  b: TaskSide | null;
  changed: TaskField[];
}

export interface DiffSide {
  params: Record<string, ParamValue>;
  figures: Record<string, number | null>;
  traceHash: string;
  traceLength: number;
  endReason: string;
  error: string | null;
  returned: unknown;
}

export interface DiffResult {
  seed: number;
  /** The keys whose values differ between a and b. */
  changed: string[];
  a: DiffSide;
  b: DiffSide;
  /** Null when the two traces are the same event for event. */
  divergence: Divergence | null;
  /** Tasks whose outcome differs, in the order of run a (then those only in b). */
  tasks: TaskDiff[];
  /** Tasks present in both runs with the same outcome. */
  sameTasks: number;
}

export interface DiffOptions {
  host: Host;
  seed: number;
  a: Record<string, ParamValue>;
  b: Record<string, ParamValue>;
  untilS?: number;
  /** The scenario's file name, for tracebacks. */
  file?: string;
  /** Events shown around the divergence (default 4 before, 6 after). */
  context?: { before: number; after: number };
}

type Session = Awaited<ReturnType<typeof runSession>>;

export async function diffRuns(code: string, o: DiffOptions): Promise<DiffResult> {
  const run = (params: Record<string, ParamValue>) => runSession(code, { seed: o.seed, params }, { host: o.host, ...(o.file !== undefined ? { file: o.file } : {}), ...(o.untilS !== undefined ? { untilS: o.untilS } : {}) });
  const sa = await run(o.a);
  const sb = await run(o.b);
  return diffSessions(sa, sb, o);
}

export function diffSessions(sa: Session, sb: Session, o: Pick<DiffOptions, "seed" | "a" | "b" | "context">): DiffResult {
  const keys = new Set([...Object.keys(o.a), ...Object.keys(o.b)]);
  const changed = [...keys].filter((k) => canonicalJson(o.a[k]) !== canonicalJson(o.b[k]));
  return {
    seed: o.seed,
    changed,
    a: side(sa, o.a),
    b: side(sb, o.b),
    divergence: firstDivergence(sa, sb, o.context ?? { before: 4, after: 6 }),
    ...taskDiffs(sa, sb),
  };
}

function side(s: Session, params: Record<string, ParamValue>): DiffSide {
  const r = s.report({ events: false });
  return { params, figures: figuresOf(r), traceHash: r.traceHash, traceLength: s.sim.trace.length, endReason: r.endReason, error: r.error ? r.endMessage : null, returned: r.returned };
}

function eventAt(s: Session, i: number): DiffEvent {
  const e = s.sim.trace.get(i);
  const rec = e.task >= 0 ? s.world.tasks.at(e.task) : undefined;
  return {
    i,
    kind: e.kind,
    atS: e.atS,
    taskId: rec?.id ?? null,
    taskName: rec?.name ?? null,
    worker: e.worker >= 0 ? (s.world.workers[e.worker]?.name ?? `#${e.worker}`) : null,
    num: Number.isNaN(e.num) ? null : e.num,
    data: e.data === undefined ? null : plain(e.data),
  };
}

function differingFields(a: DiffEvent, b: DiffEvent): EventField[] {
  const out: EventField[] = [];
  if (a.kind !== b.kind) out.push("kind");
  if (a.atS !== b.atS) out.push("atS");
  if (a.taskId !== b.taskId) out.push("task");
  if (a.worker !== b.worker) out.push("worker");
  if (a.num !== b.num) out.push("num");
  if (canonicalJson(a.data) !== canonicalJson(b.data)) out.push("data");
  return out;
}

/** Walks both traces in step; stops at the first event that differs. */
export function firstDivergence(sa: Session, sb: Session, ctx: { before: number; after: number }): Divergence | null {
  const la = sa.sim.trace.length;
  const lb = sb.sim.trace.length;
  const n = Math.min(la, lb);
  let at = -1;
  let fields: EventField[] = [];
  for (let i = 0; i < n; i++) {
    // Cheap columns first; the objects only when those agree.
    const ta = sa.sim.trace;
    const tb = sb.sim.trace;
    if (ta.kindAt(i) !== tb.kindAt(i) || ta.timeAt(i) !== tb.timeAt(i)) {
      at = i;
      fields = differingFields(eventAt(sa, i), eventAt(sb, i));
      break;
    }
    const f = differingFields(eventAt(sa, i), eventAt(sb, i));
    if (f.length) {
      at = i;
      fields = f;
      break;
    }
  }
  if (at < 0) {
    if (la === lb) return null;
    at = n;
    fields = ["kind", "atS", "task", "worker", "num", "data"];
  }
  const range = (s: Session, from: number, to: number) => {
    const out: DiffEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, s.sim.trace.length); i++) out.push(eventAt(s, i));
    return out;
  };
  return {
    index: at,
    a: at < la ? eventAt(sa, at) : null,
    b: at < lb ? eventAt(sb, at) : null,
    fields,
    before: range(sa, at - ctx.before, at),
    afterA: range(sa, at + 1, at + 1 + ctx.after),
    afterB: range(sb, at + 1, at + 1 + ctx.after),
  };
}

function pick(t: TaskView): TaskSide {
  return { state: t.state, executions: t.executions, retries: t.retries, worker: t.worker, sentAt: t.sentAt, startedAt: t.startedAt, finishedAt: t.finishedAt, runtime: t.runtime, lostReason: t.lostReason };
}

function taskDiffs(sa: Session, sb: Session): { tasks: TaskDiff[]; sameTasks: number } {
  const as = sa.world.tasks.all.map(taskView);
  const bs = sb.world.tasks.all.map(taskView);
  const byIdB = new Map(bs.map((t) => [t.id, t]));
  const seen = new Set<string>();
  const tasks: TaskDiff[] = [];
  let same = 0;
  for (const ta of as) {
    seen.add(ta.id);
    const tb = byIdB.get(ta.id);
    if (!tb) {
      tasks.push({ id: ta.id, name: ta.name, a: pick(ta), b: null, changed: [...TASK_FIELDS] });
      continue;
    }
    const pa = pick(ta);
    const pb = pick(tb);
    const changedFields = TASK_FIELDS.filter((f) => pa[f] !== pb[f]);
    if (changedFields.length) tasks.push({ id: ta.id, name: ta.name, a: pa, b: pb, changed: changedFields });
    else same++;
  }
  for (const tb of bs) if (!seen.has(tb.id)) tasks.push({ id: tb.id, name: tb.name, a: null, b: pick(tb), changed: [...TASK_FIELDS] });
  return { tasks, sameTasks: same };
}
