/**
 * Plain-data shapes that leave the simulator: the headless runner's JSON report (the contract in
 * shared/spec/celery-api.md) and the frames a live view pulls. No classes, no functions: all of it
 * crosses a worker boundary and is written to JSON as is.
 */
import type { TraceColumns, TraceEvent } from "../kernel/trace";
import type { EndReason } from "./sim";

export interface SerializedError {
  /** Python-style class name: "ValueError", "MaxRetriesExceededError". */
  type: string;
  message: string;
  /** Where in the learner's file it was raised, when known. */
  traceback?: string | null;
}

export interface TaskView {
  index: number;
  id: string;
  name: string;
  /** The state stored in the result backend, as AsyncResult.state reads it. */
  state: string;
  /** The state a monitor (Flower) shows from events: PENDING, RECEIVED, STARTED, RETRY, SUCCESS… */
  eventState: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  result: unknown;
  exception: SerializedError | null;
  retries: number;
  executions: number;
  worker: string | null;
  queue: string;
  sentAt: number | null;
  receivedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  runtime: number | null;
  eta: number | null;
  expires: number | null;
  parentId: string | null;
  rootId: string;
  groupId: string | null;
  children: string[];
  /** Why the task can never finish, when it was lost (message acked early and the worker died…). */
  lostReason: string | null;
  /** Run by apply() (or taskAlwaysEager): no message, no worker. */
  eager: boolean;
}

export interface CeleryEventView {
  type: string;
  uuid?: string;
  timestamp: number;
  hostname: string | null;
  [field: string]: unknown;
}

/** What never changes about a task once it exists. */
export type TaskStaticField = "id" | "name" | "args" | "kwargs" | "parentId" | "rootId" | "groupId" | "eager";
export type TaskPatch = Omit<TaskView, TaskStaticField>;

export interface WorkerView {
  index: number;
  hostname: string;
  /** online, offline (shut down or killed), starting. */
  status: "starting" | "online" | "offline";
  concurrency: number;
  queues: string[];
  active: number;
  reserved: number;
  scheduled: number;
  processed: number;
  prefetchCount: number;
  lastHeartbeatS: number | null;
  pids: number[];
  /** Sends task events (Celery's -E, workerSendTaskEvents): without them Flower sees no tasks. */
  taskEvents: boolean;
}

export interface QueueView {
  name: string;
  depth: number;
  /** Delivered to a worker and not yet acknowledged. */
  unacked: number;
  published: number;
  delivered: number;
  acked: number;
}

export interface LogLine {
  atS: number;
  level: "log" | "info" | "warn" | "error" | "debug";
  text: string;
  /** Which code printed it: "main", a task's name and id, a timer. */
  source: string;
}

export interface RunStats {
  sent: number;
  succeeded: number;
  failed: number;
  retried: number;
  revoked: number;
  rejected: number;
  /** Tasks that can never finish: their message is gone and no state was stored for the outcome. */
  lost: number;
  /** Extra executions of a task id beyond one per attempt (redeliveries that ran again). */
  duplicates: number;
  events: number;
}

export interface Report {
  seed: number;
  simTime: number;
  traceHash: string;
  endReason: EndReason;
  /** Why the run ended, in words. */
  endMessage: string;
  returned: unknown;
  error: SerializedError | null;
  logs: string[];
  tasks: TaskView[];
  events: CeleryEventView[];
  workers: WorkerView[];
  queues: QueueView[];
  stats: RunStats;
}

/** What the CLI's readable summary prints (sim/engine/report-stream.ts): the first few tasks and log lines, and the counts. */
export interface ReportSummary {
  seed: number;
  simTime: number;
  traceHash: string;
  endReason: EndReason;
  endMessage: string;
  returned: unknown;
  error: SerializedError | null;
  logs: string[];
  logCount: number;
  tasks: TaskView[];
  taskCount: number;
  stats: RunStats;
}

/** What a live view pulls: everything new since the last frame. */
export interface Frame {
  nowS: number;
  done: boolean;
  endReason: EndReason;
  endMessage: string;
  traceLength: number;
  traceHash: string;
  /** Trace events appended since the `fromTrace` index asked for (capped; see `truncated`). */
  events: TraceEvent[];
  /** The same events by column instead, when asked for so (`events` is then empty). */
  eventColumns?: TraceColumns;
  truncated: boolean;
  /** Tasks whose first event is in this frame (or all, from trace index 0): their whole view. */
  tasks: TaskView[];
  /**
   * Tasks seen in an earlier frame that changed in this one: only what can change. A page that folded
   * every frame before `fromTrace` knows the rest (id, name, args…), so a frame of a busy run carries
   * far less to clone and to collect.
   */
  taskPatches: TaskPatch[];
  workers: WorkerView[];
  queues: QueueView[];
  logs: LogLine[];
  stateCounts: Record<string, number>;
  returned: unknown;
  error: SerializedError | null;
}

/**
 * A loaded scenario that can be played event by event. The browser's simulation worker and the
 * headless runner both drive this; a seek replays a new session from the seed.
 */
export interface Session {
  readonly seed: number;
  /** Simulated seconds now. */
  readonly nowS: number;
  readonly done: boolean;
  readonly endReason: EndReason;
  /** Events fired so far (grows while the learner's code runs; a watchdog reads progress here). */
  readonly eventsFired: number;
  /** Trace events recorded so far. */
  readonly traceLength: number;
  /** Names of the tasks the scenario registered (for the designer and completions). */
  taskNames(): string[];
  /**
   * Run until simulated time `toS` (inclusive), at most `maxEvents` events, or until `shouldYield`
   * says stop (checked every few hundred events); whichever is first. Never runs past the end.
   */
  advance(opts?: { toS?: number; maxEvents?: number; shouldYield?: () => boolean }): Promise<void>;
  /** Fire exactly one event (and let the learner code it woke run). */
  step(): Promise<void>;
  /** Everything new since trace index `fromTrace` (events capped at `maxEvents`, default 5000). */
  frame(fromTrace: number, maxEvents?: number, o?: { columns?: boolean }): Frame;
  report(opts?: { events?: boolean }): Report;
}

export interface SessionOptions {
  seed: number;
  /** Stop at this simulated time even if work remains (default 3600 s, or the scenario's `until` export). */
  untilS?: number;
  /** File name used in messages. */
  file?: string;
  /**
   * Every process runs the client's module instance (the model before issue 17: one realm). Only
   * for tests that observe a run through module-level spies; learners always get real processes.
   */
  oneProcess?: boolean;
  /** The cost model's mode (sim/celery/costs.ts) unless the scenario's Celery() sets `costs`. */
  costs?: "realistic" | "ideal";
}
