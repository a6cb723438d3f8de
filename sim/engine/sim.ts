/**
 * The simulation core: the clock, the seeded streams, the trace, and the bridge between the
 * event loop of the simulator and the learner's async code.
 *
 * Learner code (task bodies, main, timers, handlers) is always entered from a kernel event that
 * belongs to one execution context. When that code returns a promise, or when a promise it awaits
 * is settled, its continuation runs as microtasks; the run loop then yields one macrotask to the host
 * so that every microtask has run before the next event. Since each such event wakes one context,
 * `current` tells which task a call to `delay`, `sleep` or `console.log` comes from.
 */
import { Scheduler, type SimEvent } from "../kernel/scheduler";
import { RngStreams } from "../kernel/rng";
import { Trace, type TraceKind } from "../kernel/trace";

/** What the host (Node or a Web Worker) lends the simulator. Nothing else reaches the outside. */
export interface Host {
  /** Resolve after the host's microtask queue has drained (setImmediate, MessageChannel). */
  yieldMacrotask(): Promise<void>;
  /** Told whenever learner code is about to run under another label (for hang reports). */
  onEnter?(label: string, kind: ContextKind): void;
}

export type ContextKind = "main" | "module" | "task" | "timer" | "handler" | "eager" | "system";

/** Sim.lateFlow: a flow's own account of when it runs. */
export interface LateFlow {
  begin(): void;
  suspend(): void;
  resume(): void;
  end(): void;
}

export class ExecContext {
  alive = true;
  /**
   * The context's code is waiting on a promise the simulator will settle (a sleep, a get()).
   * While it is not, its continuation may still be running in the microtask queue.
   */
  parked = false;
  /**
   * Flows of this context's code about to run that the simulator did not start (a Python thread
   * its runtime schedules on a later host turn; Sim.hold): while any is held, the flush waits.
   */
  holds = 0;
  /**
   * A one-shot context (a signal receiver, an event handler) whose call has settled: nothing of its
   * code is left to run, so the flush stops waiting for it (Sim.enter). Without it a Python
   * task_postrun receiver, which never parks once done, held every flush for all its resumeTurns.
   */
  finished = false;
  /**
   * The context's code owes CPU until this simulated time (a publish's cost, charged by the cost
   * model): its next sleep or awaited result resumes no earlier, since a synchronous call cannot wait.
   */
  busyUntilS = 0;
  /** Promises handed to this context's code and not yet settled (made on first use). */
  private waitSet: Set<Pending<unknown>> | null = null;
  get waits(): Set<Pending<unknown>> {
    return (this.waitSet ??= new Set());
  }
  get hasWaits(): boolean {
    return !!this.waitSet?.size;
  }
  constructor(
    readonly kind: ContextKind,
    private labelText: string | (() => string),
    /** Task index when the context is a task execution, else -1. */
    readonly taskIndex = -1,
    /** The Celery request (id, retries…) when inside a task. */
    public request: unknown = null,
  ) {}

  /** The simulated process whose CPU this context's code burns (sim/world/host.ts); null: the client. */
  lane: unknown = null;

  /** "main", "add[5f1c…]": who is running (built only when asked: a million tasks need none). */
  get label(): string {
    if (typeof this.labelText === "function") this.labelText = this.labelText();
    return this.labelText;
  }
}

export class Pending<T> {
  settled = false;
  timer: SimEvent | null = null;
  /** Told when something other than its owner settles or drops it (an interrupt, a killed context). */
  onDrop: (() => void) | null = null;
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  readonly promise: Promise<T>;
  constructor(readonly ctx: ExecContext) {
    this.promise = new Promise<T>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
}

const MICROTASK_TURNS = 32;

export type EndReason = "completed" | "until" | "error" | "running";

export class Sim {
  readonly sched = new Scheduler();
  readonly rng: RngStreams;
  readonly trace = new Trace();
  readonly system = new ExecContext("system", "simulator");
  current: ExecContext = this.system;
  /**
   * Host macrotask turns a woken context gets to wait on the simulator again or end, after its
   * microtask turns. One for TypeScript (its continuations are microtasks; a context awaiting a
   * promise of its own must not stall the run). More for code that certainly waits or ends but
   * resumes through its runtime's own task queue: a Python body under JSPI resumes through
   * Pyodide's scheduling (a MessageChannel of its own), which the browser may order after the
   * host's one turn; the flush then moved on with that context still running, and its next call
   * (a `.get()` in main) ran under another context (a task's: "Never call result.get() within a
   * task!", or a wait no one settles: the run stopped at `until` with main waiting).
   */
  resumeTurns = 1;
  /**
   * Code entered from inside other code (a signal receiver called as a task ends) starts in a later
   * host turn: Python under JSPI, whose `callPromising` schedules the call through Pyodide's own
   * task queue. TypeScript runs synchronously up to its first await, so the flush only watches the
   * current context; with this set it also runs each such nested context, current, until it waits
   * on the simulator or its promise settles. Without it a task_postrun receiver read the clock after
   * the run had moved on (by the result's store, ~1 ms).
   */
  nestedStartsLate = false;
  private nested: { ctx: ExecContext; settled: boolean }[] = [];
  /** Set when learner code may have continuations waiting in the microtask queue. */
  private needFlush = false;
  private lastLabel = "";
  private lastEntered: ExecContext | null = null;
  /** The last enter named its code itself (`label`): the next one says its own name again. */
  private lastNamed = false;
  private traceListeners: ((i: number) => void)[] = [];

  constructor(
    readonly seed: number,
    readonly host: Host,
  ) {
    this.rng = new RngStreams(seed);
  }

  get nowS(): number {
    return this.sched.nowS;
  }

  /** Append to the trace and tell the listeners (metrics, alert rules). */
  record(kind: TraceKind, task = -1, worker = -1, num = NaN, data?: unknown): number {
    const i = this.trace.append(kind, this.sched.nowS, task, worker, num, data);
    for (const l of this.traceListeners) l(i);
    return i;
  }

  onRecord(listener: (i: number) => void): () => void {
    this.traceListeners.push(listener);
    return () => {
      this.traceListeners = this.traceListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Run learner code `fn` now under `ctx`. Returns what it returns; a thrown error propagates.
   * A returned promise marks the loop to flush before the next event. `label`: what a watchdog
   * names if `fn` hangs, where that is not `ctx`'s own label (a timer runs in the context that set it).
   */
  enter<T>(ctx: ExecContext, fn: () => T, named?: string): T {
    const prev = this.current;
    this.current = ctx;
    ctx.parked = false;
    if (this.host.onEnter && (ctx !== this.lastEntered || named !== undefined || this.lastNamed)) {
      this.lastEntered = ctx;
      this.lastNamed = named !== undefined;
      const label = named ?? ctx.label;
      if (label !== this.lastLabel) {
        this.lastLabel = label;
        this.host.onEnter(label, ctx.kind);
      }
    }
    try {
      const r = fn();
      if (isThenable(r)) {
        this.needFlush = true;
        if (ctx.kind === "handler") {
          const finish = () => {
            ctx.finished = true;
          };
          r.then(finish, finish);
        }
        if (this.nestedStartsLate && prev !== this.system && prev !== ctx) this.watchNested(ctx, r);
      }
      return r;
    } finally {
      // Entered from the simulator itself: continuations of `ctx` run in the flush that follows
      // this event, so `ctx` stays current. Entered from learner code (an eager apply, a hook):
      // the caller's context comes back.
      this.current = prev === this.system && this.needFlush ? ctx : prev;
    }
  }

  /**
   * A flow of `ctx`'s code that its runtime starts on a later host turn (a Python signal receiver
   * under JSPI): it says when it runs, so the simulator's calls it makes (a Redis command, a sleep)
   * are `ctx`'s, not those of whichever context the flush was running when it began or resumed.
   * `begin`/`resume` make `ctx` current and keep what was; `suspend`/`end` give that back.
   */
  lateFlow(ctx: ExecContext = this.current): LateFlow {
    let saved: ExecContext = this.system;
    const enter = () => {
      saved = this.current;
      this.current = ctx;
    };
    const leave = () => {
      if (this.current === ctx) this.current = saved;
    };
    return { begin: enter, resume: enter, suspend: leave, end: leave };
  }

  /** A promise for `ctx`'s code, settled later through `settle`. */
  pending<T>(ctx: ExecContext = this.current): Pending<T> {
    const p = new Pending<T>(ctx);
    ctx.parked = true;
    ctx.waits.add(p as Pending<unknown>);
    return p;
  }

  /**
   * Settle `p` in an event of its own, so its continuation runs with its context current.
   * Nothing happens when the context died meanwhile (a killed worker, a terminated task).
   */
  settle<T>(p: Pending<T>, ok: boolean, value: T | unknown, delayS = 0): void {
    if (p.settled) return;
    p.settled = true;
    p.onDrop?.();
    this.sched.cancel(p.timer);
    p.timer = null;
    this.sched.schedule(Math.max(delayS, p.ctx.busyUntilS - this.sched.nowS), () => this.settleNow(p, ok, value));
  }

  /** Settle `p` from inside an event that belongs to it (a timer of its own). */
  settleNow<T>(p: Pending<T>, ok: boolean, value: T | unknown): void {
    p.settled = true;
    p.ctx.waits.delete(p as Pending<unknown>);
    if (!p.ctx.alive) return;
    this.enter(p.ctx, () => {
      if (ok) p.resolve(value as T);
      else p.reject(value);
      this.needFlush = true;
    });
    this.current = p.ctx;
  }

  /** `await sleep(s)`: a promise settled after `delayS` of simulated time. */
  sleep(delayS: number, ctx: ExecContext = this.current): Promise<void> {
    if (!(delayS >= 0)) delayS = 0;
    const p = this.pending<void>(ctx);
    const debtS = Math.max(0, ctx.busyUntilS - this.sched.nowS);
    p.timer = this.sched.schedule(debtS + delayS, () => this.settleNow(p, true, undefined));
    return p.promise;
  }

  /** The context is gone (its worker or pool child died): its promises never settle. */
  kill(ctx: ExecContext): void {
    ctx.alive = false;
    if (!ctx.hasWaits) return;
    for (const p of ctx.waits) {
      this.sched.cancel(p.timer);
      p.settled = true;
      p.onDrop?.();
    }
    ctx.waits.clear();
  }

  /** Reject every promise `ctx` waits on with `error` (a soft time limit raised where it waits). */
  interrupt(ctx: ExecContext, error: unknown): void {
    if (!ctx.hasWaits) return;
    for (const p of [...ctx.waits]) this.settle(p, false, error);
  }

  /**
   * Let the learner code the last event woke run until it waits on the simulator again (a sleep,
   * a get()) or ends. Microtask turns are cheap; a context that neither parks nor ends within a
   * few dozen turns (it awaits a promise of its own) gets one full macrotask turn, which drains
   * every microtask there is.
   */
  async flush(): Promise<void> {
    while (this.needFlush) {
      this.needFlush = false;
      await this.runUntilWaiting(this.current, () => false);
      // Nested code that starts late (nestedStartsLate), each with its own context current.
      for (let n = this.nested.shift(); n; n = this.nested.shift()) {
        const outer = this.current;
        this.current = n.ctx;
        const entry = n;
        await this.runUntilWaiting(n.ctx, () => entry.settled);
        this.current = outer;
      }
    }
    this.current = this.system;
  }

  /**
   * Keep `ctx` running through the flush until the returned function is called, though it waits on
   * the simulator meanwhile: a flow of its code is about to start or resume on a later host turn,
   * through its runtime's own scheduling (a Python thread: Pyodide starts it a turn later, and the
   * code that started it resumes a turn after it first waits). Bounded by resumeTurns, as a wake is.
   */
  hold(ctx: ExecContext = this.current): () => void {
    ctx.holds++;
    let held = true;
    return () => {
      if (held) ctx.holds--;
      held = false;
    };
  }

  /**
   * Fire one event; true when the code it woke must be flushed (await flush() before the next).
   * The synchronous half of stepOne, for loops that fire many events: most events wake no
   * learner code, and awaiting an async step for each cost a promise and a microtask turn.
   */
  stepSync(): { fired: boolean; mustFlush: boolean } {
    const fired = this.sched.step();
    if (this.needFlush) return fired ? FIRED_FLUSH : NOT_FIRED_FLUSH;
    this.current = this.system;
    return fired ? FIRED : NOT_FIRED;
  }

  private async runUntilWaiting(ctx: ExecContext, done: () => boolean): Promise<void> {
    // A held context (Sim.hold) keeps running though parked: a flow of its code starts late.
    const running = () => ctx.alive && !ctx.finished && (!ctx.parked || ctx.holds > 0) && !done();
    for (let i = 0; i < MICROTASK_TURNS && running(); i++) await null;
    for (let t = 0; t < this.resumeTurns && running(); t++) await this.host.yieldMacrotask();
  }

  private watchNested(ctx: ExecContext, started: PromiseLike<unknown>): void {
    const entry = { ctx, settled: false };
    const settled = () => {
      entry.settled = true;
    };
    started.then(settled, settled);
    this.nested.push(entry);
  }

  /** Fire one event and flush. Returns false when nothing is scheduled. */
  async stepOne(): Promise<boolean> {
    const ok = this.sched.step();
    if (this.needFlush) await this.flush();
    else this.current = this.system;
    return ok;
  }
}

const FIRED = { fired: true, mustFlush: false } as const;
const FIRED_FLUSH = { fired: true, mustFlush: true } as const;
const NOT_FIRED = { fired: false, mustFlush: false } as const;
const NOT_FIRED_FLUSH = { fired: false, mustFlush: true } as const;

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === "object" || typeof x === "function") && typeof (x as { then?: unknown }).then === "function";
}
