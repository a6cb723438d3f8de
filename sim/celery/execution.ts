/**
 * One execution of a task on a worker's pool slot: the early or late ack, STARTED, the hooks in
 * Celery's order (before_start, body, on_success / on_failure / on_retry, after_return — none after
 * on_retry), time limits, termination, and what a dying pool child means for the message.
 */
import type { SimEvent } from "../kernel/scheduler";
import { ExecContext } from "../engine/sim";
import type { Worker, Reserved, Slot } from "./worker";
import type { TaskRecord } from "./records";
import type { Message } from "./broker";
import type { Request, Task } from "./task";
import {
  NotRegistered,
  SoftTimeLimitExceeded,
  TaskRevokedError,
  TimeLimitExceeded,
  WorkerLostError,
  asError,
  reprError,
  textOf,
  typeNameOf,
  ERROR_CLASSES,
} from "./errors";
import { decode, type Serializer } from "./serialization";
import { FAILURE, REJECTED, RETRY, REVOKED, STARTED, SUCCESS } from "./states";
import { traceOutcome, traceStart, whenSettled, type Outcome, type TraceSite } from "./tracer";

/**
 * How long until a Redis worker acts on a SIGKILLed pool child (fails its job, or requeues it with
 * reject_on_worker_lost). AsynPool watches each child's process sentinel: on the kill it runs
 * maintain_pool at once, which reaps the child and marks its job lost; but in some runs the job is
 * only marked lost ~4 s later (as a replacement child after revoke(terminate=True) comes up late in
 * the same share of runs, worker.ts). Measured on Celery 5.2.6 + Redis 7 (reference pair
 * acks_late_redis_child_killed_requeue, 36 kills in 18 runs, some on a loaded machine; a probe with tasks
 * of 2, 5 and 8 s gave the same two modes): the re-run came 0.114–0.211 s after the kill, or 4.057–4.116 s
 * in 8 kills, more often under load; 4 kills in the pair's first two runs gave 0.7–1.1 s, seen in no
 * run since and not modelled (they count as slow in the share below). FINDINGS §4's 4.0 s
 * (WorkerLostError, one run) is the slow mode. One mode per kill, drawn from the seed.
 */
const WORKER_LOST_FAST_S: [number, number] = [0.114, 0.211];
const WORKER_LOST_SLOW_S: [number, number] = [4.057, 4.116];
const WORKER_LOST_SLOW_SHARE = 12 / 36;
/** RabbitMQ: 0.05 s to the WorkerLostError and 0.06 s to the re-run (FINDINGS §4, one run each). */
const WORKER_LOST_RABBITMQ_S = 0.05;

export function requestFromMessage(msg: Message, worker: Worker): Request {
  const b = msg.body;
  // The consuming process decodes its own copy (kombu Message.decode): a task mutating its
  // arguments changes neither the caller's objects nor a redelivery of the same message.
  const [args, kwargs] = decode(b.payload) as [unknown[], Record<string, unknown>];
  return {
    id: b.id,
    task: b.task,
    args,
    kwargs,
    retries: b.retries,
    hostname: worker.name,
    deliveryInfo: { exchange: msg.exchange, routingKey: msg.routingKey, queue: msg.queue, priority: msg.priority, redelivered: msg.redelivered ? true : worker.app._broker.transport === "redis" ? null : false },
    isEager: false,
    calledDirectly: false,
    eta: b.eta,
    expires: b.expires,
    parentId: b.parentId,
    rootId: b.rootId,
    groupId: b.groupId,
    groupIndex: b.groupIndex,
    chain: b.chain,
    callbacks: b.link,
    errbacks: b.linkError,
    chord: b.chord,
    timeLimit: [b.softTimeLimit, b.hardTimeLimit],
    ignoreResult: b.ignoreResult,
    origin: b.origin,
  };
}

/**
 * A Python-looking traceback that points into the learner's file, innermost call last (never
 * hashed: stacks differ between engines).
 */
export function tracebackOf(e: unknown, taskName: string, formatFrames: (stack: string) => string[]): string {
  const err = asError(e);
  const frames = formatFrames(err.stack ?? "").slice(0, 12).reverse().map((l) => `  ${l}`);
  return ["Traceback (most recent call last):", `  task ${taskName}`, ...frames, `${typeNameOf(err)}: ${textOf(err.message)}`].join("\n");
}

/** A reserved request that turned out revoked or expired: REVOKED, acked, never run. */
/** Celery's task_revoked signal, sent by the worker (main process) when it revokes a request. */
function sendTaskRevoked(app: Worker["app"], task: Task | null, request: Request, terminated: boolean, signum: number | null, expired: boolean): void {
  app.signals.taskRevoked.send(task, { sender: task, request, terminated, signum, expired });
}

export function revokeReserved(worker: Worker, r: Reserved, reason: "revoked" | "expired"): void {
  const app = worker.app;
  const rec = r.rec;
  app._backend.store(rec, REVOKED, new TaskRevokedError(reason));
  rec.eventState = REVOKED;
  rec.finishedAt = worker.sim.nowS;
  app._emitTask("task-revoked", rec, worker, NaN, { terminated: false, signum: null, expired: reason === "expired" });
  const request = requestFromMessage(r.msg, worker);
  sendTaskRevoked(app, r.task, request, false, null, reason === "expired");
  worker.released(r);
  app._broker.ack(r.msg);
  app._canvas.onRevoked(rec, request, reason);
}

export class Execution implements TraceSite {
  readonly ctx: ExecContext;
  readonly rec: TaskRecord;
  readonly req: Request;
  readonly task: Task | null;
  startedAtS = 0;
  done = false;
  /** The task viewed with this request (what the body, hooks and `__call__` see as self), once started. */
  private self: Task | null = null;
  private acked = false;
  private softTimer: SimEvent | null = null;
  private hardTimer: SimEvent | null = null;

  constructor(
    readonly worker: Worker,
    readonly slot: Slot,
    readonly reserved: Reserved,
  ) {
    this.rec = reserved.rec;
    // The task as the process running it imported it: its module state, its hooks, its signals.
    this.task = worker.imageFor(slot)?.task(reserved.msg.body.task, worker.appIndex) ?? reserved.task;
    this.req = requestFromMessage(reserved.msg, worker);
    const rec = this.rec;
    this.ctx = new ExecContext("task", () => `${rec.name}[${rec.id}]`, rec.index, this.req);
    this.ctx.lane = worker.laneFor(slot);
  }

  get app() {
    return this.worker.app;
  }
  get sim() {
    return this.worker.sim;
  }
  get msg(): Message {
    return this.reserved.msg;
  }

  private acksLate(): boolean {
    return this.task?.acksLate ?? this.app._processConf.taskAcksLate;
  }

  private ack(): void {
    if (this.acked) return;
    this.acked = true;
    this.worker.released(this.reserved);
    this.app._broker.ack(this.msg);
  }

  start(): void {
    const { worker, rec, app, sim } = this;
    const reason = worker.revokedReason(this.reserved);
    if (reason) {
      revokeReserved(worker, this.reserved, reason);
      worker.pump();
      return;
    }
    this.slot.exec = this;
    if (!this.acksLate()) this.ack();
    this.startedAtS = sim.nowS;
    rec.startedAt = sim.nowS;
    rec.executions++;
    rec.retries = this.req.retries;
    rec.eventState = STARTED;
    rec.worker = worker.name;
    app._emitTask("task-started", rec, worker, this.slot.pid);
    const task = this.task;
    if (!task) {
      this.finish(false, new NotRegistered(`'${this.req.task}'`));
      return;
    }
    if (task.trackStarted ?? app._processConf.taskTrackStarted) app._backend.store(rec, STARTED, { pid: this.slot.pid, hostname: worker.name });
    const injected = app._world.faults.failureFor(rec.name);
    if (injected) {
      const Cls = ((ERROR_CLASSES as unknown as Record<string, new (m: string) => Error>)[injected]) ?? Error;
      this.finish(false, new Cls(`injected fault: ${injected} in ${rec.name}`));
      return;
    }
    const [softS, hardS] = this.limits(task);
    // Celery's prefork pool arms the hard timer only when the soft one fires, hard - soft later
    // (asynpool on_timeout_set/_on_soft_timeout): a soft limit at or past the hard one delays the hard
    // kill to the soft limit, and the kill wins (measured: soft=3, hard=2 fails TimeLimitExceeded(2) at 3 s).
    const hardAtS = hardS && softS ? Math.max(hardS, softS) : hardS;
    if (softS && !(hardS && softS >= hardS)) this.softTimer = sim.sched.schedule(softS, () => this.softLimit());
    if (hardS) this.hardTimer = sim.sched.schedule(hardAtS!, () => this.hardLimit(hardS));
    const self = (this.self = task.withRequest(this.req));
    whenSettled(
      () => traceStart(this, task, self, this.req),
      (ok, value) => this.finish(ok, value),
    );
  }


  private limits(task: Task): [number | null, number | null] {
    const [msgSoft, msgHard] = this.req.timeLimit;
    const soft = msgSoft ?? task.softTimeLimit ?? this.app._processConf.taskSoftTimeLimit ?? null;
    const hard = msgHard ?? task.timeLimit ?? this.app._processConf.taskTimeLimit ?? null;
    return [soft, hard];
  }

  /** Raise SoftTimeLimitExceeded where the body waits (catchable, as in billiard). */
  private softLimit(): void {
    this.softTimer = null;
    if (this.done) return;
    this.sim.interrupt(this.ctx, new SoftTimeLimitExceeded());
  }

  /** The hard limit kills the pool child; FAILURE TimeLimitExceeded, acked even with acks_late. */
  private hardLimit(limitS: number): void {
    this.hardTimer = null;
    if (this.done) return;
    this.stop();
    this.worker.replaceChild(this.slot);
    this.app._log("error", `Hard time limit (${limitS}s) exceeded for ${this.rec.name}[${this.rec.id}]`, "worker " + this.worker.name);
    this.failWithoutHooks(new TimeLimitExceeded(limitS));
    this.ack();
    this.worker.executionEnded(this);
  }

  /** revoke(terminate=True): the child gets the signal; REVOKED 'terminated'. */
  terminate(signum: number): void {
    if (this.done) return;
    this.stop();
    this.worker.childTerminated(this.slot);
    const { rec, app, worker } = this;
    app._backend.store(rec, REVOKED, new TaskRevokedError("terminated"));
    rec.eventState = REVOKED;
    rec.finishedAt = this.sim.nowS;
    app._emitTask("task-revoked", rec, worker, NaN, { terminated: true, signum, expired: false });
    sendTaskRevoked(app, this.task, this.req, true, signum, false);
    this.ack();
    app._canvas.onRevoked(rec, this.req, "terminated");
    worker.executionEnded(this);
  }

  /** A fault killed this pool child (SIGKILL): detected later, then WorkerLostError or a requeue. */
  childKilled(): void {
    if (this.done) return;
    this.stop();
    const { worker, sim } = this;
    const pid = this.slot.pid;
    worker.replaceChild(this.slot);
    if (this.slot.exec === this) this.slot.exec = null;
    sim.record("worker-lost", this.rec.index, worker.index, pid, { pid, reason: "pool child killed (SIGKILL)" });
    const delayS = this.workerLostDelayS();
    const process = worker.processesEnded;
    worker.lostPending++;
    sim.sched.schedule(delayS, () => {
      if (worker.processesEnded === process) worker.lostPending--;
      // The whole worker died before it noticed (maybe restarted since, as a new process that knows
      // nothing of this child): no WorkerLostError is stored; with the message acked, nothing runs it again.
      if (worker.status === "offline" || worker.processesEnded !== process) {
        if (this.acked) this.markLost(`pool child ${pid} was killed and then worker ${worker.name} died`);
        return;
      }
      const rejectOnLost = this.task?.rejectOnWorkerLost ?? this.app._processConf.taskRejectOnWorkerLost;
      if (this.acksLate() && rejectOnLost && !this.acked) {
        this.acked = true;
        worker.released(this.reserved);
        this.app._broker.reject(this.msg, true, "WorkerLostError with reject_on_worker_lost");
      } else {
        this.failWithoutHooks(new WorkerLostError(`Worker exited prematurely: signal 9 (SIGKILL) Job: ${this.rec.executions - 1}.`));
        this.ack();
      }
      worker.executionEnded(this);
    });
    worker.pump();
  }

  /** Seconds from a child's SIGKILL until its worker acts on it (see WORKER_LOST_FAST_S). */
  private workerLostDelayS(): number {
    if (this.app._broker.transport === "rabbitmq") return WORKER_LOST_RABBITMQ_S;
    const rng = this.sim.rng.stream("worker-lost");
    const [lo, hi] = rng.random() < WORKER_LOST_SLOW_SHARE ? WORKER_LOST_SLOW_S : WORKER_LOST_FAST_S;
    return lo + rng.random() * (hi - lo);
  }

  /** The whole worker died: nothing more happens for this execution. */
  abandon(why: string): void {
    if (this.done) return;
    this.stop();
    if (this.acked) this.markLost(why);
  }

  private markLost(why: string): void {
    this.rec.lostReason = `${why}; its message was acknowledged before it ran (acks_late off), so nothing will run it again`;
    this.sim.record("message-lost", this.rec.index, this.worker.index, this.msg.tag, { reason: this.rec.lostReason });
  }

  private stop(): void {
    this.done = true;
    this.sim.sched.cancel(this.softTimer);
    this.sim.sched.cancel(this.hardTimer);
    this.sim.kill(this.ctx);
  }

  private failWithoutHooks(exc: Error): void {
    const { rec, app, worker } = this;
    const tb = tracebackOf(exc, rec.name, this.app._world.formatFrames);
    app._backend.store(rec, FAILURE, exc, tb);
    rec.eventState = FAILURE;
    rec.finishedAt = this.sim.nowS;
    rec.runtime = this.sim.nowS - this.startedAtS;
    app._emitTask("task-failed", rec, worker, NaN, { exception: reprError(exc), type: typeNameOf(exc) });
    app._canvas.onFailure(rec, this.req, exc);
  }

  // ---- TraceSite: where this execution's tracer runs (the pool slot; outcomes stored and announced)

  readonly eager = false;

  hook(fn: () => void): void {
    const { app, ctx } = this;
    try {
      this.sim.enter(ctx.alive ? ctx : app._hookContext(ctx), fn);
    } catch (e) {
      app._log("error", `a hook of ${this.rec.name} raised ${reprError(e)}`, ctx.label);
    }
  }

  get storesResult(): boolean {
    return !(this.task?.ignoreResult ?? this.req.ignoreResult ?? this.app._processConf.taskIgnoreResult);
  }

  get resultSerializer(): Serializer {
    return this.app._processConf.resultSerializer;
  }

  traceback(exc: Error): string {
    return tracebackOf(exc, this.rec.name, this.app._world.formatFrames);
  }

  record(o: Outcome): void {
    const { app, rec, worker, sim } = this;
    rec.finishedAt = sim.nowS;
    rec.runtime = sim.nowS - this.startedAtS;
    rec.eventState = o.state;
    switch (o.state) {
      case SUCCESS:
        if (o.encoded) app._backend.store(rec, SUCCESS, o.value, null, o.encoded);
        app._emitTask("task-succeeded", rec, worker, rec.runtime);
        break;
      case RETRY:
        app._backend.store(rec, RETRY, o.exc, o.einfo.traceback);
        app._emitTask("task-retried", rec, worker, NaN, { exception: reprError(o.exc), type: typeNameOf(o.exc) });
        break;
      case FAILURE:
        app._backend.store(rec, FAILURE, o.exc, o.einfo.traceback);
        app._emitTask("task-failed", rec, worker, NaN, { exception: reprError(o.exc), type: typeNameOf(o.exc) });
        break;
      case REJECTED:
        app._emitTask("task-rejected", rec, worker, NaN, { requeue: o.reject.requeue });
        break;
    }
  }

  /** The body returned or threw: the tracer settles it, then the message and the canvas follow. */
  finish(ok: boolean, value: unknown): void {
    if (this.done) return;
    this.stop();
    const { rec, app, worker, task } = this;
    const outcome = traceOutcome(this, task, this.self ?? task?.withRequest(this.req) ?? null, this.req, ok, value);
    switch (outcome.state) {
      case SUCCESS:
        this.ack();
        app._canvas.onSuccess(rec, this.req, outcome.value, task?.app ?? null);
        break;
      case FAILURE:
        this.ack();
        app._canvas.onFailure(rec, this.req, outcome.exc, task?.app ?? null);
        break;
      case REJECTED:
        this.acked = true;
        worker.released(this.reserved);
        app._broker.reject(this.msg, outcome.reject.requeue, `Reject(${JSON.stringify(outcome.reject.message)})`);
        break;
      default:
        this.ack();
    }
    // A fresh child takes its next job later (its first task, its first result store), and a long body
    // makes the next dispatch cost more (worker-cpu taskEnded).
    const stored = this.storesResult && app._backendKind === "redis" && (outcome.state === SUCCESS || outcome.state === FAILURE || outcome.state === RETRY);
    worker.executionEnded(this, worker.cpu.taskEnded(this.slot.pid, this.sim.nowS - this.startedAtS, stored, app._broker.transport));
  }
}
