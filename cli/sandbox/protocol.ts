/**
 * What crosses between the CLI, the sandbox's child process and the vm context inside it.
 * Only strings cross into the context (a host object handed to it would lead back to Node through
 * `.constructor.constructor("return process")()`), so everything here is plain JSON.
 */

/** One scenario run, as the context receives it (a JSON string literal in the script it evaluates). */
export interface SandboxJob {
  code: string;
  seed: number;
  untilS?: number;
  /** The file's name as the learner gave it (in tracebacks). */
  file?: string;
  events: boolean;
  /** Send the whole trace back too (lab checks read it), in the exact encoding below. */
  trace?: boolean;
  /** The report in the exact encoding below even without the trace (a sweep's figures). */
  exact?: boolean;
  /**
   * What `run` prints, and only that (issue 21): "summary" builds the readable summary's data
   * (ReportSummary: a few tasks, whatever the run's size); "stream" writes the report's JSON in
   * pieces, never whole, for the CLI to pass straight to stdout; "figures" only what a sweep keeps
   * of a run (its figures, trace hash, end reason and error: `SweepPoint`), made in the sandbox so that
   * no report crosses (a run of 700k tasks took 1.7 GB as a whole report). Default: the whole report.
   */
  output?: "summary" | "stream" | "figures";
  limits: RunLimits;
  /** --costs: the cost model's mode unless the scenario sets it. */
  costs?: "realistic" | "ideal";
}

/** What a sweep keeps of one run (output "figures"). */
export interface SweepPoint {
  figures: Record<string, number | null>;
  traceHash: string;
  endReason: string;
  error: string | null;
}

/** The resource limits; each has a CLI flag to raise it. */
export interface RunLimits {
  /** Trace events (every broker message, state change, log line…): --max-events. */
  maxEvents: number;
  /** Tasks created (sent, applied, retried ones count once): --max-tasks. */
  maxTasks: number;
}

// Sized so a runaway run stops within seconds (a retry loop records ~80k–200k events a second on a
// 2-core machine, ~160 B each) while scenarios of up to ~200k tasks (100k tasks: 0.8–1M events) run.
export const DEFAULT_LIMITS: RunLimits = { maxEvents: 5_000_000, maxTasks: 1_000_000 };
/** The child's V8 heap (--max-old-space-size), in MB: --max-memory. */
export const DEFAULT_MEMORY_MB = 4096;

/** The flag that raises each limit, as messages name it (`run` and `sweep`). */
export const LIMIT_FLAG: Record<keyof RunLimits | "memoryMb", { flag: string; what: (n: number) => string }> = {
  maxEvents: { flag: "--max-events", what: (n) => `more than ${n} trace events` },
  maxTasks: { flag: "--max-tasks", what: (n) => `more than ${n} tasks` },
  memoryMb: { flag: "--max-memory", what: (n) => `more than ${n} MB of memory` },
};

/** A limit flag's value: a positive whole number, or an error naming the flag. */
export function limitValue(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive whole number`);
  return n;
}

/** What the context's runner says at the end of a tick (the CLI reads only this string). */
export type TickState =
  | { state: "running" }
  | { state: "ready" } // the simulation ended: the next call builds the report
  | { state: "limit"; limit: keyof RunLimits; value: number }
  | { state: "sandbox"; name: string }
  | { state: "crash"; message: string };

/**
 * The lines the child writes on stdout, one JSON object per line. After `report`, the rest of stdout
 * is the report's JSON as the context wrote it (not encoded again: it can be 100 MB).
 */
export type ChildMessage =
  | { t: "beat" }
  /**
   * The child's silence may now last `timeoutMs`: building the report, or a run started again with
   * a longer tick because its last one was cut while the scenario was still calling the simulator.
   */
  | { t: "phase"; phase: "report" | "run"; timeoutMs: number }
  | { t: "report" }
  /** Then the rest of stdout is the report's JSON, written in pieces; the outcome comes first. */
  | { t: "stream"; failed: boolean; endMessage: string }
  | { t: "hang"; label: string; phase: "run" | "report" }
  /** "memoryMb": the child's V8 heap was all but full when a tick ran out of time (its GCs, not a loop). */
  | { t: "limit"; limit: keyof RunLimits | "memoryMb"; value: number }
  | { t: "sandbox"; name: string }
  | { t: "crash"; message: string };

/**
 * JSON that keeps what structured clone kept for the old worker thread: NaN, ±Infinity, -0 and
 * undefined (a trace event's `num` is NaN when it has none). Used when `check` reads the trace.
 */
const TAG = "\u0000cp";
export function exactStringify(v: unknown): string {
  return JSON.stringify(v, function (this: unknown, _k, x: unknown) {
    if (typeof x === "number" && (!Number.isFinite(x) || Object.is(x, -0))) return { [TAG]: Object.is(x, -0) ? "-0" : String(x) };
    if (x === undefined) return { [TAG]: "u" };
    return x;
  });
}
export function exactParse(s: string): unknown {
  let sawUndefined = false;
  const out = JSON.parse(s, (_k, x: unknown) => {
    if (x !== null && typeof x === "object" && !Array.isArray(x) && Object.hasOwn(x, TAG)) {
      const t = (x as Record<string, string>)[TAG];
      if (t === "u") {
        sawUndefined = true;
        return UNDEF;
      }
      return t === "-0" ? -0 : Number(t);
    }
    return x;
  });
  return sawUndefined ? restoreUndefined(out) : out;
}
// A reviver returning undefined deletes the key; a marker is swapped back afterwards.
const UNDEF = { undef: true };
function restoreUndefined(v: unknown): unknown {
  if (v === UNDEF) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = restoreUndefined(v[i]);
  } else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = restoreUndefined((v as Record<string, unknown>)[k]);
  }
  return v;
}
