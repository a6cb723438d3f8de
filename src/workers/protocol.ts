/**
 * The one boundary file between the UI thread and the two workers. Both sides import it, and
 * everything that crosses is plain data (structured-clone safe). The simulator's shapes are
 * re-exported as types only, so the UI bundle never pulls simulator code in by accident.
 *
 * The few runtime helpers here are pure (no DOM, no worker globals) so they are unit-tested in Node.
 */
import { HANG_BUDGET_S, hangSentence } from "../../sim/engine/hang";
import { HEARTBEAT_EVERY_MS } from "../../sim/engine/hang-watch";
import type { CeleryEventView, Frame, Report, SerializedError } from "../../sim/engine/types";
import type { CompileResult } from "../../sim/engine/compile";
import type { TraceEvent } from "../../sim/kernel/trace";

export type { Frame, Report, TaskView, WorkerView, QueueView, LogLine, SerializedError, CeleryEventView } from "../../sim/engine/types";
export type { TraceEvent, TraceKind } from "../../sim/kernel/trace";
export type { Diagnostic, CompileResult } from "../../sim/engine/compile";
export type { EndReason } from "../../sim/engine/sim";
export type { ControlCommand } from "../../sim/engine/commands";
export type { AlertRuleSpec } from "../../sim/world/metrics/rules";
export type { AlertOp } from "../../sim/world/metrics/alerts";
export type { TimedCommand, RunInputs } from "../../sim/world/metrics/run-inputs";
import type { RunInputs } from "../../sim/world/metrics/run-inputs";
import type { PyodideAssets } from "./python/boot";

// ---------------------------------------------------------------- compile worker

export interface CompileApi {
  /** Bundle a scenario. Compile errors come back as data (`ok: false`), never as a throw. */
  compile(source: string, file: string): Promise<CompileResult & { workerMs: number; crashed?: string }>;
  /** Initialise esbuild-wasm and run a tiny build so the first real compile is fast. Returns ms spent. */
  warm(): Promise<number>;
}

// ---------------------------------------------------------------- simulation worker

export interface LoadRequest {
  /** The compiled CommonJS text (from the compile worker). */
  code: string;
  seed: number;
  untilS?: number;
  file: string;
  /** Alert rules and page commands that are part of the run (replayed with it); see RunInputs. */
  alerts?: RunInputs["alerts"];
  commands?: RunInputs["commands"];
  /** Cap on trace events in the first frame (the rest come with the next ones). */
  maxFrameEvents?: number;
  /** The run's trace-event limit, at most PAGE_LIMITS.maxTraceEvents (a page may only lower it). */
  maxTraceEvents?: number;
}

export type LoadResult =
  | { ok: true; taskNames: string[]; frame: Frame }
  | { ok: false; error: SerializedError };

export interface AdvanceRequest {
  /** Run until this simulated time (inclusive). Omitted: until the end or the budget. */
  toS?: number;
  /** At most this many events (1 = a step). */
  maxEvents?: number;
  /**
   * Wall-clock budget in ms. The worker stops at the next yield point after it, so no call holds
   * the worker long enough to trip the watchdog unless learner code itself never yields.
   */
  budgetMs: number;
  /** Trace index the UI has seen up to; the answer's frame starts there. */
  fromTrace: number;
  /**
   * Start where the worker's previous frame ended (its `nextCursor`) instead of at `fromTrace`: a
   * page playing at max speed asks for the next frame before the last one arrived, so the worker
   * always has a pull to work on (calls are answered one at a time, in the order asked).
   */
  afterLastFrame?: boolean;
  /** Cap on trace events in the answer (the rest come with the next frame). */
  maxFrameEvents?: number;
}

/** Where the next frame should start, after a frame asked for from `fromTrace`: after the events it carried (as objects or by column). */
export function nextCursor(fromTrace: number, frame: Pick<Frame, "events" | "eventColumns" | "truncated" | "traceLength">): number {
  const n = frame.eventColumns ? frame.eventColumns.kinds.length : frame.events.length;
  return frame.truncated ? fromTrace + n : Math.max(fromTrace + n, frame.traceLength);
}

export interface SimApi {
  /** Start a fresh session from compiled code and a seed (runs the module's top level). */
  load(req: LoadRequest): Promise<LoadResult>;
  /** Advance the loaded session and return what changed since `fromTrace`. */
  advance(req: AdvanceRequest): Promise<Frame>;
  /** Fire exactly one event. */
  step(fromTrace: number): Promise<Frame>;
  frame(fromTrace: number, maxEvents?: number): Promise<Frame>;
  report(): Promise<Report>;
  /**
   * Load `load` and replay from the seed up to `toS` (determinism makes this exact). The client sends
   * it to a fresh worker, so the replay starts from a clean realm as the first run did. Bounded by
   * `budgetMs` like `advance`; when `frame.nowS < toS` and the run is not done, the client continues
   * with `advance`.
   */
  seek(req: { load: LoadRequest; toS: number; budgetMs: number; maxFrameEvents?: number }): Promise<Frame>;
  /** Every Celery event about one task, for the task detail view (the UI keeps no full history). */
  taskHistory(taskIndex: number): Promise<CeleryEventView[]>;
  /** The loaded run's report (with events) and whole trace, as plain data: what a lab's checks read. */
  labRun(): Promise<LabRunData>;
  /** Flower's metrics as Prometheus text at the session's current simulated time. */
  metricsText(): Promise<string>;
  /**
   * Boot Pyodide from the files the page fetched (the Python worker only; the TypeScript one
   * refuses). Called once per worker, before its first load, under PYTHON_BOOT_WATCHDOG_MS. The
   * page's first boot (no `assets.snapshot`) gives back Pyodide's memory as it booted, before any
   * learner code: the next workers boot from it.
   */
  bootPython(assets: PyodideAssets): Promise<{ bootMs: number; snapshot?: ArrayBuffer }>;
}

/**
 * The watchdog's budget for Pyodide's boot: it took 7-13 s in the sandboxed worker on a loaded
 * 2-core machine (far more when the machine is loaded ten times over), and parts of it block the
 * worker (no heartbeat can go out), so the boot call gets
 * this budget instead of WATCHDOG_MS; a boot that takes longer is reported as a hang.
 */
export const PYTHON_BOOT_WATCHDOG_MS = 180_000;

/** A finished run as the labs' checks read it (sim/check/define.ts `makeLabRun(report, trace)`). */
export interface LabRunData {
  report: Report;
  trace: TraceEvent[];
}

// ---------------------------------------------------------------- side channel: which code runs

/**
 * Posted by the sim worker straight to `postMessage` (not through comlink, whose replies are queued
 * behind the call that hangs) whenever learner code starts running under a new label. When the
 * watchdog kills a hung worker, the last label received names the culprit.
 */
export interface EnterMessage {
  channel: typeof ENTER_CHANNEL;
  label: string;
}

export const ENTER_CHANNEL = "celery-playground/enter";

export function isEnterMessage(data: unknown): data is EnterMessage {
  return (
    typeof data === "object" &&
    data !== null &&
    (data as EnterMessage).channel === ENTER_CHANNEL &&
    typeof (data as EnterMessage).label === "string"
  );
}

/**
 * Decides which labels to post. A run of 100k tasks enters learner code millions of times; posting
 * each would flood the UI thread. But the label of the code that hangs must get out *before* it
 * runs, because after that the worker never speaks again. So: post a changed label at once while
 * under a budget per window (a hang is almost always a fresh label after a quiet moment); past the
 * budget keep only the newest, and post it at the next yield via `flush`.
 */
export class EnterThrottle {
  private windowStart = -Infinity;
  private sent = 0;
  private lastSent: string | null = null;
  private pending: string | null = null;

  constructor(
    private readonly budget = 64,
    private readonly windowMs = 100,
  ) {}

  /** Returns the label to post now, or null to hold it back. */
  offer(label: string, nowMs: number): string | null {
    if (nowMs - this.windowStart >= this.windowMs) {
      this.windowStart = nowMs;
      this.sent = 0;
    }
    if (label === this.lastSent) {
      this.pending = null;
      return null;
    }
    if (this.sent < this.budget) {
      this.sent++;
      this.lastSent = label;
      this.pending = null;
      return label;
    }
    this.pending = label;
    return null;
  }

  /** At a yield point: the held-back label, if any, to post now. */
  flush(): string | null {
    const p = this.pending;
    this.pending = null;
    if (p !== null) this.lastSent = p;
    return p;
  }
}

/**
 * Posted by the sim worker while the simulator works (trace records keep coming, at most every
 * ALIVE_EVERY_MS): the watchdog's clock for the call in flight starts again. A loop of learner code
 * that never calls the simulator sends none, so it is still stopped; a loop that sends 100k tasks, or
 * the simulator's own long phases, are work, not hangs.
 */
export interface AliveMessage {
  channel: typeof ALIVE_CHANNEL;
}
export const ALIVE_CHANNEL = "celery-playground/alive";
/** The page's heartbeat cadence is the shared one (sim/engine/hang-watch.ts). */
export const ALIVE_EVERY_MS = HEARTBEAT_EVERY_MS;

export function isAliveMessage(data: unknown): data is AliveMessage {
  return typeof data === "object" && data !== null && (data as AliveMessage).channel === ALIVE_CHANNEL;
}

/** Posted once when a run reaches one of the page's resource limits: why it is being stopped. */
export interface LimitMessage {
  channel: typeof LIMIT_CHANNEL;
  message: string;
}
export const LIMIT_CHANNEL = "celery-playground/limit";

export function isLimitMessage(data: unknown): data is LimitMessage {
  return typeof data === "object" && data !== null && (data as LimitMessage).channel === LIMIT_CHANNEL && typeof (data as LimitMessage).message === "string";
}

/** What one run in the page may use: past it the run stops with a "resource limit" error, not an out-of-memory crash of the tab's worker. */
export const PAGE_LIMITS = { maxTraceEvents: 20_000_000 } as const;

/**
 * Trace records between the simulation worker's looks at the clock to say it is alive (each look posts
 * at most every ALIVE_EVERY_MS). Every 1,024 records was too sparse: a lab's run of ~1,600 records then
 * said it was alive once, and a fresh grading worker slowed by a loaded machine was stopped as a hang.
 */
export const ALIVE_EVERY_RECORDS = 64;

/** What the simulation worker does at trace record `i`: look at the clock (alive), name the limit once it is passed, or nothing. */
export function atTraceRecord(i: number, maxTraceEvents: number): "alive" | "limit" | null {
  if (i % ALIVE_EVERY_RECORDS !== 0) return null;
  return i < maxTraceEvents ? "alive" : "limit";
}

export function traceLimitMessage(maxTraceEvents: number = PAGE_LIMITS.maxTraceEvents): string {
  return `Stopped: resource limit: the run recorded more than ${maxTraceEvents.toLocaleString("en-US")} trace events (the page's limit, which keeps the tab alive). A run that big belongs in the headless CLI (npx celery-playground run), whose limits can be raised; in the page, send fewer tasks or stop a loop that never ends.`;
}

// ---------------------------------------------------------------- errors the client reports

export const WATCHDOG_MS = HANG_BUDGET_S.page * 1000;

/** The sentence shown when the watchdog stops a worker (the one sentence: sim/engine/hang.ts). */
export function hangMessage(label: string | null, ms = WATCHDOG_MS): string {
  return hangSentence(label, ms / 1000);
}

/** Rejection for calls whose answer is no longer wanted (a newer call or a reset superseded it). */
export class StaleError extends Error {
  override name = "StaleError";
  constructor() {
    super("superseded by a newer request");
  }
}

/** Rejection for every call in flight when the watchdog killed the worker. */
/**
 * The compile worker's side channel: esbuild-wasm died (a Go stack overflow on deeply nested code).
 * Its instance cannot be used again, so the page replaces the whole worker.
 */
export const COMPILER_CRASHED = "celery-playground:compiler-crashed";
export interface CompilerCrashedMessage {
  channel: typeof COMPILER_CRASHED;
  message: string;
}
export function isCompilerCrashed(d: unknown): d is CompilerCrashedMessage {
  return typeof d === "object" && d !== null && (d as { channel?: unknown }).channel === COMPILER_CRASHED && typeof (d as { message?: unknown }).message === "string";
}

export class HangError extends Error {
  override name = "HangError";
  constructor(
    readonly label: string | null,
    message = hangMessage(label),
  ) {
    super(message);
  }
}

export function isAbort(e: unknown): boolean {
  return e instanceof StaleError || (e instanceof Error && e.name === "AbortError") || (e as { name?: string })?.name === "AbortError";
}

// ---------------------------------------------------------------- experiment workers

export type { RunPoint, RunResult, ExperimentSpec, ExperimentResults, ParamValue } from "../../sim/experiment/types";
export type { DiffResult } from "../../sim/experiment/diff";
import type { RunPoint as ExpRunPoint, RunResult as ExpRunResult, ParamValue as ExpParamValue } from "../../sim/experiment/types";
import type { DiffResult as ExpDiffResult } from "../../sim/experiment/diff";

/**
 * The page's experiment workers (src/workers/experiment.worker.ts) run whole points headlessly.
 * Plain postMessage, not comlink: the pool cancels by terminating workers, and a worker speaks
 * (progress) while a run is under way, which is also the pool's watchdog heartbeat.
 */
export type ExperimentRequest =
  | { type: "run"; code: string; file: string; untilS?: number; run: ExpRunPoint }
  | { type: "diff"; code: string; file: string; untilS?: number; seed: number; a: Record<string, ExpParamValue>; b: Record<string, ExpParamValue> };

export type ExperimentReply =
  | { type: "progress"; events: number }
  | { type: "result"; result: ExpRunResult }
  | { type: "diff"; result: ExpDiffResult }
  | { type: "error"; message: string };
