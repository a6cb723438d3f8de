/**
 * A worker: a consumer with prefetch (QoS), a pool of `concurrency` children, an ETA timer, rate
 * limit buckets, a revoked set, heartbeats. What a task's execution does lives in execution.ts.
 *
 * Prefetch as measured (FINDINGS §7): with early acks a running task's message is already acked,
 * so a worker holds `concurrency` running tasks plus `prefetchMultiplier × concurrency` reserved
 * ones. ETA tasks do not count (Celery raises the prefetch count for them).
 */
import type { SimEvent } from "../kernel/scheduler";
import type { WorkerApp } from "./ports";
import type { Consumer, Message, Transport } from "./broker";
import { Deque } from "./deque";
import type { TaskRecord } from "./records";
import { parseRate } from "./ratelimit";
import { TokenBucket } from "../world/patterns/token-bucket";
import { FAILURE, RECEIVED } from "./states";
import { accepts, contentDisallowed, decode } from "./serialization";
import { ContentDisallowed, NotRegistered, reprError } from "./errors";
import type { Task } from "./task";
import type { ProcessImage } from "./process";
import type { Lane } from "../world/host";
import { WorkerCpu } from "./worker-cpu";
import { Execution, revokeReserved } from "./execution";
import { BrokerPoll, EventLoop, type LoopTimer } from "./event-loop";

export interface WorkerOptions {
  hostname?: string;
  concurrency?: number;
  queues?: string[];
  prefetchMultiplier?: number;
  pool?: "prefork" | "solo" | "threads";
  /** Celery's --autoscale=max,min. */
  autoscale?: [number, number];
  /** Seconds from start (or restart) until the worker consumes. Default 0. */
  startupS?: number;
  /** The machine it runs on: a name, or a name and its cores (default "localhost", 2 cores, shared with the client). */
  host?: string | { name: string; cores?: number };
  /** Celery's `-E` (--task-events): send task events; default the app's workerSendTaskEvents. */
  taskEvents?: boolean;
}

export interface Reserved {
  msg: Message;
  rec: TaskRecord;
  task: Task | null;
  /** Counts against the prefetch limit (not while waiting for its ETA). */
  counted: boolean;
  etaTimer: LoopTimer | null;
}

/**
 * Heart's repeating timer is entered as the consumer's Heart step starts, a little before the event
 * loop starts and the worker logs "ready" (instrumented worker: 8-10 ms on Redis in three starts,
 * 22 ms on RabbitMQ in one), so its heartbeats come that much before ready + 2 s, + 4 s...
 */
const HEART_LEAD_S: Record<Transport, number> = { redis: 0.009, rabbitmq: 0.022 };
/**
 * kombu's call_repeatedly enters the next run `secs` after this one actually ran, and a run comes
 * a little after its due time (epoll's millisecond timeout, the turn's own work): beats came
 * 2.001-2.005 s apart on the instrumented workers.
 */
const HUB_TIMER_LATE_S = 0.003;
/**
 * The hub's other repeating timers, as [seconds between runs, how long before the loop starts each
 * is entered] (instrumented workers). Their runs matter here only as wakes of the loop, which write
 * a job a timer released. Redis: maintain_pool 5 s; MultiChannelPoller's maybe_restore_messages
 * 10 s and maybe_check_subclient_health 25 s. RabbitMQ: maintain_pool 5 s; the AMQP heartbeat check
 * every 60 s (broker_heartbeat 120 s at rate 2). maintain_pool is prefork's.
 */
const HUB_WAKE_TIMERS: Record<Transport, readonly { periodS: number; leadS: number; prefork?: true }[]> = {
  redis: [{ periodS: 5, leadS: 0.001, prefork: true }, { periodS: 10, leadS: 0.017 }, { periodS: 25, leadS: 0.017 }],
  rabbitmq: [{ periodS: 5, leadS: 0, prefork: true }, { periodS: 60, leadS: 0.001 }],
};
/** After revoke(terminate=True): the replacement child is up within these seconds (two measured modes). */
const TERMINATED_CHILD_UP_FAST_S: [number, number] = [0.12, 0.173];
const TERMINATED_CHILD_UP_SLOW_S: [number, number] = [3.975, 4.102];
/** 9 slow runs of 24 (the committed 10 and 14 probes with tasks of 2.5–12 s; those saw up to 0.22 and 4.49 s). */
const TERMINATED_CHILD_SLOW_SHARE = 0.375;

export interface Slot {
  index: number;
  pid: number;
  exec: Execution | null;
  /** A start event is scheduled for this slot. */
  starting: Reserved | null;
  /** The slot's child takes work from this time on (seconds): a terminated one's replacement, or after a hold. */
  upAtS?: number;
}

interface Bucket {
  bucket: TokenBucket;
  queue: Deque<Reserved>;
  rate: number;
}

export type WorkerStatus = "starting" | "online" | "stopping" | "offline";

export class Worker implements Consumer {
  readonly name: string;
  readonly index: number;
  queues: string[];
  connected = false;
  status: WorkerStatus = "offline";
  concurrency: number;
  prefetchMultiplier: number;
  readonly autoscale: [number, number] | null;
  slots: Slot[] = [];
  ready = new Deque<Reserved>();
  etaHeld = new Set<Reserved>();
  private buckets = new Map<string, Bucket>();
  /** Consumer._limit_order: the priority of the next bucket timer, 0..9 in turn. */
  private limitOrder = 0;
  /** When BRPOP would next wake an idle loop (Redis). */
  private readonly brokerPoll = new BrokerPoll(() => this.app._broker.redisCron);
  /** When a timer-released request reaches a pool child (see event-loop.ts). */
  readonly loop = new EventLoop<Reserved>({
    now: () => this.sim.nowS,
    scheduleAt: (atS, fn) => this.sim.sched.scheduleAt(atS, fn),
    cancel: (ev) => this.sim.sched.cancel(ev),
    write: (jobs) => { for (const r of jobs) this.ready.push(r); this.pump(); },
    nextBrokerWakeS: (nowS, orNow) => (this.app._broker.transport === "redis" && this.hasCapacity() ? this.brokerPoll.nextEmptyReturnS(nowS, orNow) : Infinity),
  });
  /** Messages delivered, not acked, counted against prefetch. */
  qosCount = 0;
  readonly revoked = new Set<string>();
  processed = 0;
  processedByName = new Map<string, number>();
  lastHeartbeatS: number | null = null;
  private timers: SimEvent[] = [];
  private lastScaleUpS = -Infinity;
  /** Rate limits changed at run time by app.control.rateLimit. */
  readonly rateOverrides = new Map<string, number>();
  readonly startupS: number;
  private readonly taskEventsOpt: boolean | undefined;

  /**
   * Celery's Events bootstep: worker events (online, heartbeat, offline) always go out; task events
   * only with -E / worker_send_task_events (groups=['worker'] otherwise).
   */
  get sendsTaskEvents(): boolean {
    return this.taskEventsOpt ?? this.app._processConf.workerSendTaskEvents;
  }

  constructor(
    readonly app: WorkerApp,
    index: number,
    opts: WorkerOptions,
  ) {
    this.index = index;
    this.name = opts.hostname ?? `celery@worker${index + 1}`;
    this.queues = [...(opts.queues ?? [app._processConf.taskDefaultQueue])];
    this.autoscale = opts.autoscale ?? null;
    const conc = opts.pool === "solo" ? 1 : (opts.concurrency ?? app._processConf.workerConcurrency);
    this.concurrency = this.autoscale ? this.autoscale[1] : conc;
    this.prefetchMultiplier = opts.prefetchMultiplier ?? app._processConf.workerPrefetchMultiplier;
    this.startupS = opts.startupS ?? 0;
    this.taskEventsOpt = opts.taskEvents;
    this.pool = opts.pool ?? "prefork";
    const host = app._world.hosts.get(typeof opts.host === "string" ? { name: opts.host } : (opts.host ?? { name: "localhost" }));
    this.cpu = new WorkerCpu(app._world.costs, host, this.name, this.pool, this.sim.sched);
  }

  /** Its processes on its host, and what Celery's own work costs them (worker-cpu.ts). */
  readonly cpu: WorkerCpu;

  /** The process that runs a task on `slot`, as a claim on the host's cores (a new child, a new lane). */
  laneFor(slot: Slot): Lane {
    return this.cpu.laneFor(slot.pid);
  }

  readonly pool: "prefork" | "solo" | "threads";
  /** The scenario module as each of this worker's processes imported it (by pool child pid; key 0 for threads and solo). */
  private images = new Map<number, ProcessImage>();

  /**
   * The process that runs a task on `slot`: each prefork child its own (a replaced child is a new
   * process: fresh module state, as a new fork); the threads pool's threads and the solo pool share
   * the worker's one process. Loaded on first use: a module instance per process, never per task.
   */
  imageFor(slot: Slot): ProcessImage | null {
    const load = this.app._world.loadProcess;
    if (!load) return null;
    const key = this.pool === "prefork" ? slot.pid : 0;
    let img = this.images.get(key);
    if (!img) {
      img = load(this.pool === "prefork" ? `${this.name} pool child ${slot.pid}` : `${this.name} (${this.pool} pool)`);
      this.images.set(key, img);
      // prefork's process_initializer (and the solo pool's) once the child has imported the module.
      if (this.pool !== "threads") for (const a of img.apps) a.signals.workerProcessInit.send(null, { sender: null });
    }
    return img;
  }

  /** The index of this worker's app among the client's apps (an image's apps come in the same order). */
  get appIndex(): number {
    return this.app._world.apps.indexOf(this.app);
  }

  get sim() {
    return this.app._sim;
  }

  /** Prefetch count: multiplier × concurrency (× max concurrency under autoscale); 0 = unlimited. */
  get prefetchCount(): number {
    return this.prefetchMultiplier * (this.autoscale ? this.autoscale[0] : this.concurrency);
  }

  hasCapacity(): boolean {
    if (this.status !== "online") return false;
    const pc = this.prefetchCount;
    return pc === 0 || this.qosCount < pc;
  }

  // ---- life cycle -------------------------------------------------------------------------

  start(): void {
    if (this.status === "online" || this.status === "starting") return;
    this.status = "starting";
    this.slots = [];
    // A (re)started worker is a new set of processes: every module instance starts afresh.
    this.images.clear();
    this.cpu.restart();
    for (let i = 0; i < this.concurrency; i++) this.slots.push({ index: i, pid: this.app._nextPid(), exec: null, starting: null });
    // Celery makes each task type's bucket in Consumer.__init__ (reset_rate_limits), before the pool
    // forks and the broker connects; kombu's bucket keeps that timestamp while full, so the first two
    // tasks after start-up or an idle spell run back to back (measured: ratelimit_fast_pairs).
    this.buckets.clear();
    for (const [name, task] of this.app._registry) {
      const rate = this.rateFor(name, task);
      if (rate > 0) this.buckets.set(name, this.newBucket(rate));
    }
    this.sim.sched.schedule(this.startupS + this.cpu.startupS(this.app._broker.transport, this.concurrency), () => this.online());
  }

  /** Told once when the worker next comes online (WorkerHandle.ready()). */
  readonly readyWaiters: (() => void)[] = [];

  private online(): void {
    if (this.status !== "starting") return;
    this.status = "online";
    this.connected = this.app._broker.up;
    this.app._emitWorker("worker-online", this);
    this.heartbeat(false, HEART_LEAD_S[this.app._broker.transport]);
    // Children are loaded on first use; a handler of worker_process_init (connected at the module's
    // top level, so in the client's copy too) wants them at pool start, as prefork forks them.
    if (this.app.signals.workerProcessInit.hasReceivers) for (const slot of this.slots) this.imageFor(slot);
    this.app.signals.workerReady.send(this, { sender: this.name });
    for (const f of this.readyWaiters.splice(0)) f();
    this.app._broker.addConsumer(this);
    this.brokerPoll.issuedAt(this.sim.nowS); // consume(): the first BRPOP goes out as the loop starts
    for (const t of HUB_WAKE_TIMERS[this.app._broker.transport]) {
      if (!t.prefork || this.pool === "prefork") this.hubTimer(t.periodS, t.leadS);
    }
    if (this.app._broker.transport === "redis") {
      // kombu restores old unacked messages once when the consumer starts, then (in effect) every 100 s.
      this.app._broker.restoreVisible();
      this.every(100, () => this.app._broker.restoreVisible());
    }
    if (this.autoscale) this.every(1, () => this.autoscaleTick());
  }

  private newBucket(rate: number, old?: Bucket): Bucket {
    return { bucket: new TokenBucket({ fillRatePerS: rate, capacity: 1, clock: this.sim }), queue: old?.queue ?? new Deque(), rate };
  }

  private every(periodS: number, fn: () => void): void {
    const tick = () => {
      if (this.status === "offline") return;
      fn();
      this.timers.push(this.sim.sched.schedule(periodS, tick, true));
    };
    this.timers.push(this.sim.sched.schedule(periodS, tick, true));
  }

  /** One of the hub's repeating timers whose only effect modelled is waking the loop. */
  private hubTimer(periodS: number, leadS: number): void {
    const tick = () => {
      if (this.status !== "online" && this.status !== "stopping") return;
      this.loop.otherTimerDue();
      this.timers.push(this.sim.sched.schedule(periodS + HUB_TIMER_LATE_S, tick, true));
    };
    this.timers.push(this.sim.sched.schedule(periodS - leadS, tick, true));
  }

  /** `leadS`: how long before now Heart's repeating timer was entered (at start-up, see HEART_LEAD_S). */
  private heartbeat(emit = true, leadS = 0): void {
    if (emit) this.app._emitWorker("worker-heartbeat", this);
    this.lastHeartbeatS = this.sim.nowS;
    if (emit) this.loop.otherTimerDue(); // Heart's timer is one of the hub's: its turn writes what waits in outbound
    this.timers.push(
      this.sim.sched.schedule(this.app._processConf.workerHeartbeatIntervalS + (leadS ? -leadS : HUB_TIMER_LATE_S), () => {
        if (this.status === "online" || this.status === "stopping") this.heartbeat();
      }, true),
    );
  }

  private cancelTimers(): void {
    for (const t of this.timers) this.sim.sched.cancel(t);
    this.timers = [];
  }

  /**
   * How many times this worker's process has ended (killed or shut down). A pool event scheduled by
   * an earlier process (a lost child's detection) must not act on a later one.
   */
  processesEnded = 0;

  /**
   * Pool children killed whose loss the pool has not noticed yet. A warm shutdown waits for them, as
   * Celery's pool does (it handles the lost job, WorkerLostError or a requeue, before the worker
   * exits); without this the worker went offline first and the job's message was never given back.
   */
  lostPending = 0;

  /** SIGKILL to the whole worker: in-flight work is lost or redelivered as the acks settings say. */
  kill(reason = "killed"): void {
    if (this.status === "offline") return;
    this.processesEnded++;
    this.lostPending = 0;
    const inFlight = this.slots.filter((s) => s.exec).length;
    this.sim.record("worker-killed", -1, this.index, inFlight, { reason });
    this.status = "offline";
    this.connected = false;
    this.cancelTimers();
    this.cpu.restart();
    for (const slot of this.slots) {
      const ex = slot.exec;
      if (ex) ex.abandon(`worker ${this.name} was killed while the task ran`);
      slot.exec = null;
      slot.starting = null;
    }
    this.dropReserved();
    this.app._broker.consumerLost(this);
  }

  /** Warm shutdown: stop consuming, give back what was not started, finish what runs. */
  shutdown(): void {
    if (this.status !== "online" && this.status !== "starting") return;
    this.status = "stopping";
    this.app._broker.removeConsumer(this);
    this.giveBackReserved("warm shutdown");
    this.maybeOffline();
  }

  /** Restart: a warm shutdown when running, then a new process with the same hostname. */
  restart(): void {
    if (this.status === "online" || this.status === "starting") {
      // Set before the shutdown: an idle worker goes offline inside shutdown(), and a restart set
      // after it never ran (found by the fault-plan property, seed 2147483635: both workers were
      // restarted while idle and never came back).
      this.afterOffline = () => this.start();
      this.shutdown();
      return;
    }
    if (this.status === "stopping") {
      this.afterOffline = () => this.start();
      return;
    }
    this.start();
  }

  private afterOffline: (() => void) | null = null;

  private maybeOffline(): void {
    if (this.status !== "stopping") return;
    if (this.slots.some((s) => s.exec || s.starting) || this.lostPending > 0) return;
    this.processesEnded++;
    this.status = "offline";
    this.connected = false;
    this.cancelTimers();
    this.app._emitWorker("worker-offline", this);
    this.app.signals.workerShutdown.send(this, { sender: this.name });
    // The process exits and its connection closes: RabbitMQ requeues whatever it still held unacked
    // (Redis keeps it in the unacked hash until it is restored).
    this.app._broker.consumerLost(this);
    const next = this.afterOffline;
    this.afterOffline = null;
    next?.();
  }

  /** Reserved, ETA-held and rate-held requests: their messages stay unacked (broker decides). */
  private dropReserved(): void {
    this.loop.clear(); // the ETA and bucket timers, and jobs no writer took yet
    this.etaHeld.clear();
    this.ready.clear();
    for (const b of this.buckets.values()) b.queue.clear();
    this.qosCount = 0;
  }

  /** On warm shutdown or lost connection, unstarted messages go back to the queue. */
  private giveBackReserved(reason: string): void {
    const msgs: Message[] = [];
    for (const r of this.loop.clear()) msgs.push(r.msg);
    for (const r of this.ready.toArray()) msgs.push(r.msg);
    for (const r of this.etaHeld) msgs.push(r.msg);
    for (const b of this.buckets.values()) for (const r of b.queue.toArray()) msgs.push(r.msg);
    for (const s of this.slots) if (s.starting) msgs.push(s.starting.msg);
    for (const s of this.slots) s.starting = null;
    this.dropReserved();
    msgs.sort((a, b) => b.tag - a.tag);
    for (const m of msgs) this.app._broker.reject(m, true, reason);
  }

  onBrokerLost(): void {
    // Celery clears its reserved requests and ETA timer when the connection goes; running tasks go on.
    this.dropReserved();
    for (const s of this.slots) s.starting = null;
  }

  onBrokerBack(): void {
    if (this.status === "online") this.app._broker.dispatch();
  }

  // ---- receiving ---------------------------------------------------------------------------

  /** Extra one-way delay on the link to the broker (a network fault), until `slowUntilS`. */
  private linkLatencyS = 0;
  private slowUntilS = 0;

  /** The link to the broker is cut for `durationS`: like a lost connection, then a reconnect. */
  partition(durationS: number): void {
    if (this.status !== "online") return;
    this.connected = false;
    this.app._broker.consumerLost(this);
    this.dropReserved();
    for (const s of this.slots) s.starting = null;
    this.sim.sched.schedule(durationS, () => {
      if (this.status !== "online") return;
      this.connected = true;
      this.app._broker.addConsumer(this);
      this.brokerPoll.issuedAt(this.sim.nowS);
      if (this.app._broker.transport === "redis") this.app._broker.restoreVisible();
    });
  }

  slowLink(latencyS: number, durationS: number): void {
    this.linkLatencyS = latencyS;
    this.slowUntilS = this.sim.nowS + durationS;
  }

  deliver(msg: Message): void {
    if (this.linkLatencyS > 0 && this.sim.nowS < this.slowUntilS) {
      this.sim.sched.schedule(this.linkLatencyS, () => {
        if (this.status === "online" || this.status === "stopping") this.received(msg);
      });
      return;
    }
    this.received(msg);
  }

  /** BRPOP brought a message: poll woke (and BRPOP goes out again). */
  private received(msg: Message): void {
    const arrivedS = this.app._retryReachesBrokerAtS.get(msg.taskIndex);
    if (arrivedS !== undefined) this.app._retryReachesBrokerAtS.delete(msg.taskIndex);
    this.brokerPoll.issuedAt(Math.max(this.sim.nowS, arrivedS ?? 0) + this.cpu.pollAgainAfterMessageS(this.app._broker.transport));
    this.receive(msg);
    this.loop.wake();
  }

  private receive(msg: Message): void {
    const rec = this.app._tasks.at(msg.taskIndex)!;
    if (!accepts(this.app._processConf.acceptContent, msg.body.payload.serializer)) {
      this.refuseContent(msg, rec);
      return;
    }
    const task = this.app._registry.get(msg.body.task) ?? null;
    if (!task) {
      this.unknownTask(msg, rec);
      return;
    }
    rec.receivedAt = this.sim.nowS;
    rec.worker = this.name;
    rec.eventState = RECEIVED;
    this.app._emitTask("task-received", rec, this, msg.body.retries, msg.body.eta === null ? undefined : { eta: msg.body.eta });
    const r: Reserved = { msg, rec, task, counted: false, etaTimer: null };
    const reason = this.revokedReason(r);
    if (reason) {
      revokeReserved(this, r, reason);
      return;
    }
    if (this.app.signals.taskReceived.hasReceivers) this.app.signals.taskReceived.send(this, { sender: this.name, request: receivedRequest(msg, this.name) });
    const eta = msg.body.eta;
    if (eta !== null && eta > this.sim.nowS) {
      this.etaHeld.add(r);
      // Celery's strategy: timer.call_at(eta, apply_eta_task, priority=6).
      r.etaTimer = this.loop.callAt(eta, 6, () => {
        this.etaHeld.delete(r);
        r.etaTimer = null;
        r.counted = true;
        this.qosCount++;
        // apply_eta_task runs in fire_timers: the job waits in the outbound buffer for the loop's
        // next wake (a heartbeat, BRPOP's empty return, a message, a child's result; measured:
        // eta_countdown_fractions, on RabbitMQ up to a heartbeat's 2 s late).
        this.toReady(r, true);
      });
      return;
    }
    r.counted = true;
    this.qosCount++;
    this.toReady(r);
  }

  /**
   * A message in a content type outside accept_content. kombu's Message.decode raises
   * ContentDisallowed while the strategy builds the Request; Celery's Consumer.on_invalid_task
   * (celery/worker/consumer/consumer.py) logs "Received invalid task message", rejects the message
   * without requeue (discarded, or dead-lettered on RabbitMQ) and sends task_rejected. No state is
   * stored: the result stays PENDING.
   */
  private refuseContent(msg: Message, rec: TaskRecord): void {
    const exc = new ContentDisallowed(contentDisallowed(msg.body.payload.serializer));
    this.app._log("error", `Received invalid task message: ${reprError(exc)}\nThe message has been ignored and discarded.`, "worker " + this.name);
    this.app._broker.reject(msg, false, reprError(exc));
    this.app.signals.taskRejected.send(this, { sender: this.name, message: { id: rec.id, task: rec.name }, exc });
  }

  /**
   * A task name this worker does not know. Celery's Consumer.on_unknown_task (consumer.py): no
   * request, no task-received; it logs UNKNOWN_TASK_ERROR, rejects the message without requeue,
   * stores FAILURE with NotRegistered (no traceback), sends task-failed and task_unknown.
   */
  private unknownTask(msg: Message, rec: TaskRecord): void {
    const name = msg.body.task;
    const exc = new NotRegistered(`'${name}'`);
    this.app._log(
      "error",
      `Received unregistered task of type '${name}'.\nThe message has been ignored and discarded.\n\nDid you remember to import the module containing this task?\nOr maybe you're using relative imports?`,
      "worker " + this.name,
    );
    this.app._broker.reject(msg, false, reprError(exc));
    rec.worker = this.name;
    rec.eventState = FAILURE;
    rec.finishedAt = this.sim.nowS;
    this.app._backend.store(rec, FAILURE, exc, null);
    this.app._emitTask("task-failed", rec, this, NaN, { exception: reprError(exc) });
    this.app.signals.taskUnknown.send(this, { sender: this.name, name, id: rec.id, message: { id: rec.id, task: name }, exc });
  }

  revokedReason(r: Reserved): "revoked" | "expired" | null {
    if (this.revoked.has(r.msg.body.id)) return "revoked";
    const exp = r.msg.body.expires;
    if (exp !== null && this.sim.nowS >= exp) return "expired";
    return null;
  }

  /** Called when a message this worker held is acked, rejected or given back. */
  released(r: Reserved): void {
    if (r.counted) {
      const wasFull = !this.hasCapacity();
      r.counted = false;
      this.qosCount--;
      if (wasFull && this.hasCapacity()) this.brokerPoll.issuedAt(this.sim.nowS); // kombu's on_poll_start sends BRPOP again
    }
  }

  private rateFor(name: string, task: Task | null): number {
    if (this.app._processConf.workerDisableRateLimits) return 0;
    if (this.rateOverrides.has(name)) return this.rateOverrides.get(name)!;
    return parseRate(task?.rateLimit ?? null);
  }

  /** `fromTimer`: released by one of the loop's timers, so it waits for the loop's next turn. */
  private toReady(r: Reserved, fromTimer = false): void {
    if (this.status !== "online" && this.status !== "stopping") return;
    const reason = this.revokedReason(r);
    if (reason) {
      revokeReserved(this, r, reason);
      return;
    }
    const name = r.msg.body.task;
    const rate = this.rateFor(name, r.task);
    if (rate > 0) {
      let b = this.buckets.get(name);
      if (!b || b.rate !== rate) {
        b = this.newBucket(rate, b);
        this.buckets.set(name, b);
      }
      b.queue.push(r);
      this.drainBucket(b, fromTimer);
      return;
    }
    if (fromTimer) {
      this.fromTimer(r);
      return;
    }
    this.ready.push(r);
    this.pump();
  }

  /**
   * A request a timer released (pool.apply_async inside fire_timers). Prefork's AsynPool only buffers
   * the job until the loop's next turn registers a writer; solo runs it there and then, and the
   * threads pool hands it to a thread at once.
   */
  private fromTimer(r: Reserved): void {
    if (this.pool === "prefork") this.loop.release(r);
    else {
      this.ready.push(r);
      this.pump();
    }
  }

  /**
   * Celery's _schedule_bucket_request, called for each request that joins the bucket and by each of
   * its timers: move requests to the pool while tokens last; on a refusal, one more timer (so timers
   * pile up: see event-loop.ts for what that does to the pace).
   */
  private drainBucket(b: Bucket, fromTimer: boolean): void {
    while (b.queue.length) {
      if (b.bucket.consume(1)) {
        const r = b.queue.shift()!;
        if (fromTimer) this.fromTimer(r);
        else {
          this.ready.push(r);
          this.pump();
        }
        continue;
      }
      // Floor the wait: a refill that lands a hair short of a token (1/6 × 6 in floating point)
      // must still move the clock, or the bucket would be polled forever at the same instant.
      const waitS = Math.max(b.bucket.expectedTimeS(1), 1e-9 * Math.max(1, this.sim.nowS) * 4, 1e-9);
      this.limitOrder = (this.limitOrder + 1) % 10;
      this.loop.callAt(this.sim.nowS + waitS, this.limitOrder, () => this.drainBucket(b, true));
      return;
    }
  }

  /** Start ready requests on free pool slots, each in an event of its own. */
  pump(): void {
    if (this.status !== "online" && this.status !== "stopping") return;
    for (const slot of this.slots) {
      if (!this.ready.length) break;
      if (slot.exec || slot.starting || (slot.upAtS !== undefined && slot.upAtS > this.sim.nowS)) continue;
      this.dispatchTo(slot, this.ready.shift()!);
    }
    if (this.status === "stopping") this.maybeOffline();
  }

  /**
   * Hand `r` to the pool child in `slot`. A method of its own, not pump's loop body: a closure in the
   * loop made V8 allocate the loop's scope for every slot it looked at (~0.7 kB a task in a burst).
   */
  private dispatchTo(slot: Slot, r: Reserved): void {
    slot.starting = r;
    const begin = () => {
      if (slot.starting !== r) return; // dropped meanwhile (killed, connection lost)
      slot.starting = null;
      new Execution(this, slot, r).start();
      // A prefork child answers each job it takes with an ACK on its result pipe: one more wake of
      // poll, so one more fire_timers (measured: two reads per task, the ACK and the result).
      if (this.pool === "prefork") this.loop.wake();
    };
    // With costs on, the main process's serial dispatch and the child's own overhead come first.
    const body = r.msg.body;
    if (!this.cpu.dispatch(slot.pid, body.payload.sizeBytes, !body.ignoreResult, this.sendsTaskEvents, this.app._broker.transport, begin)) this.sim.sched.schedule(0, begin);
  }

  /**
   * An execution ended (any outcome): free the slot, count it, start the next. `holdS`: how long
   * before the slot's child takes work again (worker-cpu taskEnded).
   */
  executionEnded(ex: Execution, holdS = 0): void {
    if (ex.slot.exec === ex) ex.slot.exec = null;
    if (holdS > 0) this.slotUpAt(ex.slot, this.sim.nowS + holdS);
    this.processed++;
    this.processedByName.set(ex.rec.name, (this.processedByName.get(ex.rec.name) ?? 0) + 1);
    this.pump();
    this.loop.wake(); // the child's result woke poll
    this.maybeOffline();
  }

  /**
   * revoke(terminate=True) ended the child in `slot`: its replacement takes work once it is up. Measured
   * (reference pair revoke_terminate_slot_reuse on Celery 5.2.6 + Redis): either ~0.12–0.17 s after
   * the revoke (the new child's start-up), or ~4.0–4.1 s after it in about 3 runs of 8, whatever the
   * task's length; the worker logs nothing in the slow case (not asynpool's "Timed out waiting for UP
   * message"). The simulator draws one of the two from the seed, within the committed runs' ranges.
   */
  childTerminated(slot: Slot): void {
    this.replaceChild(slot);
    const rng = this.sim.rng.stream("pool-child-up");
    const slow = rng.random() < TERMINATED_CHILD_SLOW_SHARE;
    const [lo, hi] = slow ? TERMINATED_CHILD_UP_SLOW_S : TERMINATED_CHILD_UP_FAST_S;
    this.slotUpAt(slot, this.sim.nowS + lo + rng.random() * (hi - lo));
  }

  /** The child in `slot` takes no work until `upAtS` (seconds); then the pool pumps. */
  private slotUpAt(slot: Slot, upAtS: number): void {
    slot.upAtS = upAtS;
    this.sim.sched.schedule(upAtS - this.sim.nowS, () => {
      // The clock may land a rounding error short of upAtS: the child is up now, whatever it reads.
      if (slot.upAtS === upAtS) slot.upAtS = undefined;
      this.pump();
    });
  }

  /** The pool child in `slot` died; a new one takes its place at once. */
  replaceChild(slot: Slot): void {
    if (this.pool === "prefork") this.images.delete(slot.pid);
    slot.pid = this.app._nextPid();
  }

  // ---- pool size ----------------------------------------------------------------------------

  poolGrow(n = 1): void {
    for (let i = 0; i < n; i++) this.slots.push({ index: this.slots.length, pid: this.app._nextPid(), exec: null, starting: null });
    this.concurrency = this.slots.length;
    this.pump();
    this.app._broker.dispatch();
  }

  poolShrink(n = 1): void {
    for (let i = 0; i < n && this.slots.length > 1; i++) {
      const idle = [...this.slots].reverse().find((s) => !s.exec && !s.starting);
      if (!idle) break;
      this.slots = this.slots.filter((s) => s !== idle);
    }
    this.slots.forEach((s, i) => (s.index = i));
    this.concurrency = this.slots.length;
  }

  /** Celery's autoscaler: grow to the demand at once, shrink after 30 s without need. */
  private autoscaleTick(): void {
    if (!this.autoscale) return;
    const [max, min] = this.autoscale;
    const busy = this.slots.filter((s) => s.exec || s.starting).length;
    const want = Math.max(min, Math.min(max, busy + this.ready.length));
    const from = this.slots.length;
    if (want > from) {
      this.poolGrow(want - from);
      this.lastScaleUpS = this.sim.nowS;
    } else if (want < from && this.sim.nowS - this.lastScaleUpS >= 30) {
      this.poolShrink(from - want);
    }
    if (this.slots.length !== from) {
      this.sim.record("autoscale", -1, this.index, this.slots.length, { target: `${this.name} pool`, from, to: this.slots.length, reason: `${busy} busy + ${this.ready.length} waiting, autoscale ${max},${min}` });
    }
  }

  // ---- views ---------------------------------------------------------------------------------

  activeExecutions(): Execution[] {
    return this.slots.map((s) => s.exec).filter((e): e is Execution => !!e);
  }

  reservedRequests(): Reserved[] {
    const out = this.ready.toArray();
    for (const b of this.buckets.values()) out.push(...b.queue.toArray());
    for (const s of this.slots) if (s.starting) out.push(s.starting);
    return out;
  }

  scheduledRequests(): Reserved[] {
    return [...this.etaHeld];
  }
}

/** The request task_received hands its handlers: the message as the worker's strategy decoded it. */
function receivedRequest(msg: Message, hostname: string) {
  const b = msg.body;
  const [args, kwargs] = decode(b.payload) as [unknown[], Record<string, unknown>];
  return {
    id: b.id, name: b.task, args, kwargs, retries: b.retries, eta: b.eta, expires: b.expires, hostname,
    parentId: b.parentId, rootId: b.rootId, groupId: b.groupId,
    deliveryInfo: { exchange: "", routingKey: msg.queue, queue: msg.queue, priority: msg.priority, redelivered: msg.redelivered },
  };
}
