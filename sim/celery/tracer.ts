/**
 * The task tracer: one home for what happens around a task's body, for the worker and for eager
 * `apply()` alike, as Celery's `celery/app/trace.py build_tracer(eager=...)` is one function for both.
 *
 *   task_prerun → before_start → __call__ (→ autoretry → the body) → then by outcome:
 *   SUCCESS   result encoded and stored, on_success, task_success, after_return
 *   RETRY     stored, on_retry, task_retry                       (no after_return: IGNORE_STATES)
 *   FAILURE   stored, on_failure, task_failure, after_return
 *   REJECTED / IGNORED                                           (no hooks)
 *   and task_postrun in every case (trace.py sends it from a `finally`).
 *
 * What differs between the two callers is declared in `TraceSite`: where hooks run, whether the
 * outcome is stored in the backend and announced as an event (the worker) or not (eager: Celery's
 * eager tracer stores nothing unless task_store_eager_result). What the caller does next (ack or
 * reject the message, the canvas's callbacks, the EagerResult and an eager retry) stays with it.
 */
import { isThenable, type ExecContext, type Sim } from "../engine/sim";
import { Ignore, Reject, Retry, asError, typeNameOf } from "./errors";
import { encode, type Encoded, type Serializer } from "./serialization";
import type { ExceptionInfo, Request, Task } from "./task";
import { FAILURE, IGNORED, REJECTED, RETRY, SUCCESS } from "./states";

export type Outcome =
  | { state: typeof SUCCESS; value: unknown; encoded: Encoded | null }
  | { state: typeof RETRY; exc: Error; einfo: ExceptionInfo }
  | { state: typeof FAILURE; exc: Error; einfo: ExceptionInfo }
  | { state: typeof REJECTED; reject: Reject }
  | { state: typeof IGNORED };

/** What the tracer needs from where it runs (a pool slot on a worker, or the caller for eager). */
export interface TraceSite {
  readonly eager: boolean;
  readonly sim: Sim;
  /** The context the body runs in. */
  readonly ctx: ExecContext;
  /** Run a hook where Celery runs it; a hook that raises is logged and changes nothing. */
  hook(fn: () => void): void;
  /** The result goes to the backend (so it must encode): not ignore_result, and not eager. */
  readonly storesResult: boolean;
  readonly resultSerializer: Serializer;
  /** Store the outcome in the backend and send its task event (the worker); nothing when eager. */
  record(outcome: Outcome): void;
  /** Python-looking traceback text for an error raised by this task. */
  traceback(exc: Error): string;
}

/**
 * Start the body: task_prerun, before_start, then the task's `__call__` (which runs the body). `self`
 * is the task viewed with this request: what a bound body receives, and what a base class's
 * `__call__`, hooks and `retry()` see as `this`.
 */
export function traceStart(site: TraceSite, task: Task, self: Task, req: Request): unknown {
  return site.sim.enter(site.ctx, () => {
    task.app.signals.taskPrerun.send(task, { sender: task, taskId: req.id, task, args: req.args, kwargs: req.kwargs });
    task.beforeStart?.call(self, req.id!, req.args, req.kwargs);
    return self.__call__(...bodyArgs(req));
  });
}

/** The body's arguments: positional, then the keyword arguments as one last object when any. */
export function bodyArgs(req: Request): unknown[] {
  return Object.keys(req.kwargs).length ? [...req.args, req.kwargs] : req.args;
}

/** Run `start` and call `settle(ok, value)` once with what it returned, threw or resolved to. */
export function whenSettled(start: () => unknown, settle: (ok: boolean, value: unknown) => unknown): unknown {
  let out: unknown;
  try {
    out = start();
  } catch (e) {
    return settle(false, e);
  }
  if (isThenable(out)) return Promise.resolve(out).then((v) => settle(true, v), (e) => settle(false, e));
  return settle(true, out);
}

/**
 * What the body's end means: the outcome, recorded, with its hooks and signals sent. As Celery's
 * build_tracer, a hook the task does not define is not called (task_has_custom), and a signal's
 * arguments are built only when it has receivers (each cost a closure, an object and, for a task
 * whose process had ended, a context of its own: ~0.4 kB a task in a burst).
 */
export function traceOutcome(site: TraceSite, task: Task | null, self: Task | null, req: Request, ok: boolean, value: unknown): Outcome {
  const outcome = classify(site, req, ok, value);
  site.record(outcome);
  if (!task || !self) return outcome;
  const id = req.id!;
  const { args, kwargs } = req;
  const signals = task.app.signals;
  let retval: unknown;
  switch (outcome.state) {
    case SUCCESS:
      retval = outcome.value;
      if (task.onSuccess) site.hook(() => task.onSuccess?.call(self, retval, id, args, kwargs));
      if (signals.taskSuccess.hasReceivers) signals.taskSuccess.send(task, { sender: task, result: retval });
      if (task.afterReturn) site.hook(() => task.afterReturn?.call(self, SUCCESS, retval, id, args, kwargs, null));
      break;
    case RETRY:
      retval = outcome.exc;
      if (task.onRetry) site.hook(() => task.onRetry?.call(self, outcome.exc, id, args, kwargs, outcome.einfo));
      if (signals.taskRetry.hasReceivers) signals.taskRetry.send(task, { sender: task, request: req, reason: outcome.exc, einfo: outcome.einfo });
      break;
    case FAILURE:
      retval = outcome.exc;
      if (task.onFailure) site.hook(() => task.onFailure?.call(self, outcome.exc, id, args, kwargs, outcome.einfo));
      if (signals.taskFailure.hasReceivers) signals.taskFailure.send(task, { sender: task, taskId: id, exception: outcome.exc, args, kwargs, traceback: outcome.einfo.traceback, einfo: outcome.einfo });
      if (task.afterReturn) site.hook(() => task.afterReturn?.call(self, FAILURE, outcome.exc, id, args, kwargs, outcome.einfo));
      break;
    case REJECTED:
      retval = outcome.reject;
      break;
    case IGNORED:
      retval = value;
      break;
  }
  if (signals.taskPostrun.hasReceivers) signals.taskPostrun.send(task, { sender: task, taskId: id, task, args, kwargs, retval, state: outcome.state });
  return outcome;
}

function classify(site: TraceSite, req: Request, ok: boolean, value: unknown): Outcome {
  if (ok) {
    if (!site.storesResult) return { state: SUCCESS, value, encoded: null };
    // trace.py: an EncodeError from mark_as_done fails the task (on_error), hooks and all.
    try {
      return { state: SUCCESS, value, encoded: encode(value, site.resultSerializer, () => `result of ${req.task}`) };
    } catch (e) {
      value = e;
    }
  }
  if (value instanceof Retry) {
    const exc = value.exc instanceof Error ? value.exc : value;
    return { state: RETRY, exc, einfo: einfo(site, exc) };
  }
  if (value instanceof Reject) return { state: REJECTED, reject: value };
  if (value instanceof Ignore) return { state: IGNORED };
  const exc = asError(value);
  return { state: FAILURE, exc, einfo: einfo(site, exc) };
}

function einfo(site: TraceSite, exc: Error): ExceptionInfo {
  return { type: typeNameOf(exc), exception: exc, traceback: site.traceback(exc) };
}
