/**
 * Flower's Prometheus metrics (flower/events.py, PrometheusMetrics and EventsState.event), fed from
 * the simulation's trace, plus two queue metrics Flower does not have.
 *
 * It reads Celery's event kinds from the trace and nothing of the Celery model: the caller lends
 * lookups from a task index to its name (and queue), and from a worker index to its hostname.
 *
 * As Flower does (so dashboards and alerts behave as they would on the real thing):
 * - `flower_events_total{worker,type,task}` counts task-* events only (worker events are not counted
 *   by Flower; `countWorkerEvents` adds them, with task="").
 * - `flower_task_runtime_seconds{worker,task}`: task-succeeded's runtime (the trace event's `num`).
 *   Flower skips a runtime of 0 (it tests truthiness); a simulated task can take exactly 0 s, so
 *   here every finite runtime >= 0 is observed and the histogram's count matches the successes.
 * - `flower_worker_prefetched_tasks{worker,task}`: +1 on task-received, -1 on task-started, for
 *   tasks without an ETA. A task revoked or lost after it was received is never taken off, as in Flower.
 * - `flower_task_prefetch_time_seconds{worker,task}`: started - received, set at task-started, back
 *   to 0 at task-succeeded/task-failed; ETA tasks skipped.
 * - `flower_worker_online{worker}`: 1 on worker-online and worker-heartbeat, 0 on worker-offline.
 *   A killed worker sends no worker-offline, so it stays 1, as Flower shows it.
 * - `flower_worker_number_of_currently_executing_tasks{worker}`: the `active` field of the last
 *   heartbeat (trace data `{active}`, else the event's `num`): it lags by up to a heartbeat interval.
 *
 * Added here:
 * - `celery_queue_wait_seconds{task,queue}`: from the task's last task-sent to its task-started
 *   (ETA tasks skipped): time spent in the broker and in the worker's prefetch buffer.
 * - `celery_queue_length{queue}`: messages waiting in the queue, and `celery_queue_unacked{queue}`:
 *   delivered to a worker and not yet acknowledged. Replayed from the trace's message events
 *   (BrokerDepth), so they are the broker's own counts (LLEN; RabbitMQ's messages_ready and
 *   messages_unacknowledged), redeliveries, restores, dead-lettering and restarts included: what an
 *   autoscaler or an exporter reading the broker sees. A queue appears once a message is published to it.
 */
import type { Sim } from "../../engine/sim";
import type { TraceEvent } from "../../kernel/trace";
import { BrokerDepth } from "./broker-depth";
import { DEFAULT_BUCKETS, MetricsRegistry, type Counter, type Gauge, type Histogram } from "./registry";

export interface MetricsLookups {
  taskName(taskIndex: number): string;
  workerHostname(workerIndex: number): string;
  /** The queue a task was sent to: the `queue` label of `celery_queue_wait_seconds` ("" without it). */
  queueOf?(taskIndex: number): string;
  /**
   * Whether the task has an ETA or countdown (Flower leaves those out of the prefetch metrics).
   * Default: whether its last task-sent event carried a non-null `eta` in its data.
   */
  hasEta?(taskIndex: number): boolean;
  /** The hostname on events with no worker (task-sent comes from the client). Default "". */
  clientHostname?: string;
}

export interface FlowerMetricsOptions {
  registry?: MetricsRegistry;
  runtimeBuckets?: readonly number[];
  queueWaitBuckets?: readonly number[];
  countWorkerEvents?: boolean;
}

export class FlowerMetrics {
  readonly registry: MetricsRegistry;
  readonly events: Counter;
  readonly runtime: Histogram;
  readonly prefetchTime: Gauge;
  readonly prefetched: Gauge;
  readonly workerOnline: Gauge;
  readonly executing: Gauge;
  readonly queueWait: Histogram;
  readonly queueLength: Gauge;
  readonly queueUnacked: Gauge;
  private readonly depth = new BrokerDepth();

  private receivedAtS = new Map<number, number>();
  private sentAtS = new Map<number, number>();
  private etaTasks = new Set<number>();
  private detachListener: (() => void) | null = null;
  private readonly countWorkerEvents: boolean;

  constructor(
    private readonly sim: Sim,
    private readonly lookups: MetricsLookups,
    opts: FlowerMetricsOptions = {},
  ) {
    const r = (this.registry = opts.registry ?? new MetricsRegistry());
    this.countWorkerEvents = opts.countWorkerEvents ?? false;
    // Help texts and label order are Flower's.
    this.events = r.counter("flower_events_total", "Number of events", ["worker", "type", "task"]);
    this.runtime = r.histogram("flower_task_runtime_seconds", "Task runtime", ["worker", "task"], opts.runtimeBuckets ?? DEFAULT_BUCKETS);
    this.prefetchTime = r.gauge("flower_task_prefetch_time_seconds", "The time the task spent waiting at the celery worker to be executed.", ["worker", "task"]);
    this.prefetched = r.gauge("flower_worker_prefetched_tasks", "Number of tasks of given type prefetched at a worker", ["worker", "task"]);
    this.workerOnline = r.gauge("flower_worker_online", "Worker online status", ["worker"]);
    this.executing = r.gauge("flower_worker_number_of_currently_executing_tasks", "Number of tasks currently executing at a worker", ["worker"]);
    this.queueWait = r.histogram(
      "celery_queue_wait_seconds",
      "Time from task-sent to task-started (in the broker and prefetched at a worker)",
      ["task", "queue"],
      opts.queueWaitBuckets ?? DEFAULT_BUCKETS,
    );
    this.queueLength = r.gauge("celery_queue_length", "Messages waiting in the queue (the broker's count)", ["queue"]);
    this.queueUnacked = r.gauge("celery_queue_unacked", "Messages from the queue delivered to a worker and not yet acknowledged", ["queue"]);
  }

  /** Take in the trace so far, then every event as it is recorded. Returns `detach`. */
  attach(): () => void {
    if (this.detachListener) return this.detachListener;
    for (let i = 0; i < this.sim.trace.length; i++) this.onEvent(this.sim.trace.get(i));
    const off = this.sim.onRecord((i) => this.onEvent(this.sim.trace.get(i)));
    this.detachListener = () => {
      off();
      this.detachListener = null;
    };
    return this.detachListener;
  }

  /** Prometheus text at the current simulated time. */
  render(): string {
    return this.registry.render({ nowS: this.sim.nowS });
  }

  onEvent(ev: TraceEvent): void {
    const type = ev.kind;
    const worker = ev.worker >= 0 ? this.lookups.workerHostname(ev.worker) : (this.lookups.clientHostname ?? "");
    if (type.startsWith("task-") && ev.task >= 0) this.onTaskEvent(ev, worker);
    else if (type.startsWith("worker-")) this.onWorkerEvent(ev, worker);
    else if (type.startsWith("message-")) {
      const queue = this.depth.fold(ev);
      if (queue === null) return;
      this.queueLength.set({ queue }, this.depth.ready(queue));
      this.queueUnacked.set({ queue }, this.depth.unacked(queue));
    }
  }

  private onTaskEvent(ev: TraceEvent, worker: string): void {
    const t = ev.task;
    const task = this.lookups.taskName(t);
    if (ev.kind === "task-sent") {
      const eta = (ev.data as { eta?: unknown } | undefined)?.eta;
      if (eta !== undefined && eta !== null) this.etaTasks.add(t);
      else this.etaTasks.delete(t);
    }
    const eta = this.lookups.hasEta?.(t) ?? this.etaTasks.has(t);
    switch (ev.kind) {
      case "task-sent":
      case "task-received":
      case "task-started":
      case "task-succeeded":
      case "task-failed":
      case "task-retried":
      case "task-rejected":
      case "task-revoked":
        this.events.inc({ worker, type: ev.kind, task });
        break;
      default:
        return; // "task-state" is the simulator's own, not a Celery event
    }
    switch (ev.kind) {
      case "task-sent": {
        this.sentAtS.set(t, ev.atS);
        break;
      }
      case "task-received": {
        this.receivedAtS.set(t, ev.atS);
        if (!eta) this.prefetched.inc({ worker, task });
        break;
      }
      case "task-started": {
        const receivedS = this.receivedAtS.get(t);
        if (!eta && receivedS !== undefined) {
          this.prefetchTime.set({ worker, task }, ev.atS - receivedS);
          this.prefetched.dec({ worker, task });
        }
        const sentS = this.sentAtS.get(t);
        if (!eta && sentS !== undefined) this.queueWait.observe({ task, queue: this.lookups.queueOf?.(t) ?? "" }, ev.atS - sentS);
        break;
      }
      case "task-succeeded":
      case "task-failed":
        if (ev.kind === "task-succeeded" && Number.isFinite(ev.num) && ev.num >= 0) this.runtime.observe({ worker, task }, ev.num);
        if (!eta && this.receivedAtS.has(t)) this.prefetchTime.set({ worker, task }, 0);
        // The task is done: forget its times (a million-task run must not keep them all).
        this.receivedAtS.delete(t);
        this.sentAtS.delete(t);
        this.etaTasks.delete(t);
        break;
    }
  }

  private onWorkerEvent(ev: TraceEvent, worker: string): void {
    if (ev.kind !== "worker-online" && ev.kind !== "worker-heartbeat" && ev.kind !== "worker-offline") return;
    if (this.countWorkerEvents) this.events.inc({ worker, type: ev.kind, task: "" });
    this.workerOnline.set({ worker }, ev.kind === "worker-offline" ? 0 : 1);
    if (ev.kind === "worker-heartbeat") {
      const active = (ev.data as { active?: unknown } | undefined)?.active;
      const n = typeof active === "number" ? active : ev.num;
      if (Number.isFinite(n)) this.executing.set({ worker }, n);
    }
  }
}
