/**
 * Tasks: `app.task(fn)` or `app.task(options, fn)` returns one of these. Learners extend `Task` to
 * share hooks (`class TrackableTask extends Task { onSuccess(...) {...} }`, then `{ base: TrackableTask }`).
 *
 * A task object is shared by every execution, as in a worker process; `self.request` inside a bound
 * task is the request of *this* execution because each execution gets its own view of the task
 * (`Object.create(task)` with its own `request`).
 */
import type { TaskApp } from "./ports";
import type { AsyncResult, EagerResult } from "./result";
import { Signature } from "./signature";
import { MaxRetriesExceededError, Retry } from "./errors";
import { pyRepr, pyTuple } from "./pyrepr";
import type { SignatureData, SignatureOptions } from "./signature-data";
import { isThenable } from "../engine/sim";
import { replaceTask } from "./replace";

export type ErrorClass = abstract new (...args: any[]) => Error;

export interface TaskHooks {
  beforeStart?(taskId: string, args: unknown[], kwargs: Record<string, unknown>): void;
  onSuccess?(retval: unknown, taskId: string, args: unknown[], kwargs: Record<string, unknown>): void;
  onFailure?(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: ExceptionInfo): void;
  onRetry?(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: ExceptionInfo): void;
  afterReturn?(status: string, retval: unknown, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: ExceptionInfo | null): void;
}

export interface TaskOptions extends TaskHooks {
  name?: string;
  bind?: boolean;
  base?: new () => Task;
  /** Default 3; null retries forever. */
  maxRetries?: number | null;
  /** Seconds; default 180. */
  defaultRetryDelay?: number;
  autoretryFor?: ErrorClass[];
  retryKwargs?: { maxRetries?: number | null; countdown?: number };
  /** true (factor 1) or a factor in seconds. */
  retryBackoff?: boolean | number;
  retryBackoffMax?: number;
  retryJitter?: boolean;
  rateLimit?: string | number | null;
  timeLimit?: number | null;
  softTimeLimit?: number | null;
  acksLate?: boolean;
  rejectOnWorkerLost?: boolean;
  ignoreResult?: boolean;
  queue?: string;
  priority?: number;
  trackStarted?: boolean;
  /** Seconds after sending after which the task is revoked as expired. */
  expires?: number;
  [key: string]: unknown;
}

export interface ApplyOptions extends SignatureOptions {
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  link?: any;
  linkError?: any;
  /** Retries this message carries (used by retries; rarely set by hand). */
  retries?: number;
}

/** Celery's ExceptionInfo, as `on_failure` receives it. */
export interface ExceptionInfo {
  type: string;
  exception: Error;
  traceback: string;
}

export interface DeliveryInfo {
  exchange: string;
  routingKey: string;
  /** The queue the message came from. */
  queue: string;
  priority: number | null;
  redelivered: boolean | null;
}

export interface Request {
  id: string | null;
  task: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  retries: number;
  hostname: string | null;
  deliveryInfo: DeliveryInfo | null;
  isEager: boolean;
  calledDirectly: boolean;
  eta: number | null;
  expires: number | null;
  parentId: string | null;
  rootId: string | null;
  groupId: string | null;
  groupIndex: number | null;
  chain: SignatureData[] | null;
  callbacks: SignatureData[];
  errbacks: SignatureData[];
  chord: SignatureData | null;
  timeLimit: [number | null, number | null];
  ignoreResult: boolean;
  origin: string | null;
}

export function emptyRequest(name: string): Request {
  return {
    id: null,
    task: name,
    args: [],
    kwargs: {},
    retries: 0,
    hostname: null,
    deliveryInfo: null,
    isEager: false,
    calledDirectly: true,
    eta: null,
    expires: null,
    parentId: null,
    rootId: null,
    groupId: null,
    groupIndex: null,
    chain: null,
    callbacks: [],
    errbacks: [],
    chord: null,
    timeLimit: [null, null],
    ignoreResult: false,
    origin: null,
  };
}

// Hooks are optional methods: defined by options or by a base class that extends Task.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Task<A extends unknown[] = any[], R = any> extends TaskHooks {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Task<A extends unknown[] = any[], R = any> {
  name = "";
  app!: TaskApp;
  bind = false;
  maxRetries: number | null = 3;
  defaultRetryDelay = 180;
  autoretryFor: ErrorClass[] = [];
  retryKwargs: { maxRetries?: number | null; countdown?: number } = {};
  retryBackoff: boolean | number = false;
  retryBackoffMax = 600;
  retryJitter = true;
  rateLimit: string | number | null = null;
  timeLimit: number | null = null;
  softTimeLimit: number | null = null;
  acksLate: boolean | null = null;
  rejectOnWorkerLost: boolean | null = null;
  ignoreResult: boolean | null = null;
  queue: string | null = null;
  priority: number | null = null;
  trackStarted: boolean | null = null;
  expires: number | null = null;
  /** The body, as written by the learner. */
  fn!: (...args: any[]) => unknown;

  /** Outside an execution, the empty request Celery has when a task is called directly. */
  get request(): Request {
    return emptyRequest(this.name);
  }

  /**
   * Celery's `Task.__call__`: what the tracer calls to run the body (with `autoretryFor` applied), with
   * `this` being the task viewed with the execution's request. A base class overrides it to wrap every
   * execution (a profiling base task) and calls `super.__call__(...args)` to run the body.
   */
  __call__(...args: unknown[]): unknown {
    const call = () => (this.bind ? this.fn(this, ...args) : this.fn(...args));
    return this.autoretryFor.length ? withAutoretry(this, call) : call();
  }

  /** The body alone: no hooks, no backend, no broker (Python's `task(...)` / `task.run(...)`). */
  run(...args: A): R {
    const self = this.withRequest(emptyRequest(this.name));
    return (this.bind ? this.fn(self, ...args) : this.fn(...args)) as R;
  }

  delay(...args: A): AsyncResult<Awaited<R>> {
    return this.applyAsync(args);
  }

  applyAsync(args?: A | unknown[], options: ApplyOptions = {}): AsyncResult<Awaited<R>> {
    return this.app._sendTask(this, (args ?? []) as unknown[], options.kwargs ?? {}, options) as AsyncResult<Awaited<R>>;
  }

  apply(args?: A | unknown[], options: ApplyOptions = {}): EagerResult<Awaited<R>> {
    return this.app._applyEager(this, (args ?? []) as unknown[], options.kwargs ?? {}, options) as EagerResult<Awaited<R>>;
  }

  s(...args: unknown[]): Signature {
    return new Signature(this.app, { task: this.name, args, kwargs: {}, options: {}, immutable: false, subtaskType: null });
  }

  si(...args: unknown[]): Signature {
    return new Signature(this.app, { task: this.name, args, kwargs: {}, options: {}, immutable: true, subtaskType: null });
  }

  signature(args: unknown[] = [], options: { kwargs?: Record<string, unknown>; immutable?: boolean } & SignatureOptions = {}): Signature {
    const { kwargs, immutable, ...opts } = options;
    return new Signature(this.app, { task: this.name, args, kwargs: kwargs ?? {}, options: opts, immutable: !!immutable, subtaskType: null });
  }

  /**
   * The countdown of an autoretry under `retryBackoff` (Celery's exponential backoff with its jitter),
   * for this execution's retries; null without backoff. The Python front's autoretry asks it too.
   */
  autoretryBackoffS(): number | null {
    if (!this.retryBackoff) return null;
    const factor = this.retryBackoff === true ? 1 : Number(this.retryBackoff);
    return backoffCountdown(factor, this.request.retries, this.retryBackoffMax, this.retryJitter, () => this.app._sim.rng.stream("retry-jitter").random());
  }

  /**
   * Retry this execution: publishes the retry and throws `Retry`, so `throw self.retry(...)` reads
   * like Python's `raise self.retry(...)`. Past `maxRetries` it throws `exc` when given (Celery
   * re-raises the original error), else MaxRetriesExceededError.
   */
  retry(opts: { exc?: unknown; countdown?: number; eta?: number; maxRetries?: number | null; args?: unknown[]; kwargs?: Record<string, unknown>; queue?: string } = {}): never {
    const req = this.request;
    if (req.calledDirectly) throw opts.exc ?? new Retry("Task can be retried", null);
    const maxRetries = opts.maxRetries !== undefined ? opts.maxRetries : this.maxRetries;
    const retries = req.retries + 1;
    const args = opts.args ?? req.args;
    const kwargs = opts.kwargs ?? req.kwargs;
    if (maxRetries !== null && retries > maxRetries) {
      if (opts.exc !== undefined && opts.exc !== null) throw opts.exc;
      throw new MaxRetriesExceededError(`Can't retry ${this.name}[${req.id}] args:${pyTuple(args)} kwargs:${pyRepr(kwargs)}`);
    }
    let countdown = opts.countdown;
    if (opts.eta === undefined && countdown === undefined) countdown = this.defaultRetryDelay;
    const when = opts.eta !== undefined ? opts.eta : countdown!;
    const excText = opts.exc instanceof Error ? `: ${opts.exc.name}(${pyRepr(opts.exc.message)})` : "";
    const retry = new Retry(`Retry in ${when}s${excText}`, opts.exc ?? null, when);
    if (!req.isEager) this.app._publishRetry(this, req, { retries, args, kwargs, countdown, eta: opts.eta, queue: opts.queue });
    throw retry;
  }

  /**
   * Celery's `self.replace(sig)`: the replacement takes this task's id, callbacks, chord and chain
   * rest; this execution ends with Ignore (`throw self.replace(sig)` reads like `raise`). Inside
   * apply() the replacement runs inline and its value is returned (await it). See replace.ts.
   */
  replace(sig: Signature): Promise<unknown> {
    return replaceTask(this, this.request, sig);
  }

  /** Store a custom state (PROGRESS…) in the result backend for this task (or `taskId`). */
  updateState(opts: { state?: string; meta?: unknown; taskId?: string } = {}): void {
    const id = opts.taskId ?? this.request.id;
    if (!id) {
      // What Celery 5.2 raises when a task called directly tries to store a state (FINDINGS §1).
      throw new TypeError("sequence item 1: expected a bytes-like object, NoneType found");
    }
    this.app._updateState(id, opts.state ?? "PENDING", opts.meta ?? null, this.name);
  }

  /** A view of this task whose `request` is `req` (what a bound body receives as `self`). */
  withRequest(req: Request): this {
    const self = Object.create(this) as this;
    Object.defineProperty(self, "request", { value: req, enumerable: true });
    return self;
  }

  map(items: unknown[]): Signature {
    return this.app._canvas.map(this, items);
  }

  starmap(items: unknown[][]): Signature {
    return this.app._canvas.starmap(this, items);
  }

  chunks(items: unknown[][], n: number): Signature {
    return this.app._canvas.chunks(this, items, n);
  }

  toString(): string {
    return `<@task: ${this.name}>`;
  }
}

/**
 * `autoretryFor`: an error of a listed class becomes `self.retry(exc=...)`, with `retryBackoff`'s
 * countdown and `retryKwargs` (Celery's add_autoretry_behaviour wraps the task's run this way).
 */
function withAutoretry(self: Task, call: () => unknown): unknown {
  const onError = (e: unknown): never => {
    if (e instanceof Retry || !self.autoretryFor.some((cls) => e instanceof cls)) throw e;
    const countdown = self.autoretryBackoffS() ?? self.retryKwargs.countdown;
    const opts: Parameters<Task["retry"]>[0] = { exc: e };
    if (countdown !== undefined) opts.countdown = countdown;
    if ("maxRetries" in self.retryKwargs) opts.maxRetries = self.retryKwargs.maxRetries ?? null;
    return self.retry(opts);
  };
  try {
    const out = call();
    return isThenable(out) ? Promise.resolve(out).catch(onError) : out;
  } catch (e) {
    return onError(e);
  }
}

/** Celery's exponential backoff: min(max, factor·2^retries), then full jitter when on. */
export function backoffCountdown(factor: number, retries: number, maximumS: number, jitter: boolean, random: () => number): number {
  let countdown = Math.min(maximumS, factor * 2 ** retries);
  if (jitter) countdown = Math.floor(random() * (countdown + 1));
  return Math.max(0, countdown);
}
