/**
 * Small readers over a finished run, shared by the labs' checks. Pure functions of the report and
 * the trace: no simulator internals, so a check reads what a learner could read in the page.
 */
import type { LabRun } from "../sim/check/define";
import type { TaskView } from "../sim/engine/types";
import { BrokerDepth } from "../sim/world/metrics/broker-depth";

/** What `main` returned, as an object (an empty one when it returned nothing or a non-object). */
export function returned(r: LabRun): Record<string, any> {
  const v = r.report.returned;
  return v !== null && typeof v === "object" ? (v as Record<string, any>) : {};
}

/** "3 SUCCESS, 2 PENDING" for a set of tasks (or "no tasks"). */
export function stateSummary(tasks: TaskView[]): string {
  if (tasks.length === 0) return "no tasks";
  const counts = countBy(tasks, (t) => t.state);
  return Object.entries(counts)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

export function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Tasks whose name is one of `names`. */
export function tasksNamedAny(r: LabRun, ...names: string[]): TaskView[] {
  return r.report.tasks.filter((t) => names.includes(t.name));
}

/** Simulated seconds from the first send to the last finish of `tasks`, or null if one never finished. */
export function makespanS(tasks: TaskView[]): number | null {
  if (tasks.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const t of tasks) {
    if (t.sentAt === null || t.finishedAt === null) return null;
    first = Math.min(first, t.sentAt);
    last = Math.max(last, t.finishedAt);
  }
  return last - first;
}

/** Times at which the task `uuid` started an execution (one per attempt or redelivery), in order. */
export function startTimes(r: LabRun, uuid: string): number[] {
  return r
    .events("task-started")
    .filter((e) => e.uuid === uuid)
    .map((e) => e.timestamp)
    .sort((a, b) => a - b);
}

/** Gaps between consecutive values. */
export function gaps(times: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(times[i]! - times[i - 1]!);
  return out;
}

/** Nearest-rank percentile of `values` (p in 0..100); NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** |a - b| within `rel` of b (and within `abs`, whichever is looser). */
export function near(a: number, b: number, rel: number, abs = 0): boolean {
  return Number.isFinite(a) && Math.abs(a - b) <= Math.max(abs, Math.abs(b) * rel);
}

export function fmt(x: number | null | undefined, digits = 2): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** The task's runtime in seconds (the report's runtime, else finished − started), or null. */
export function runtimeOf(t: TaskView): number | null {
  if (typeof t.runtime === "number") return t.runtime;
  if (t.startedAt !== null && t.finishedAt !== null) return t.finishedAt - t.startedAt;
  return null;
}

/**
 * Workers whose hostname starts with `prefix`, counted online over time from worker-online and
 * worker-offline events: the most that were online at once, and how many were online at the end.
 */
export function onlineOverTime(r: LabRun, prefix: string): { max: number; final: number; min: number } {
  const evs = r.report.events
    .filter((e) => (e.type === "worker-online" || e.type === "worker-offline") && (e.hostname ?? "").startsWith(prefix))
    .sort((a, b) => a.timestamp - b.timestamp);
  const online = new Set<string>();
  let max = 0;
  let min = Infinity;
  // Count after all events of one instant: replicas started together come online together.
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i]!;
    if (e.type === "worker-online") online.add(e.hostname!);
    else online.delete(e.hostname!);
    if (i + 1 < evs.length && evs[i + 1]!.timestamp === e.timestamp) continue;
    max = Math.max(max, online.size);
    if (max > 0) min = Math.min(min, online.size);
  }
  return { max, final: online.size, min: min === Infinity ? 0 : min };
}

/** State changes stored in the backend for task index `index` (trace kind "task-state"), in order. */
export function storedStates(r: LabRun, index: number): { atS: number; state: string; meta: any }[] {
  return r.trace
    .filter((e) => e.kind === "task-state" && e.task === index)
    .map((e) => ({ atS: e.atS, state: String((e.data as any)?.state ?? ""), meta: (e.data as any)?.meta ?? null }));
}

/** Times (seconds) printed by a scenario as "t=12.345" in log lines containing `marker`. */
export function loggedTimes(r: LabRun, marker: string): number[] {
  const out: number[] = [];
  for (const line of r.logsContaining(marker)) {
    const m = /t=(-?\d+(?:\.\d+)?)/.exec(line);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** Most values falling in one aligned window [k·w, (k+1)·w). */
export function maxPerAlignedWindow(times: number[], windowS: number): { max: number; atS: number } {
  const counts = countBy(times, (t) => String(Math.floor(t / windowS + 1e-9)));
  let max = 0;
  let atS = 0;
  for (const [k, n] of Object.entries(counts)) {
    if (n > max) {
      max = n;
      atS = Number(k) * windowS;
    }
  }
  return { max, atS };
}

/**
 * What is wrong with how the task `bodyName` was run as a chord's body, in words, or null when it
 * ran as Celery runs one: once, sent by the worker that finished the header's last task (its parent
 * is a task of the header's group, not `main`), and given the list of every header result in the
 * order the header was built. A client-side join (await the group in main, then send the body)
 * gives the same numbers but fails here: the body has no parent task.
 */
export function chordBodyProblem(r: LabRun, bodyName: string, headerNames: string[], count = 1): string | null {
  const bodies = r.tasksNamed(bodyName);
  if (bodies.length === 0) return `no ${bodyName} task ran on a worker: it was never sent as a task, so the join happened in plain code (in main, or by calling the functions inside one task), not as a chord's body`;
  if (bodies.length !== count)
    return `${bodyName} ran ${bodies.length} times, expected ${count === 1 ? "once" : `${count} times`}: a chord calls its body once, with every header result`;
  for (const body of bodies) {
    const parent = r.report.tasks.find((t) => t.id === body.parentId);
    if (parent && headerNames.includes(parent.name) && parent.groupId === null)
      return `${bodyName} was chained after a single ${parent.name}, not after a group: the header tasks ran one after another and ${bodyName} received only the last one's result; make the header a group`;
    if (!parent)
      return `${bodyName} was sent by main (it has no parent task), after waiting for the header's results: a client-side join. In a chord, the worker that finishes the header's last task sends the body; nobody waits in between`;
    if (/^celery\.(x?map|starmap|chunks)$/.test(parent.name))
      return `${bodyName} was sent after ${parent.name}: \`.map()\`/\`.starmap()\`/\`.chunks()\` run every call one after another inside that one task, not as a group of tasks the workers share; make the header a group of signatures`;
    if (!headerNames.includes(parent.name) || parent.groupId === null)
      return `${bodyName} was sent by the task ${parent.name}, which joined the header itself (waiting on its results, or running its work in place) while holding a worker slot. In a chord, the worker that finishes the header's last task sends the body; nobody waits in between`;
    const header = r.report.tasks.filter((t) => t.groupId === parent.groupId);
    const want = header.map((t) => t.result);
    const got = body.args[0];
    if (JSON.stringify(got) !== JSON.stringify(want))
      return `${bodyName} received ${JSON.stringify(got)?.slice(0, 80)}, not the list of the header's ${header.length} results in order: its signature must be mutable (.s(), not .si()) and the header a group`;
    const lastHeaderEnd = Math.max(...header.map((t) => t.finishedAt ?? Infinity));
    if ((body.startedAt ?? -Infinity) < lastHeaderEnd) return `${bodyName} started before every header task had finished`;
  }
  return null;
}

/**
 * A task that sent tasks and kept its worker slot until they had finished: it waited on their
 * results (result.get() inside a task), in words; null when no task did.
 */
export function waitedOnChildrenProblem(r: LabRun): string | null {
  for (const t of r.report.tasks) {
    // Sent while it ran (a chain's or chord's next step is sent as the task finishes: not waited on).
    const kids = r.report.tasks.filter((k) => k.parentId === t.id && k.sentAt !== null && t.startedAt !== null && k.sentAt >= t.startedAt && (t.finishedAt === null || k.sentAt < t.finishedAt));
    if (kids.length === 0 || t.finishedAt === null) {
      if (kids.length && t.finishedAt === null) return `${t.name} sent ${kids.length} ${kids[0]!.name} tasks and never finished: it is waiting on their results inside a worker slot (result.get() inside a task)`;
      continue;
    }
    const kidsEnd = Math.max(...kids.map((k) => k.finishedAt ?? Infinity));
    if (t.finishedAt >= kidsEnd)
      return `${t.name} sent ${kids.length} ${kids[0]!.name} tasks and held its worker slot until they finished (t=${fmt(t.startedAt, 1)}–${fmt(t.finishedAt, 1)} s): it waited on their results inside a task (result.get() inside a task). Send a workflow (chain/chord) instead and let no task wait`;
  }
  return null;
}

/** When tasks ran one after another (each started after the previous finished), how, in words; null if they overlapped. */
export function sequentialProblem(tasks: TaskView[]): string | null {
  if (tasks.length < 2) return `only ${tasks.length} of the tasks ran`;
  if (tasks.some((t) => t.startedAt === null || t.finishedAt === null)) return `${tasks.filter((t) => t.finishedAt === null).map((t) => t.name).join(", ")} never finished`;
  const lastStart = Math.max(...tasks.map((t) => t.startedAt!));
  const firstEnd = Math.min(...tasks.map((t) => t.finishedAt!));
  if (lastStart < firstEnd) return null;
  const order = [...tasks].sort((a, b) => a.startedAt! - b.startedAt!);
  return `${order.map((t) => `${t.name} at ${fmt(t.startedAt, 1)} s`).join(", ")}: they ran one after another, not in parallel (a chain runs steps in sequence; a group sends them all at once)`;
}

/**
 * Messages waiting in `queue` at each of `timesS` (ascending), replayed from the trace's message
 * events (sim/world/metrics/broker-depth.ts, a pure reader of the trace): what the broker would
 * have answered to a queue-length query at that instant, after everything else that happened then
 * (or, when `before` holds the trace index of the event that made the query, just before it).
 */
export function queueReadyAt(r: LabRun, queue: string, timesS: { atS: number; before?: number }[]): number[] {
  const depth = new BrokerDepth();
  const out: number[] = [];
  let i = 0;
  const trace = r.trace;
  for (const q of timesS) {
    while (i < trace.length && (q.before !== undefined ? trace[i]!.i < q.before : trace[i]!.atS <= q.atS + 1e-9)) depth.fold(trace[i++]!);
    out.push(depth.ready(queue));
  }
  return out;
}

/**
 * The most tasks one worker held at once (received and not yet finished: running or reserved in its
 * prefetch buffer), from the events in order; only the tasks `include` accepts count.
 */
export function mostHeld(r: LabRun, include: (uuid: string) => boolean = () => true): { worker: string; max: number; atS: number } {
  const h = mostHeldBeyond(r, () => 0, include);
  return { worker: h.worker, max: h.held, atS: h.atS };
}

/**
 * The moment one worker held the most tasks beyond what it can run (its concurrency, from the
 * report): `held` then, its `concurrency`, and when. A worker given more processes to run long
 * tasks holds more without holding any behind them.
 */
export function mostHeldBeyond(r: LabRun, canRun: (worker: string) => number = (w) => r.report.workers.find((x) => x.hostname === w)?.concurrency ?? 0, include: (uuid: string) => boolean = () => true): { worker: string; held: number; concurrency: number; atS: number } {
  const held: Record<string, number> = {};
  let best = { worker: "", held: 0, concurrency: 0, atS: 0 };
  for (const e of r.report.events) {
    if (!e.uuid || !include(e.uuid)) continue;
    const w = e.hostname ?? "";
    if (e.type === "task-received") held[w] = (held[w] ?? 0) + 1;
    else if (e.type === "task-succeeded" || e.type === "task-failed") held[w] = (held[w] ?? 0) - 1;
    else continue;
    const c = canRun(w);
    if (held[w]! - c > best.held - best.concurrency) best = { worker: w, held: held[w]!, concurrency: c, atS: e.timestamp };
  }
  return best;
}

/**
 * Tasks per second of `tasks`: their count over the seconds from the first send (or the first start)
 * to the last finish; null when one never started or finished, Infinity when no time passed.
 */
export function tasksPerS(tasks: TaskView[], from: "sent" | "started"): number | null {
  if (tasks.length === 0 || tasks.some((t) => t.startedAt === null || t.finishedAt === null || (from === "sent" && t.sentAt === null))) return null;
  const first = Math.min(...tasks.map((t) => (from === "sent" ? t.sentAt! : t.startedAt!)));
  const last = Math.max(...tasks.map((t) => t.finishedAt!));
  return last > first ? tasks.length / (last - first) : Infinity;
}

/**
 * No-op tasks faster than this cost (almost) nothing: the run did not charge Celery's own work
 * (`costs: "ideal"`). Real Celery's fastest measured no-op rate is ~2 500 tasks/s (M3).
 */
export const NO_COST_TPS = 20000;
