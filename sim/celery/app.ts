/**
 * The Celery app: configuration, the task registry, sending, eager application, and the handles to
 * the broker, the result backend, the workers, events, signals and control. One app per scenario is
 * usual; several share one simulated broker and backend (they are one deployment).
 */
import { ExecContext, isThenable, type Sim } from "../engine/sim";
import { Broker, type Message, type QueueOptions, type TaskMessage, type Transport } from "./broker";
import type { ExchangeType } from "./exchanges";
import { Deployment, QueueLengthAutoscaler, type DeploymentOptions, type HpaOptions } from "../world/deployment";
import { ResultBackend } from "./backend";
import { copyConf, defaultConf, routeFor, type Conf } from "./conf";
import { RuntimeError, reprError } from "./errors";
import type { TaskRecord, TaskTable } from "./records";
import { AsyncResult, EagerResult, willBlockError, type GetOptions } from "./result";
import { makeSignals } from "./signals";
import { Task, emptyRequest, type ApplyOptions, type Request, type TaskOptions } from "./task";
import { Worker, type WorkerOptions } from "./worker";
import { FAILURE, PENDING, RETRY, SUCCESS } from "./states";
import type { World } from "./world";
import type { Lane } from "../world/host";
import { Control } from "./control";
import { EventsApi, type CeleryEventName } from "./events";
import { tracebackOf } from "./execution";
import { traceOutcome, traceStart, whenSettled, type TraceSite } from "./tracer";
import { CanvasRuntime } from "./canvas-runtime";
import type { SignatureData, SignatureDict } from "./signature-data";
export type { SignatureDict } from "./signature-data";
import { Signature, sigDataList, type SigsIn } from "./signature";
import { decode, encode, type Encoded } from "./serialization";
import { NO_SIGS, taskMessage } from "./task-message";
import { sharedData } from "../kernel/trace";
import { backendKind, type BackendKind, type ResultOwner } from "./backend-kind";
import { unknownSettingWarnings } from "./settings-check";
import { publishCostS } from "./costs";
import { Beat, type BeatOptions } from "./beat";

export interface CeleryOptions {
  broker?: Transport | string;
  /** Celery's result_backend: "redis://" (default here), "rpc://", or null for none (see Conf.resultBackend). */
  backend?: string | null;
  /** Redis broker persistence: "none", "rdb" (default, as Redis ships) or "aof". */
  brokerPersistence?: "none" | "rdb" | "aof";
  /** "realistic" (default): Celery's measured overheads (sim/celery/costs.ts); "ideal": none. */
  costs?: "realistic" | "ideal";
  [key: string]: unknown;
}

type Body = (...args: any[]) => unknown;

export class CeleryApp {
  readonly conf: Conf & { update(values: Partial<Conf>): void };
  readonly _registry = new Map<string, Task>();
  readonly signals;
  readonly control: Control;
  readonly events: EventsApi;
  readonly _canvas: CanvasRuntime;

  constructor(
    readonly _world: World,
    readonly main: string = "app",
    readonly options: CeleryOptions = {},
  ) {
    const conf = defaultConf();
    this._inImage = _world.loadingProcess !== null;
    this.conf = Object.assign(conf, {
      update: (values: Partial<Conf>) => {
        this._warnUnknownSettings(values, "conf.update");
        for (const [k, v] of Object.entries(values)) {
          if (k === "update") continue;
          (conf as Record<string, unknown>)[k] = v;
        }
        if ("resultBackend" in values) backendKind(conf.resultBackend); // an unknown URL raises here, as Celery's by_url does
        // The broker's visibility timeout and persistence are what its consumers (the workers) were
        // imported with: main()'s later changes stay in the client, as every worker setting does.
        if (!this._importedConf) this._world.configureBroker(this, conf);
      },
    });
    // Celery(main, broker=, backend=, **settings): every other keyword is a setting.
    for (const [k, v] of Object.entries(options)) if (k !== "broker" && k !== "backend" && v !== undefined) (conf as Record<string, unknown>)[k] = v;
    if ("backend" in options) conf.resultBackend = options.backend ?? null;
    backendKind(conf.resultBackend);
    this._warnUnknownSettings(options, "Celery options");
    this._oid = _world.nextOid();
    const peer = _world.attachApp(this, options);
    // Signals are per process: each process connects its own handlers when it imports the module.
    this.signals = makeSignals((h, args, name) => this._callHandler(`signal ${name}`, () => h(args)));
    // Control, the event stream and the canvas's chord state go through the broker and the
    // backend in Celery: a process's copy of an app shares its client peer's.
    this.control = peer?.control ?? new Control(this);
    this.events = peer?.events ?? new EventsApi(this);
    this._canvas = peer?._canvas ?? new CanvasRuntime(this);
  }

  /** This app is a worker process's copy (from a process image), not the client's. */
  readonly _inImage: boolean;
  /** Celery's app.oid: this instance's reply_to (rpc results come back to it alone). */
  readonly _oid: number;

  /** This app as a result reader and sender: its oid and its backend. */
  get _resultOwner(): ResultOwner {
    return this;
  }
  get _backendKind(): BackendKind {
    return backendKind(this.conf.resultBackend);
  }
  get _resultExpiresS(): number | null {
    return this.conf.resultExpires;
  }

  private _importedConf: Conf | null = null;
  /**
   * The client's module has finished its top level: what `app.conf` holds now is what every other
   * process that imports the module (a worker's main process, beat) starts with. What `main()`
   * changes afterwards lives in the client only, as in Celery, where `celery worker -A mod`
   * imports `mod` and never runs its `__main__` block.
   */
  _sealImportedConf(): void {
    this._importedConf = copyConf(this.conf);
  }
  /** The settings a worker's main process and beat read: the module's own, or, before the seal (one-process runs, an app made in `main`), the client's. */
  get _processConf(): Conf {
    return this._importedConf ?? this.conf;
  }
  /**
   * The settings a send goes out with: sent for a task (a canvas step or callback a worker sends),
   * its worker process's, the module's; sent by the client, the client's, with what main() changed.
   */
  _senderConf(forRequest: Request | null | undefined): Conf {
    return forRequest ? this._processConf : this.conf;
  }

  /** Top-level code runs in every process: warn once, in the client's copy. */
  private _warnUnknownSettings(values: object, where: "conf.update" | "Celery options"): void {
    if (this._inImage) return;
    for (const w of unknownSettingWarnings(values as Record<string, unknown>, where)) this._log("warn", w, this.main);
  }

  private _clientOnly(what: string): void {
    if (this._inImage) throw new RuntimeError(`${what} ran in a worker process's copy of the module: top-level code runs in every process (as Python's import does); start workers in main()`);
  }

  get _sim(): Sim {
    return this._world.sim;
  }
  get _broker(): Broker {
    return this._world.brokerOf(this);
  }
  get _backend(): ResultBackend {
    return this._world.backend;
  }
  get _tasks(): TaskTable {
    return this._world.tasks;
  }

  /** Python's `app.broker_connection()`-ish handle: queue lengths, restart, persistence. */
  get broker() {
    const b = this._broker;
    return {
      transport: b.transport,
      queueLength: (name = this.conf.taskDefaultQueue) => b.queueLength(name),
      restart: (opts?: { graceful?: boolean; persistent?: boolean; downtimeS?: number }) => this._world.restartBroker(b, opts ?? {}, "app.broker.restart()"),
      /** Queue arguments: durable, maxPriority, messageTtlS, maxLength, deadLetterExchange, deadLetterRoutingKey. */
      declareQueue: (name: string, opts?: QueueOptions) => void b.declare(name, opts),
      declareExchange: (name: string, type: ExchangeType = "direct", opts: { durable?: boolean } = {}) => b.declareExchange(name, type, opts.durable ?? true),
      bindQueue: (queue: string, exchange: string, routingKey = queue) => b.bindQueue(queue, exchange, routingKey),
      /** Messages waiting in each queue. */
      queues: () => Object.fromEntries([...b.queues.values()].map((q) => [q.name, q.messages.length])),
      get persistence() {
        return b.options.persistence;
      },
      set persistence(p: "none" | "rdb" | "aof") {
        b.options.persistence = p;
      },
      unackedCount: () => b.unacked.size,
    };
  }

  // ---- tasks ---------------------------------------------------------------------------------

  task<A extends unknown[], R>(fn: (...args: A) => R): Task<A, Awaited<R>>;
  task<A extends unknown[], R>(options: TaskOptions & { bind: true }, fn: (self: Task & { request: Request }, ...args: A) => R): Task<A, Awaited<R>>;
  task<A extends unknown[], R>(options: TaskOptions, fn: (...args: A) => R): Task<A, Awaited<R>>;
  task(a: TaskOptions | Body, b?: Body): Task {
    const options: TaskOptions = typeof a === "function" ? {} : a;
    const fn = (typeof a === "function" ? a : b) as Body | undefined;
    if (typeof fn !== "function") throw new TypeError("app.task needs a function: app.task(fn) or app.task(options, fn)");
    const name = options.name ?? fn.name;
    if (!name) throw new TypeError("a task needs a name: give the function a name or pass { name }");
    const Base = options.base ?? Task;
    const t = new Base();
    t.app = this;
    t.name = name;
    t.fn = fn;
    t.defaultRetryDelay = this.conf.taskDefaultRetryDelay;
    for (const [k, v] of Object.entries(options)) {
      if (k === "base" || k === "name" || v === undefined) continue;
      (t as unknown as Record<string, unknown>)[k] = v;
    }
    this._registry.set(name, t);
    if (!this._inImage) this._world.registerTask(name, t);
    return t;
  }

  /** Python's `app.send_task(name, args)`: send by name, registered or not. */
  sendTask(name: string, args: unknown[] = [], options: ApplyOptions = {}): AsyncResult {
    const t = this._registry.get(name) ?? this._world.findTask(name);
    if (t) return this._sendTask(t, args, options.kwargs ?? {}, options);
    return this._send(name, null, args, options.kwargs ?? {}, options);
  }

  /**
   * Celery's `signature(varies, ...)`: a task's name or the task itself; a signature is cloned (its
   * arguments kept, `opts` ignored, as Celery does); a dict ({ task, args, kwargs, options, subtask_type })
   * becomes the signature it describes.
   */
  signature(varies: string | Task | Signature | SignatureDict, opts: { args?: unknown[]; kwargs?: Record<string, unknown>; options?: Record<string, unknown>; immutable?: boolean } = {}): Signature {
    if (varies instanceof Signature) return varies.clone();
    if (varies instanceof Task) return varies.app.signature(varies.name, opts);
    if (typeof varies === "object" && varies !== null && typeof varies.task === "string") return signatureFromDict(this, varies);
    if (typeof varies !== "string") throw new TypeError("signature() takes a task, its name, a signature or a signature's dict");
    return new Signature(this, { task: varies, args: opts.args ?? [], kwargs: opts.kwargs ?? {}, options: opts.options ?? {}, immutable: !!opts.immutable, subtaskType: null });
  }

  AsyncResult(id: string): AsyncResult {
    return new AsyncResult(id, this);
  }

  /** N identical worker replicas, scaled like Kubernetes pods. */
  deployment(opts: DeploymentOptions): Deployment {
    this._clientOnly("app.deployment()");
    return new Deployment(this, opts);
  }

  /** A HorizontalPodAutoscaler on a queue's length for a deployment. */
  autoscaler(deployment: Deployment, opts: HpaOptions): QueueLengthAutoscaler {
    this._clientOnly("app.autoscaler()");
    return new QueueLengthAutoscaler(this, deployment, opts);
  }

  /** `celery beat`: a process sending conf.beatSchedule's entries when due (beat.ts). Returns it (stop, kill, restart). */
  beat(opts: BeatOptions = {}): Beat {
    this._clientOnly("app.beat()");
    const n = ++this._world.beatCount;
    const name = opts.name ?? (n === 1 ? "beat" : `beat${n}`);
    const path = opts.scheduleFile ?? `${name}/celerybeat-schedule`;
    let file = this._world.beatFiles.get(path);
    if (!file) this._world.beatFiles.set(path, (file = new Map()));
    const b = new Beat(this, name, file);
    b.start();
    return b;
  }

  worker(opts: WorkerOptions = {}): WorkerHandle {
    this._clientOnly("app.worker()");
    const w = this._world.addWorker(this, opts);
    w.start();
    return new WorkerHandle(w, this);
  }

  // ---- internals used by tasks, results and the worker ---------------------------------------

  _sendTask(task: Task, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions): AsyncResult {
    if (this.conf.taskAlwaysEager) return this._applyEager(task, args, kwargs, options) as unknown as AsyncResult;
    return this._send(task.name, task, args, kwargs, options);
  }

  /** Send a task message: record, event `task-sent`, publish. */
  _send(name: string, task: Task | null, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions, parent?: Request | null): AsyncResult {
    // kombu encodes in Producer.publish before anything reaches the broker: EncodeError at the caller.
    const callerReq = parent !== undefined ? parent : this._currentRequest();
    const conf = this._senderConf(callerReq);
    const payload = encode([args, kwargs], conf.taskSerializer, () => `${name}.apply_async()`);
    [args, kwargs] = publisherView(payload);
    const sim = this._sim;
    const id = options.taskId ?? sim.rng.stream("task-ids").uuid();
    const parentId = options.parentId as string | undefined ?? callerReq?.id ?? null;
    const rootId = (options.rootId as string | undefined) ?? callerReq?.rootId ?? id;
    const route = conf.taskRoutes === NO_ROUTES || isEmptyRoutes(conf.taskRoutes) ? null : routeFor(conf, name, args, kwargs);
    const queue = options.queue ?? route?.queue ?? task?.queue ?? conf.taskDefaultQueue;
    const priority = options.priority ?? route?.priority ?? task?.priority ?? conf.taskDefaultPriority;
    const eta = options.eta ?? (options.countdown != null ? sim.nowS + options.countdown : null);
    const expiresIn = options.expires ?? task?.expires ?? null;
    const expires = expiresIn === null ? null : sim.nowS + expiresIn;
    const body = taskMessage({
      id,
      task: name,
      args,
      kwargs,
      payload,
      retries: options.retries ?? 0,
      eta,
      expires,
      parentId,
      rootId,
      groupId: options.groupId ?? null,
      groupIndex: options.groupIndex ?? null,
      link: options.link ? sigDataList(options.link as SigsIn) : NO_SIGS,
      linkError: options.linkError ? sigDataList(options.linkError as SigsIn) : NO_SIGS,
      chain: (options.chain as SignatureData[] | undefined) ?? NO_SIGS,
      chord: options.chord ?? null,
      softTimeLimit: options.softTimeLimit ?? null,
      hardTimeLimit: options.timeLimit ?? null,
      ignoreResult: options.ignoreResult ?? task?.ignoreResult ?? conf.taskIgnoreResult,
      origin: callerReq?.hostname ?? null,
    });
    const known = this._tasks.all.length;
    const rec = this._tasks.create(id, name, { args, kwargs, queue, parentId, rootId, groupId: body.groupId });
    const fresh = rec.index >= known; // create() gives back the record an id already has
    if (fresh && parentId) this._tasks.addChild(parentId, id);
    rec.sentAt ??= sim.nowS;
    rec.eta = eta;
    rec.expires = expires;
    rec.retries = body.retries;
    rec.ignoreResult = body.ignoreResult;
    rec.resultOwner = this; // reply_to: this app's oid
    if (options.signature) rec.signature = options.signature as SignatureData;
    const exchange = (options.exchange as string | undefined) ?? route?.exchange;
    if (exchange !== undefined && exchange !== "") {
      const routingKey = (options.routingKey as string | undefined) ?? route?.routingKey ?? queue;
      const persistent = conf.taskDefaultDeliveryMode !== "transient";
      this._publishSignal("before", body, exchange, routingKey, priority, conf);
      this._emitSent(rec, body.retries, body.eta !== null ? { eta: body.eta, exchange, routingKey, bytes: payload.sizeBytes } : { exchange, routingKey, bytes: payload.sizeBytes }, conf);
      this._broker.publishVia(exchange, routingKey, (q) => this._broker.newMessage(rec.index, body, q, priority, persistent));
      this._publishSignal("after", body, exchange, routingKey, priority, conf);
    } else this._publish(rec, body, queue, priority, conf);
    const costs = this._world.costs;
    // The process that publishes pays: a worker's next canvas step (`parent`) is sent by the pool
    // process that ran the step before (Celery's tracer, in the child), whatever context the simulator
    // is in when the step's success is handled (a synchronous body ends in the simulator's own event).
    const payerReq = parent ?? this._sendingFor;
    const payer = payerReq ? this._executionContext(payerReq) : this._sim.current;
    if (costs.realistic) costs.chargePublish(payer, this._broker.transport, publishCostS(costs.table(this._broker.transport), payload.sizeBytes), this._broker, this._backendKind === "redis");
    const result = new AsyncResult(id, this);
    return result;
  }

  /** `conf`: the publishing process's settings (_send says whose). */
  private _publish(rec: TaskRecord, body: TaskMessage, queue: string, priority: number | null, conf: Conf = this.conf): void {
    const persistent = conf.taskDefaultDeliveryMode !== "transient";
    const msg: Message = this._broker.newMessage(rec.index, body, queue, priority, persistent);
    // A queue reached through the default direct exchange: exchange "", routing key the queue's name.
    this._publishSignal("before", body, "", queue, priority, conf);
    this._emitSent(rec, body.retries, body.eta !== null ? { eta: body.eta, bytes: body.payload.sizeBytes } : sentData(body.payload.sizeBytes), conf);
    this._broker.publish(msg);
    this._publishSignal("after", body, "", queue, priority, conf);
  }

  /** task-sent: in the trace always; on the event stream with the publishing process's taskSendSentEvent. */
  private _emitSent(rec: TaskRecord, retries: number, data: Record<string, unknown>, conf: Conf): void {
    this._sim.record("task-sent", rec.index, -1, retries, data);
    if (conf.taskSendSentEvent) this.events._dispatch("task-sent", rec, null, retries, data);
  }

  /** before_task_publish / after_task_publish in the publishing process, with the message as Celery's protocol 2 has it. */
  private _publishSignal(phase: "before" | "after", body: TaskMessage, exchange: string, routingKey: string, priority: number | null, conf: Conf): void {
    const signal = phase === "before" ? this.signals.beforeTaskPublish : this.signals.afterTaskPublish;
    if (!signal.hasReceivers) return;
    const message = publishedMessage(body, this._oid, priority, conf.taskDefaultDeliveryMode);
    const args: Record<string, unknown> = { sender: body.task, body: message.body, exchange, routingKey, headers: message.headers };
    if (phase === "before") Object.assign(args, { properties: message.properties, declare: [], retryPolicy: null });
    signal.send(body.task, args);
  }

  /**
   * The execution of `req` (whose process pays for what it publishes: a retry, a canvas step): the
   * current context when it is that request's, else the pool slot running it (a language front runs
   * a body's calls, or a synchronous body's success ends, while another context is current).
   */
  private _executionContext(req: Request): ExecContext {
    const current = this._sim.current;
    if (current.request === req) return current;
    for (const w of this._world.workers) for (const slot of w.slots) if (slot.exec?.req === req) return slot.exec.ctx;
    return current;
  }

  /**
   * While the canvas sends a worker's next step through a base class's own applyAsync: the request
   * whose process sends it (Celery's tracer, in the pool child), so what that send publishes is the
   * child's cost, as a step sent without an override is (`parent` in _send).
   */
  private _sendingFor: Request | null = null;

  /** Run `send` as the process of `req` (see _sendingFor). */
  _sendAs(req: Request | null | undefined, send: () => void): void {
    const outer = this._sendingFor;
    this._sendingFor = req ?? null;
    try {
      send();
    } finally {
      this._sendingFor = outer;
    }
  }

  /** `self.retry()`: a new message for the same id, retries + 1, with an ETA (from the worker). */
  _publishRetry(task: Task, req: Request, o: { retries: number; args: unknown[]; kwargs: Record<string, unknown>; countdown?: number; eta?: number; queue?: string }): void {
    const rec = this._tasks.get(req.id!);
    if (!rec) return;
    const eta = o.eta ?? this._sim.nowS + (o.countdown ?? 0);
    const payload = encode([o.args, o.kwargs], this.conf.taskSerializer, () => `${task.name}.retry()`);
    const [args, kwargs] = publisherView(payload);
    const body = taskMessage({
      id: req.id!,
      task: task.name,
      args,
      kwargs,
      payload,
      retries: o.retries,
      eta,
      expires: req.expires,
      parentId: req.parentId,
      rootId: req.rootId ?? req.id!,
      groupId: req.groupId,
      groupIndex: req.groupIndex,
      link: req.callbacks,
      linkError: req.errbacks,
      chain: req.chain ?? [],
      chord: req.chord,
      softTimeLimit: req.timeLimit[0],
      hardTimeLimit: req.timeLimit[1],
      ignoreResult: req.ignoreResult,
      origin: req.hostname,
    });
    rec.retries = o.retries;
    rec.eta = eta;
    const queue = o.queue ?? req.deliveryInfo?.queue ?? rec.queue;
    const priority = req.deliveryInfo?.priority ?? null;
    const costs = this._world.costs;
    if (costs.realistic) {
      // The child's retry work and its publish (a child's first also connects) come before the
      // message reaches Redis: the worker's BRPOP goes out again that much later, which decides
      // which empty return wakes it after the ETA (event-loop.ts). The message itself is published
      // now, as before, so the order of events and the body's end do not move.
      const t = costs.table(this._broker.transport);
      const lane = this._executionContext(req).lane as Lane | null;
      let cpuS = t.retryS + publishCostS(t, payload.sizeBytes);
      // A child's first publish connects, and makes its backend client if nothing did before (a store,
      // a delay(): child_first_publish), as Task.retry's apply_async makes the AsyncResult it returns.
      if (lane) cpuS += costs.connectS(lane, t) + costs.backendClientS(lane, t, this._backendKind === "redis");
      this._retryReachesBrokerAtS.set(rec.index, this._sim.nowS + cpuS);
    }
    this._publish(rec, body, queue, priority);
  }

  /** By task index: when the child's retry publish is done (read once, by the worker that gets it). */
  readonly _retryReachesBrokerAtS = new Map<number, number>();

  /**
   * `apply()`: run at once in the caller, no broker, through the same tracer as a worker
   * (build_tracer(eager=True)): the same hooks and signals, nothing stored. A retry applies the task
   * again inline with retries + 1, as Celery's Task.apply does with the Retry's signature (FINDINGS §1).
   */
  _applyEager(task: Task, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions): EagerResult {
    const id = options.taskId ?? this._sim.rng.stream("task-ids").uuid();
    const result = new EagerResult(id, this);
    const caller = this._currentRequest();
    const rec = this._tasks.create(id, task.name, { args, kwargs, parentId: caller?.id ?? null, rootId: caller?.rootId ?? id });
    rec.eager = true;
    const attempt = (retries: number): unknown => {
      const req: Request = { ...emptyRequest(task.name), id, args, kwargs, retries, isEager: true, calledDirectly: false, rootId: rec.rootId, parentId: rec.parentId };
      const self = task.withRequest(req);
      const site: TraceSite = {
        eager: true,
        sim: this._sim,
        ctx: new ExecContext("eager", `${task.name}[${id}] (eager)`, rec.index, req),
        hook: (fn) => this._callHook(site.ctx, fn),
        storesResult: false,
        resultSerializer: this.conf.resultSerializer,
        traceback: (exc) => tracebackOf(exc, task.name, this._world.formatFrames),
        record: () => undefined,
      };
      return whenSettled(
        () => traceStart(site, task, self, req),
        (ok, value) => {
          const outcome = traceOutcome(site, task, self, req, ok, value);
          if (outcome.state === RETRY) return attempt(retries + 1);
          rec.executions++;
          rec.retries = retries;
          rec.eventState = outcome.state;
          rec.finishedAt = this._sim.nowS;
          if (outcome.state === SUCCESS) result._settle(SUCCESS, outcome.value);
          else if (outcome.state === FAILURE) {
            result._settle(FAILURE, outcome.exc, outcome.einfo.traceback);
            if (this.conf.taskEagerPropagates) throw outcome.exc;
          } else result._settle(outcome.state, null);
          return undefined;
        },
      );
    };
    rec.startedAt = this._sim.nowS;
    const r = attempt(options.retries ?? 0);
    if (isThenable(r)) (r as Promise<unknown>).catch(() => undefined);
    return result;
  }

  _updateState(id: string, state: string, meta: unknown, name: string): void {
    const rec = this._tasks.get(id) ?? this._tasks.create(id, name);
    this._backend.store(rec, state, meta);
  }

  _currentRequest(): Request | null {
    const ctx = this._sim.current;
    return ctx.kind === "task" || ctx.kind === "eager" ? (ctx.request as Request) : null;
  }

  _assertWillNotBlock(opts: GetOptions): Error | null {
    if (opts.disableSyncSubtasks === false) return null;
    return this._sim.current.kind === "task" ? willBlockError() : null;
  }

  _hookContext(ctx: ExecContext): ExecContext {
    const hook = new ExecContext("task", ctx.label, ctx.taskIndex, ctx.request);
    hook.lane = ctx.lane;
    return hook;
  }

  _callHook(ctx: ExecContext, fn: () => void): void {
    try {
      this._sim.enter(ctx, fn);
    } catch (e) {
      this._log("error", `a hook raised ${reprError(e)}`, ctx.label);
    }
  }

  _callHandler(label: string, fn: () => void): void {
    const ctx = new ExecContext("handler", label);
    try {
      this._sim.enter(ctx, fn);
    } catch (e) {
      this._log("error", `${label} raised ${reprError(e)}`, label);
    }
  }

  _nextPid(): number {
    return this._world.nextPid();
  }

  _log(level: "log" | "info" | "warn" | "error", text: string, source: string): void {
    this._world.log(level, text, source);
  }

  /**
   * A worker's task event: always in the trace (the simulator's views read it); on the event stream
   * (`app.events`, what Flower sees) only when Celery would send it, with -E (workerSendTaskEvents).
   * task-sent is the publisher's (_emitSent).
   */
  _emitTask(type: CeleryEventName, rec: TaskRecord, worker: Worker | null, num = NaN, data?: Record<string, unknown>): void {
    this._sim.record(type, rec.index, worker?.index ?? -1, num, data);
    const sent = worker?.sendsTaskEvents ?? this._processConf.workerSendTaskEvents;
    if (sent) this.events._dispatch(type, rec, worker, num, data);
  }

  _emitWorker(type: CeleryEventName, worker: Worker): void {
    const active = worker.activeExecutions().length;
    // num: tasks running; data: the pool size (it changes with autoscale and pool_grow/shrink).
    this._sim.record(type, -1, worker.index, active, type === "worker-heartbeat" ? { pool: worker.concurrency } : { freq: this._processConf.workerHeartbeatIntervalS, pool: worker.concurrency });
    this.events._dispatchWorker(type, worker);
  }
}

/**
 * The arguments as the records and views keep them: the flat payload's own copy (only ever read;
 * each consumer decodes its own), else one decoded copy. Never the caller's objects.
 */
function publisherView(payload: Encoded): [unknown[], Record<string, unknown>] {
  const v = payload.flat ? payload.value : decode(payload);
  return v as [unknown[], Record<string, unknown>];
}

/**
 * A task message as a publish signal shows it (Celery's message protocol 2): body
 * [args, kwargs, embed], headers and properties with their wire names. Copies: a handler that changes
 * them changes nothing that is sent.
 */
function publishedMessage(m: TaskMessage, replyTo: number, priority: number | null, deliveryMode: "persistent" | "transient") {
  const [args, kwargs] = decode(m.payload) as [unknown[], Record<string, unknown>];
  return {
    body: [args, kwargs, decode(encode({ callbacks: m.link.length ? m.link : null, errbacks: m.linkError.length ? m.linkError : null, chain: m.chain.length ? m.chain : null, chord: m.chord }, "pickle", () => "embed"))],
    headers: {
      lang: "py", task: m.task, id: m.id, eta: m.eta, expires: m.expires, group: m.groupId, group_index: m.groupIndex, retries: m.retries,
      timelimit: [m.hardTimeLimit, m.softTimeLimit], root_id: m.rootId, parent_id: m.parentId, origin: m.origin, ignore_result: m.ignoreResult,
    },
    properties: { correlation_id: m.id, reply_to: `app-${replyTo}`, delivery_mode: deliveryMode === "transient" ? 1 : 2, priority },
  };
}

/** task-sent data without an ETA: one shared object per message size (the trace stores it once). */
const SENT_DATA = new Map<number, Readonly<{ bytes: number }>>();
function sentData(bytes: number): Readonly<{ bytes: number }> {
  let d = SENT_DATA.get(bytes);
  if (d) return d;
  d = sharedData({ bytes });
  if (SENT_DATA.size < 4096) SENT_DATA.set(bytes, d);
  return d;
}


function signatureFromDict(app: CeleryApp, d: SignatureDict): Signature {
  const data = (x: SignatureDict): SignatureData => ({
    task: x.task,
    args: [...(x.args ?? [])],
    kwargs: { ...(x.kwargs ?? {}) },
    options: { ...(x.options ?? {}) },
    immutable: !!x.immutable,
    subtaskType: x.subtaskType ?? x.subtask_type ?? null,
    ...(x.tasks ? { tasks: x.tasks.map(data) } : {}),
    ...(x.body ? { body: data(x.body) } : {}),
  });
  return new Signature(app, data(d));
}

const NO_ROUTES = {};
function isEmptyRoutes(r: unknown): boolean {
  if (Array.isArray(r) || typeof r === "function") return false;
  for (const _ in r as object) return false;
  return true;
}


/** What `app.worker()` returns. */
export class WorkerHandle {
  constructor(
    readonly _w: Worker,
    private readonly _app: CeleryApp,
  ) {}
  get hostname(): string {
    return this._w.name;
  }
  get status(): string {
    return this._w.status;
  }
  get concurrency(): number {
    return this._w.concurrency;
  }
  /**
   * Resolves when the worker consumes (Celery's worker_ready), at once if it already does: a
   * worker takes time to start (CALIBRATION.md M7: 0.5 s plus ~0.2 s per prefork child with Redis).
   */
  ready(): Promise<void> {
    const sim = this._app._sim;
    if (this._w.status === "online") return sim.sleep(0);
    const p = sim.pending<void>(sim.current);
    this._w.readyWaiters.push(() => sim.settle(p, true, undefined));
    return p.promise;
  }
  /** SIGKILL: in-flight work is lost or redelivered as the acks settings say. */
  kill(): void {
    this._app._world.faultKillWorker(this._w, "handle.kill()");
  }
  /** Warm shutdown: finish running tasks, give back reserved ones, go offline. */
  shutdown(): void {
    this._w.shutdown();
  }
  restart(): void {
    this._w.restart();
  }
  /** Kill the pool child running task `taskId` (or the first busy child). */
  killChild(taskId?: string): boolean {
    return this._app._world.faultKillChild(this._w, taskId ?? null, "handle.killChild()");
  }
  poolGrow(n = 1): void {
    this._w.poolGrow(n);
  }
  poolShrink(n = 1): void {
    this._w.poolShrink(n);
  }
  addConsumer(queue: string): void {
    this._app.control.addConsumer(queue, { destination: [this._w.name] });
  }
  cancelConsumer(queue: string): void {
    this._app.control.cancelConsumer(queue, { destination: [this._w.name] });
  }
}

export { PENDING, RETRY, RuntimeError };
