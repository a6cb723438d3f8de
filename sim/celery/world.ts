/**
 * The deployment every app of a scenario shares: one broker, one result backend, the task table,
 * the workers, the logs. Faults act here so that each is recorded with its cause.
 */
import type { Sim } from "../engine/sim";
import type { LogLine } from "../engine/types";
import { Broker, type Transport } from "./broker";
import { ResultBackend } from "./backend";
import type { CeleryApp, CeleryOptions } from "./app";
import type { Conf } from "./conf";
import { TaskTable } from "./records";
import type { Task } from "./task";
import { Worker, type WorkerOptions } from "./worker";
import { Faults } from "../world/faults";
import { Hosts } from "../world/host";
import { CostModel, configureCosts } from "./cost-model";
import type { ProcessLoader } from "./process";

export class World {
  /** One broker per broker URL: apps that name the same broker share it (one deployment). */
  readonly brokers = new Map<string, Broker>();
  private appBrokers = new Map<CeleryApp, Broker>();
  readonly backend: ResultBackend;
  readonly tasks = new TaskTable();
  readonly workers: Worker[] = [];
  readonly apps: CeleryApp[] = [];
  readonly logs: LogLine[] = [];
  private readonly registry = new Map<string, Task>();
  private pid = 1000;

  readonly faults: Faults;
  /** The machines and their cores (CPU work is shared among what runs on one). */
  readonly hosts: Hosts;
  /** Celery's own costs on those hosts, and whether they are on (cost-model.ts). */
  readonly costs: CostModel;
  /**
   * Evaluates the scenario module for a new simulated process (a pool child, a threads or solo
   * worker); null when there is no module (a world built by hand in a test): tasks then run the
   * client's functions.
   */
  loadProcess: ProcessLoader | null = null;
  /** While a process image is being evaluated: the apps it has created so far. */
  loadingProcess: CeleryApp[] | null = null;

  /** The learner's frames of a stack, as "at name (file:line:column)" (set when the code is loaded). */
  formatFrames: (stack: string) => string[] = () => [];

  constructor(readonly sim: Sim) {
    this.backend = new ResultBackend(sim, this.tasks);
    this.faults = new Faults(sim, this);
    this.hosts = new Hosts(sim);
    this.costs = new CostModel(sim, this.hosts);
  }

  /** The first app's broker (most scenarios have one). */
  get broker(): Broker {
    return this.brokers.values().next().value!;
  }

  /**
   * A new app joins the deployment. In a process image it is not a new app of the deployment but
   * that process's copy of the client's app built in the same order: that one is returned (its
   * peer), null for the client's own apps.
   */
  attachApp(app: CeleryApp, options: CeleryOptions): CeleryApp | null {
    let peer: CeleryApp | null = null;
    if (this.loadingProcess) {
      peer = this.apps[this.loadingProcess.length] ?? null;
      this.loadingProcess.push(app);
    } else {
      this.apps.push(app);
      configureCosts(this.costs, options.costs);
    }
    const url = String(options.broker ?? "redis");
    let broker = this.brokers.get(url);
    if (!broker) {
      const transport: Transport = /amqp|rabbit/i.test(url) ? "rabbitmq" : "redis";
      broker = new Broker(this.sim, {
        transport,
        url,
        visibilityTimeoutS: app.conf.brokerTransportOptions.visibilityTimeout ?? 3600,
        persistence: app.conf.brokerPersistence,
      }, (taskIndex) => this.tasks.at(taskIndex));
      this.brokers.set(url, broker);
    }
    this.appBrokers.set(app, broker);
    return peer;
  }

  brokerOf(app: CeleryApp): Broker {
    return this.appBrokers.get(app)!;
  }

  configureBroker(app: CeleryApp, conf: Conf): void {
    const b = this.appBrokers.get(app);
    if (!b) return;
    b.options.visibilityTimeoutS = conf.brokerTransportOptions?.visibilityTimeout ?? 3600;
    b.options.persistence = conf.brokerPersistence;
  }

  registerTask(name: string, t: Task): void {
    this.registry.set(name, t);
  }

  findTask(name: string): Task | undefined {
    return this.registry.get(name);
  }

  addWorker(app: CeleryApp, opts: WorkerOptions): Worker {
    const hostname = opts.hostname ?? `celery@worker${this.workers.length + 1}`;
    const existing = this.workers.find((w) => w.name === hostname);
    if (existing) {
      if (existing.status !== "offline") throw new Error(`a worker named ${hostname} is already running`);
      return existing;
    }
    const w = new Worker(app, this.workers.length, { ...opts, hostname });
    this.workers.push(w);
    // Tasks registered on any app of the deployment are known to every worker.
    for (const a of this.apps) for (const [n, t] of a._registry) if (!app._registry.has(n)) app._registry.set(n, t);
    return w;
  }

  nextPid(): number {
    return ++this.pid;
  }

  /** Beat state files (celerybeat-schedule) by path: entry name → last_run_at; they outlive a beat process. */
  readonly beatFiles = new Map<string, Map<string, number>>();
  beatCount = 0;

  private oid = 0;
  /** Each app instance's own id (Celery's app.oid: a reply_to queue per app per process). */
  nextOid(): number {
    return ++this.oid;
  }

  log(level: LogLine["level"], text: string, source: string): void {
    const line: LogLine = { atS: this.sim.nowS, level, text, source };
    this.logs.push(line);
    this.sim.record("log", this.sim.current.taskIndex, -1, NaN, { level, text, source });
  }

  // ---- faults (each recorded with its cause) ------------------------------------------------

  faultKillWorker(w: Worker, cause: string): void {
    this.sim.record("fault", -1, w.index, NaN, { fault: "kill-worker", worker: w.name, cause });
    w.kill(cause);
  }

  faultKillChild(w: Worker, taskId: string | null, cause: string): boolean {
    const ex = w.activeExecutions().find((e) => taskId === null || e.rec.id === taskId);
    if (!ex) return false;
    this.sim.record("fault", ex.rec.index, w.index, ex.slot.pid, { fault: "kill-child", worker: w.name, pid: ex.slot.pid, cause });
    ex.childKilled();
    return true;
  }

  restartBroker(broker: Broker, opts: { graceful?: boolean; persistent?: boolean; downtimeS?: number }, cause: string): void {
    this.sim.record("fault", -1, -1, NaN, { fault: "restart-broker", broker: broker.options.url, ...opts, cause });
    broker.restart(opts);
  }
}
