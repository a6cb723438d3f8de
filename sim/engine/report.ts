/** The run's report and frames, built from the world and the trace (plain data only). */
import type { World } from "../celery/world";
import type { TaskRecord } from "../celery/records";
import { taskEventFields, workerEventFields } from "../celery/events";
import { reprError, textOf, typeNameOf } from "../celery/errors";
import { FAILURE, READY_STATES, REVOKED, SUCCESS } from "../celery/states";
import { CELERY_EVENT_KINDS } from "../kernel/trace";
import { joinView } from "./task-view";
import type { CeleryEventView, QueueView, RunStats, SerializedError, TaskPatch, TaskView, WorkerView } from "./types";

const CELERY_KINDS = new Set<string>(CELERY_EVENT_KINDS);

export function serializeError(e: unknown, traceback: string | null = null): SerializedError {
  const err = e instanceof Error ? e : new Error(textOf(e));
  return { type: typeNameOf(err), message: textOf(err.message), traceback };
}

/** Plain data for anything a task may return (JSON-safe; errors as {type, message}; cycles cut). */
export function plain(v: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  if (typeof v === "bigint") return String(v);
  if (typeof v === "function") return `[function ${v.name}]`;
  if (typeof v === "symbol") return String(v);
  if (v instanceof Error) return { type: typeNameOf(v), message: textOf(v.message), repr: reprError(v) };
  if (depth > 200 || seen.has(v as object)) return "[circular]";
  seen.add(v as object);
  try {
    if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1, seen));
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x, depth + 1, seen)]));
    if (v instanceof Set) return [...v].map((x) => plain(x, depth + 1, seen));
    if (typeof (v as { toJSON?: unknown }).toJSON === "function") return plain((v as { toJSON(): unknown }).toJSON(), depth + 1, seen);
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x, depth + 1, seen)]));
  } finally {
    seen.delete(v as object);
  }
}

/** Where a task stands at the end: finished, still somewhere, or lost. */
export function liveTaskIndices(world: World): Set<number> {
  const live = new Set<number>();
  for (const b of world.brokers.values()) {
    for (const q of b.queues.values()) for (let i = 0; i < q.messages.length; i++) live.add(q.messages.taskIndexAt(i));
    for (const m of b.unacked.values()) live.add(m.taskIndex);
  }
  for (const w of world.workers) {
    for (const r of w.reservedRequests()) live.add(r.rec.index);
    for (const r of w.scheduledRequests()) live.add(r.rec.index);
    for (const e of w.activeExecutions()) live.add(e.rec.index);
  }
  return live;
}

export function taskFate(rec: TaskRecord, live: Set<number>): "done" | "pending" | "lost" {
  if (READY_STATES.has(rec.state) || READY_STATES.has(rec.eventState) || rec.eventState === "REJECTED" || rec.eventState === "IGNORED") return "done";
  if (rec.eager || rec.sentAt === null) return "done"; // never had a message
  return live.has(rec.index) ? "pending" : "lost";
}

/** A task's whole view: `rec` as taskView makes it. */
export function taskView(rec: TaskRecord): TaskView {
  return joinView(rec.id, rec.name, plain(rec.args) as unknown[], plain(rec.kwargs) as Record<string, unknown>, rec, taskPatch(rec));
}

/** The part of a task's view that can change after it exists: what a frame sends for a task the page has. */
export function taskPatch(rec: TaskRecord): TaskPatch {
  const failed = rec.state === FAILURE || rec.state === REVOKED || rec.eventState === FAILURE;
  const exc = failed && rec.result instanceof Error ? rec.result : rec.state === "RETRY" && rec.result instanceof Error ? rec.result : null;
  return {
    index: rec.index,
    state: rec.state,
    eventState: rec.eventState,
    result: rec.state === SUCCESS ? plain(rec.result) : exc ? null : plain(rec.result),
    exception: exc ? serializeError(exc, rec.traceback) : null,
    retries: rec.retries,
    executions: rec.executions,
    worker: rec.worker,
    queue: rec.queue,
    sentAt: rec.sentAt,
    receivedAt: rec.receivedAt,
    startedAt: rec.startedAt,
    finishedAt: rec.finishedAt,
    runtime: rec.runtime,
    eta: rec.eta,
    expires: rec.expires,
    children: [...rec.children],
    lostReason: rec.lostReason,
  };
}

export function workerViews(world: World): WorkerView[] {
  return world.workers.map((w) => ({
    index: w.index,
    hostname: w.name,
    status: w.status === "stopping" ? "online" : w.status,
    concurrency: w.concurrency,
    queues: [...w.queues],
    active: w.activeExecutions().length,
    reserved: w.reservedRequests().length,
    scheduled: w.scheduledRequests().length,
    processed: w.processed,
    prefetchCount: w.prefetchCount,
    lastHeartbeatS: w.lastHeartbeatS,
    pids: w.slots.map((s) => s.pid),
    taskEvents: w.sendsTaskEvents,
  }));
}

export function queueViews(world: World): QueueView[] {
  const out: QueueView[] = [];
  const several = world.brokers.size > 1;
  for (const b of world.brokers.values()) {
    const unacked = new Map<string, number>();
    for (const m of b.unacked.values()) unacked.set(m.queue, (unacked.get(m.queue) ?? 0) + 1);
    for (const q of b.queues.values()) {
      out.push({
        // With several brokers a queue is named by its broker too ("amqp://b celery").
        name: several ? `${b.options.url} ${q.name}` : q.name,
        depth: q.messages.length,
        unacked: unacked.get(q.name) ?? 0,
        published: q.published,
        delivered: q.delivered,
        acked: q.acked,
      });
    }
  }
  return out;
}

export function celeryEvents(world: World, from = 0, to = world.sim.trace.length): CeleryEventView[] {
  const tr = world.sim.trace;
  const out: CeleryEventView[] = [];
  for (let i = from; i < to; i++) {
    const kind = tr.kindAt(i);
    if (!CELERY_KINDS.has(kind)) continue;
    const ev = tr.get(i);
    const worker = ev.worker >= 0 ? world.workers[ev.worker] : undefined;
    if (kind.startsWith("task-")) {
      const rec = world.tasks.at(ev.task)!;
      const e = taskEventFields(kind, rec, worker?.name ?? null, ev.atS, ev.num, ev.data as Record<string, unknown> | undefined);
      if (kind === "task-succeeded") e.result = e.result; // final result; per-attempt values are not kept
      out.push(e as CeleryEventView);
    } else if (worker) {
      const e = workerEventFields(kind, worker, ev.atS);
      e.active = ev.num;
      out.push(e as CeleryEventView);
    }
  }
  return out;
}

export function runStats(world: World): RunStats {
  const tr = world.sim.trace;
  let retried = 0;
  for (let i = 0; i < tr.length; i++) if (tr.kindAt(i) === "task-retried") retried++;
  const live = liveTaskIndices(world);
  let sent = 0,
    succeeded = 0,
    failed = 0,
    revoked = 0,
    rejected = 0,
    lost = 0,
    duplicates = 0;
  for (const rec of world.tasks.all) {
    if (rec.sentAt !== null && !rec.eager) sent++;
    if (rec.state === SUCCESS || (rec.eventState === SUCCESS && rec.ignoreResult)) succeeded++;
    else if (rec.state === FAILURE) failed++;
    else if (rec.state === REVOKED) revoked++;
    if (rec.eventState === "REJECTED") rejected++;
    if (taskFate(rec, live) === "lost") lost++;
    duplicates += Math.max(0, rec.executions - (rec.retries + 1));
  }
  return { sent, succeeded, failed, retried, revoked, rejected, lost, duplicates, events: tr.length };
}
