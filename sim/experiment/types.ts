/**
 * Experiments as plain data: what to run (a scenario, parameters to sweep, seeds), what to collect
 * (figures), and what comes back (one result per run, a summary with spread per point). Nothing
 * here is a class or a function, so all of it crosses worker boundaries and is written to JSON as is.
 */

/** A swept value: anything JSON can hold (numbers, booleans, strings, small objects for fault plans). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [k: string]: ParamValue };

/**
 * One swept parameter. Its key says where the value goes (see `inject.ts`):
 * - `conf.<key>`   pinned on every Celery app the scenario creates (`app.conf.<key>`), whatever the
 *                  scenario itself sets with `app.conf.update(...)` or an assignment;
 * - `worker.<opt>` overrides that option in every `app.worker({...})` call (`worker.concurrency`);
 * - anything else  reaches the scenario as `params.<key>` (`import { params } from "celery"`):
 *                  worker counts, load, fault plan parameters, whatever the scenario reads.
 * Every value is also in `params` under its full key (`params["conf.taskAcksLate"]`).
 */
export interface ParameterSpec {
  key: string;
  values: ParamValue[];
  /** Shown in tables and plots instead of the key. */
  label?: string;
}

/** Built-in figures; a scenario's own are `returned` (main returned a number) or `returned.<key>`. */
export const BUILTIN_FIGURES = [
  "throughput",
  "makespan",
  "wait_p50",
  "wait_p95",
  "wait_p99",
  "runtime_p50",
  "runtime_p95",
  "runtime_p99",
  "sent",
  "succeeded",
  "failed",
  "retried",
  "lost",
  "duplicated",
  "simTime",
  "events",
] as const;
export type BuiltinFigure = (typeof BUILTIN_FIGURES)[number];

export const FIGURE_HELP: Record<BuiltinFigure, string> = {
  throughput: "tasks succeeded per simulated second of makespan",
  makespan: "seconds from the first task sent to the last one finished",
  wait_p50: "median seconds from sent to started",
  wait_p95: "95th percentile of seconds from sent to started",
  wait_p99: "99th percentile of seconds from sent to started",
  runtime_p50: "median task runtime in seconds (last execution)",
  runtime_p95: "95th percentile task runtime",
  runtime_p99: "99th percentile task runtime",
  sent: "tasks sent",
  succeeded: "tasks in SUCCESS",
  failed: "tasks in FAILURE",
  retried: "task-retried events",
  lost: "tasks that can never finish (message gone, no outcome stored)",
  duplicated: "extra executions beyond one per attempt (redelivered and run again)",
  simTime: "simulated seconds when the run ended",
  events: "trace events",
};

/** Units of the built-in figures that have one. */
const FIGURE_UNIT: Partial<Record<BuiltinFigure, string>> = {
  throughput: "/s",
  makespan: "s",
  wait_p50: "s",
  wait_p95: "s",
  wait_p99: "s",
  runtime_p50: "s",
  runtime_p95: "s",
  runtime_p99: "s",
  simTime: "s",
};

/** A figure's name with its unit, as tables and plots head it: "makespan (s)", "throughput (/s)". */
export function figureLabel(figure: string): string {
  const unit = FIGURE_UNIT[figure as BuiltinFigure];
  return unit ? `${figure} (${unit})` : figure;
}

export interface ExperimentSpec {
  /** Shown in the panel and used for output file names. */
  name: string;
  description?: string;
  /** The scenario's TypeScript source (inline). The CLI also accepts `scenario`: a path next to the experiment file. */
  source?: string;
  scenario?: string;
  /** File name used in compile errors. */
  file?: string;
  parameters: ParameterSpec[];
  /** Seeds to run each point with. */
  seeds: number[];
  /** Figures to collect (default: every built-in one and every figure main returns). */
  figures?: string[];
  /** Stop each run at this simulated time (default: the scenario's own `until`, else 3600 s). */
  untilS?: number;
}

/** One combination of parameter values (a row of the summary). */
export interface Point {
  index: number;
  params: Record<string, ParamValue>;
}

/** One run: a point with one seed. */
export interface RunPoint {
  /** Position in the expanded run list (point-major, then seed). */
  index: number;
  point: number;
  seed: number;
  params: Record<string, ParamValue>;
}

export interface RunResult {
  index: number;
  point: number;
  seed: number;
  params: Record<string, ParamValue>;
  /** Every figure the run produced (built-in and returned); NaN is written as null. */
  figures: Record<string, number | null>;
  traceHash: string;
  endReason: string;
  /** Set when the scenario threw, did not compile, hung or was cancelled: its figures (if any) are left out of the summary. */
  error: string | null;
  /** Wall milliseconds the run took (not part of determinism). */
  wallMs: number;
}

export interface Spread {
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Sample standard deviation across seeds (0 with one seed). */
  sd: number | null;
}

export interface PointSummary {
  point: number;
  params: Record<string, ParamValue>;
  runs: number;
  errors: number;
  figures: Record<string, Spread>;
}

export interface ExperimentResults {
  name: string;
  parameters: ParameterSpec[];
  seeds: number[];
  figures: string[];
  runs: RunResult[];
  summary: PointSummary[];
}
