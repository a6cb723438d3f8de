/**
 * Celery's own costs, measured on real Celery 5.2.6 on a 2-vCPU machine
 * (../shared/celery-reference/calibration/CALIBRATION.md, rows M1..M7; the numbers the calibration
 * tests compare with are copied in sim/calibration/measured.ts and m4.json).
 *
 * ONE table, by broker transport. Every value is CPU seconds spent by the process named in its
 * comment; CPU work runs on the process's host and shares its cores (sim/world/host.ts), except the
 * client's publish cost, which is also a debt of the calling code (see ExecContext.busyUntilS):
 * a synchronous `delay()` cannot wait, so the message is published at once and the caller's next
 * await resumes that much later.
 *
 * `costs: "ideal"` (a Celery() option, a session's or the CLI's --costs) switches all of this off:
 * time then passes only in sleep(), cpu() (still on the hosts' shared cores, without the prefork
 * factor), timers and the network.
 */
import type { Transport } from "./broker";

export type CostMode = "realistic" | "ideal";

export interface CostTable {
  /** Client CPU per `apply_async` (M1: per-call median 0.295 ms Redis, 0.182 ms RabbitMQ). */
  publishS: number;
  /** Client CPU per kB of encoded payload, up to 100 kB (M5: 10 kB and 100 kB publishes). */
  publishPerKbS: number;
  /** Client CPU per kB beyond 100 kB (M5: the 1 MB publish, 36.4 ms Redis, 10.2 ms RabbitMQ). */
  publishPerKbBeyond100S: number;
  /** The first publish of a process: connect + declare the queue (M1 "1st call", 12.1 / 18.3 ms). */
  firstPublishS: number;
  /**
   * A pool child's first publish (a `delay()`, its first `self.retry()`): the child connects to the
   * broker on its own after the fork. FINDINGS §2 (c=4, Redis): a first retry's task-retried event came
   * 18-19 ms after its ETA was computed, later ones' 4-6 ms; 16 ms is that difference, as
   * child_first_publish's first publish of a child that had stored a result (14-22 ms). (An instrumented
   * worker whose task had not touched Redis before saw 33 and 37 ms from start to the message: this
   * and childBackendOnPublishS.) One connect per child, whichever publishes first (cost-model.ts).
   */
  childFirstPublishS: number;
  /**
   * A pool child's publish (a task's own `delay()`, a canvas step its tracer sends) beyond publishS: the
   * reference pair child_first_publish (Redis, 12 runs) timed a body's delay() of a small task at
   * 0.6–1.4 ms once the child was connected, medians 0.7–1.0, against the client's 0.3 (M1); on RabbitMQ
   * (child_first_publish_amqp) 0.4–1.3 ms: one value for both. (A retry's publish is inside retryS.)
   */
  childPublishS: number;
  /**
   * A pool child's first publish when its app has a Redis result backend and the child has not used it
   * yet: the publish makes the AsyncResult it returns, and with it the child's backend client
   * (child_first_publish: 27–33 ms for a fresh child's first delay(), median 29.6, against 14–22, median
   * 17.3, for a child that had stored a result before). A child that made its client so stores its first
   * result with no childFirstStoreS (the same pair: 5.7–9.1 ms from that task's end to the next start,
   * no more than a fresh child's first task alone).
   */
  childBackendOnPublishS: number;
  /**
   * A pool child's CPU for `self.retry()` besides the publish itself (the Retry exception, the
   * signature rebuilt from the request): instrumented Redis worker, a warm retry's message reached
   * the worker 1.7-2.2 ms after the task started; that less publishS.
   */
  retryS: number;
  /**
   * Worker main process, serial per task: receive, decode, dispatch to a child, collect (M3: no-op
   * saturation at c >= 2, Redis 1.1-1.4 k/s, RabbitMQ 2.0-2.5 k/s).
   */
  workerMainS: number;
  /**
   * Worker main process per task when it sends task events (-E: task-received, task-started,
   * task-succeeded published to celeryev). Measured 2026-12-05 (M3 with and without -E, a result-
   * storing no-op drained by prefork, medians of 6 runs each, reference/calibration/m3e_task_events.json):
   * Redis c=1 1010 -> 743 tasks/s, c=2 1143 -> 821 (+0.36, +0.34 ms a task); RabbitMQ c=1 1140 -> 796,
   * c=2 1294 -> 959 (+0.38, +0.27 ms).
   */
  taskEventsS: number;
  /** Worker main process per kB of payload up to 100 kB (M5 consume rate 100 B vs 100 kB at c=2). */
  workerMainPerKbS: number;
  /** ... and per kB beyond 100 kB (M5: 1 MB messages, 33 ms Redis / 17.5 ms RabbitMQ per task). */
  workerMainPerKbBeyond100S: number;
  /**
   * Worker main process: from a message's arrival to the next loop turn, where kombu sends BRPOP
   * again (the request built, task-received sent). Instrumented Redis worker: 1.1-1.7 ms, 3.0 ms once.
   */
  pollAgainAfterMessageS: number;
  /** Pool child per task besides the body (M3: c=1 total 1.02 ms Redis / 0.60 ms RabbitMQ minus workerMainS). */
  childS: number;
  /**
   * A fresh prefork child's first task: how much longer than a later one it takes from the body's end to
   * the child's next start (first-time code paths in the child and the main process). Reference pairs
   * pool_child_cycle and _amqp (ignore_result tasks, so no result store): 5–14 ms, medians 8.4–8.6, against
   * the simulator's own 1.4 ms cycle.
   */
  childFirstTaskS: number;
  /**
   * A prefork child's first result store: the child creates its backend client and connects before it
   * stores (Celery's app.backend is made on first use, after the fork): pool_child_cycle's
   * first_store_cycle_ms (unless a publish made the client first: childBackendOnPublishS). Charged as a
   * hold of the child after the task, like childFirstTaskS: the result and its event come at the body's
   * end, up to this much early for a child's first (Celery's tracer publishes a chain's next step, and a
   * retry its message, before it stores: a publish first makes the client, childBackendOnPublishS). The pairs' backend is Redis with either broker: 15–21 ms,
   * medians 17.8–18.6, against the simulator's own 1.2–1.5 ms cycle.
   */
  childFirstStoreS: number;
  /**
   * How much longer the cycle from a body's end to the child's next start gets after a long body: the
   * worker's processes sat idle (or the child busy) meanwhile and wake slower; charged as the main
   * process's CPU with the next dispatch to that child (see WorkerCpu.taskEnded). Two parts, each
   * wakeS × (1 − e^(−body / tauS)), fitted to pool_child_cycle's medians (Redis, two series of 12 runs:
   * no-op 1.9–2.2 ms, 10 ms 2.7–2.9, 50 ms 3.0–3.1, 0.2 s 3.4, 0.5 s 3.4–3.6, 1 s 3.4–3.7) above the
   * simulator's own 1.54 ms cycle.
   * RabbitMQ's grows later (pool_child_cycle_amqp: 1.5 ms after a no-op, 1.6 after 10 ms, 2.3 after
   * 50 ms, 3.0–3.2 after 0.2–1 s): one part, 1.9 ms with 50 ms.
   */
  childWakeS: number;
  childWakeTauS: number;
  /**
   * How long a prefork child is busy storing a result after its body (a pipelined SET + PUBLISH to
   * the Redis backend, from the child) before the main process can hand it its next job: at c=1 it
   * lies between two tasks of the child; with more children it overlaps their work, so M6's
   * throughput (storeResultS, the serial part) does not show it. pool_child_cycle's no-op cycle with
   * results and -E: Redis 1.56–2.59 ms (median 1.8), RabbitMQ 1.32–2.5 (24 runs, two series; median
   * 1.6), against the simulator's serial 1.54 and 1.18 ms without it. One value for both brokers (the
   * backend is Redis in both).
   */
  childStoreS: number;
  childWakeSlowS: number;
  childWakeSlowTauS: number;
  /**
   * A body's CPU inside a prefork child vs the same loop stand-alone (M4: 24.7 ms vs 20.8 ms, "cause
   * not investigated"); threads and solo run it at 1.0 (M4: 20.0-21.4 ms in a threads-pool thread).
   */
  preforkCpuFactor: number;
  /**
   * Storing a result, charged to the worker's main process (M6: ignore -> store 1167 -> 970 tasks/s
   * at c=2 with Redis). Real Celery stores from the child; the measured throughput drop is only
   * reproduced when it is serial, so it is modelled where the serial work is.
   */
  storeResultS: number;
  /**
   * Client CPU per result fetched with get(), on the client's host cores (M6 store_get: ~575 tasks/s
   * end to end; CALIBRATION.md: "treat the get()-loop cost as 0.9-1.7 ms per result").
   */
  getResultS: number;
  /** Worker start-up: interpreter + imports + consumer (M7 fit: 0.42 s + 0.23 s per prefork child). */
  startupS: number;
  startupPerPreforkChildS: number;
  /** Threads and solo pools start in one process (M7: 0.47 s threads c=4, 0.57 s solo). */
  startupSingleProcessS: number;
  /**
   * The broker server's own CPU per message published, on the default host (the brokers ran on the
   * measuring machine). RabbitMQ's: M6 ignore/store, a worker consuming while the client publishes,
   * ran at 1536/1109 tasks/s where the same worker drains a backlog at ~2000-2470/s (M3): three busy
   * processes (client, broker, worker) on 2 cores. Redis's is too small to show in any row (0).
   */
  brokerPerMessageS: number;
}

const MS = 1e-3;
/** pool_child_cycle and pool_child_cycle_amqp: the same on both brokers (the backend is Redis in both). */
const FIRST_TASK_S = 7 * MS;
const FIRST_STORE_S = 17 * MS;
/** child_first_publish and _amqp: one value for both brokers (the backend is Redis in both). */
const CHILD_PUBLISH_S = 0.5 * MS;
const BACKEND_ON_PUBLISH_S = 12.3 * MS;
const CHILD_STORE_S = 0.3 * MS;

/** The measured costs by transport. */
export const COSTS: Readonly<Record<Transport, CostTable>> = {
  redis: {
    publishS: 0.295 * MS,
    publishPerKbS: 0.019 * MS,
    publishPerKbBeyond100S: 0.038 * MS,
    firstPublishS: 12.1 * MS,
    childFirstPublishS: 16 * MS,
    childPublishS: CHILD_PUBLISH_S,
    childBackendOnPublishS: BACKEND_ON_PUBLISH_S,
    retryS: 1.55 * MS,
    workerMainS: 0.8 * MS,
    taskEventsS: 0.35 * MS,
    pollAgainAfterMessageS: 1.3 * MS,
    workerMainPerKbS: 0.014 * MS,
    workerMainPerKbBeyond100S: 0.034 * MS,
    childS: 0.22 * MS,
    childFirstTaskS: FIRST_TASK_S,
    childFirstStoreS: FIRST_STORE_S,
    childWakeS: 1.3 * MS,
    childWakeTauS: 5 * MS,
    childStoreS: CHILD_STORE_S,
    childWakeSlowS: 0.85 * MS,
    childWakeSlowTauS: 0.2,
    preforkCpuFactor: 24.7 / 20.8,
    storeResultS: 0.17 * MS,
    getResultS: 1.5 * MS,
    startupS: 0.42,
    startupPerPreforkChildS: 0.23,
    startupSingleProcessS: 0.52,
    brokerPerMessageS: 0,
  },
  rabbitmq: {
    publishS: 0.182 * MS,
    publishPerKbS: 0.0015 * MS,
    publishPerKbBeyond100S: 0.0109 * MS,
    firstPublishS: 18.3 * MS,
    childFirstPublishS: 16 * MS,
    childPublishS: CHILD_PUBLISH_S,
    childBackendOnPublishS: BACKEND_ON_PUBLISH_S,
    retryS: 1.55 * MS,
    workerMainS: 0.44 * MS,
    taskEventsS: 0.33 * MS,
    pollAgainAfterMessageS: 0, // no BRPOP: RabbitMQ pushes
    workerMainPerKbS: 0.0083 * MS,
    workerMainPerKbBeyond100S: 0.0179 * MS,
    childS: 0.16 * MS,
    childFirstTaskS: FIRST_TASK_S,
    childFirstStoreS: FIRST_STORE_S,
    childWakeS: 1.9 * MS,
    childWakeTauS: 50 * MS,
    childStoreS: CHILD_STORE_S,
    childWakeSlowS: 0,
    childWakeSlowTauS: 0.2,
    preforkCpuFactor: 24.7 / 20.8,
    storeResultS: 0.25 * MS,
    getResultS: 1.5 * MS,
    // M7 RabbitMQ: 0.64 s at c=1, 1.44 s at c=8 (Redis's 2.27 s at c=8 had a 1.33-3.40 s spread).
    startupS: 0.53,
    startupPerPreforkChildS: 0.115,
    startupSingleProcessS: 0.52,
    brokerPerMessageS: 0.2 * MS,
  },
};

/** Base + per-kB cost with the steeper slope beyond 100 kB that both brokers show at 1 MB. */
export function perSizeS(baseS: number, perKbS: number, perKbBeyondS: number, sizeBytes: number): number {
  const kb = sizeBytes / 1000;
  return baseS + perKbS * Math.min(kb, 100) + perKbBeyondS * Math.max(0, kb - 100);
}

export function publishCostS(t: CostTable, sizeBytes: number): number {
  return perSizeS(t.publishS, t.publishPerKbS, t.publishPerKbBeyond100S, sizeBytes);
}

export function workerMainCostS(t: CostTable, sizeBytes: number, storesResult: boolean, taskEvents = false): number {
  return perSizeS(t.workerMainS, t.workerMainPerKbS, t.workerMainPerKbBeyond100S, sizeBytes) + (storesResult ? t.storeResultS : 0) + (taskEvents ? t.taskEventsS : 0);
}

export function workerStartupS(t: CostTable, pool: "prefork" | "solo" | "threads", concurrency: number): number {
  return pool === "prefork" ? t.startupS + t.startupPerPreforkChildS * concurrency : t.startupSingleProcessS;
}
