/**
 * One run of an experiment: the compiled scenario with the point's values injected, a fresh
 * session on the point's seed, run to the end, reduced to figures. The same for the CLI's worker
 * threads, the page's Web Workers and the tests, so a point gives the same numbers everywhere.
 */
import { createSession } from "../engine/session";
import type { Host } from "../engine/sim";
import type { Report, TaskView } from "../engine/types";
import { injectParams } from "./inject";
import type { RunPoint, RunResult } from "./types";
import { percentile } from "../kernel/percentile";

export interface RunOptions {
  host: Host;
  untilS?: number;
  /** The scenario's file name, for tracebacks (default scenario.ts). */
  file?: string;
  /** The cost model's mode for every point unless the scenario sets it (sim/celery/costs.ts). */
  costs?: "realistic" | "ideal";
  /** Checked every few hundred events; true stops the run where it is (a cancel). */
  shouldStop?: () => boolean;
  /** Told the events fired so far, every few hundred events (progress, a watchdog's heartbeat). */
  onProgress?: (eventsFired: number) => void;
}

export async function runSession(code: string, point: Pick<RunPoint, "seed" | "params">, o: RunOptions) {
  const session = await createSession(injectParams(code, point.params), { seed: point.seed, host: o.host, ...(o.file !== undefined ? { file: o.file } : {}), ...(o.untilS !== undefined ? { untilS: o.untilS } : {}), ...(o.costs ? { costs: o.costs } : {}) });
  let stopped = false;
  await session.advance({
    shouldYield: () => {
      o.onProgress?.(session.eventsFired);
      if (o.shouldStop?.()) stopped = true;
      return stopped;
    },
  });
  if (stopped && !session.done) throw new Error("cancelled");
  return session;
}

/** Run one point with its seed and reduce it to figures. Never throws for the scenario's own errors. */
export async function runPoint(code: string, point: RunPoint, o: RunOptions): Promise<RunResult> {
  const t0 = now();
  const base = { index: point.index, point: point.point, seed: point.seed, params: point.params };
  try {
    const session = await runSession(code, point, o);
    const report = session.report({ events: false });
    return { ...base, figures: figuresOf(report), traceHash: report.traceHash, endReason: report.endReason, error: report.error ? report.endMessage : null, wallMs: now() - t0 };
  } catch (e) {
    return { ...base, figures: {}, traceHash: "", endReason: "error", error: String((e as Error)?.message ?? e), wallMs: now() - t0 };
  }
}

/** A run that never got to report (did not compile, hung, its worker died). */
export function failedRun(point: RunPoint, error: string, wallMs = 0): RunResult {
  return { index: point.index, point: point.point, seed: point.seed, params: point.params, figures: {}, traceHash: "", endReason: "error", error, wallMs };
}

function now(): number {
  // performance exists in Node and in workers; the simulator never reads it, only this timing does.
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? 0;
}

/** Every figure a report gives: the built-in ones and what main returned. */
export function figuresOf(report: Report): Record<string, number | null> {
  const tasks = report.tasks.filter((t) => !t.eager && t.sentAt !== null);
  const waits: number[] = [];
  const runtimes: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const t of tasks) {
    first = Math.min(first, t.sentAt!);
    if (t.startedAt !== null) waits.push(t.startedAt - t.sentAt!);
    if (t.runtime !== null) runtimes.push(t.runtime);
    if (t.finishedAt !== null && isDone(t)) last = Math.max(last, t.finishedAt);
  }
  const makespan = Number.isFinite(first) && Number.isFinite(last) ? last - first : null;
  const s = report.stats;
  const f: Record<string, number | null> = {
    throughput: makespan !== null && makespan > 0 ? s.succeeded / makespan : null,
    makespan,
    wait_p50: percentile(waits, 50),
    wait_p95: percentile(waits, 95),
    wait_p99: percentile(waits, 99),
    runtime_p50: percentile(runtimes, 50),
    runtime_p95: percentile(runtimes, 95),
    runtime_p99: percentile(runtimes, 99),
    sent: s.sent,
    succeeded: s.succeeded,
    failed: s.failed,
    retried: s.retried,
    lost: s.lost,
    duplicated: s.duplicates,
    simTime: report.simTime,
    events: s.events,
  };
  Object.assign(f, returnedFigures(report.returned));
  for (const k of Object.keys(f)) if (typeof f[k] === "number" && !Number.isFinite(f[k])) f[k] = null;
  return f;
}

function isDone(t: TaskView): boolean {
  return t.state === "SUCCESS" || t.state === "FAILURE" || t.state === "REVOKED";
}

/** main() returning a number gives `returned`; an object gives `returned.<key>` for its numbers (and booleans as 0/1). */
export function returnedFigures(v: unknown): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const num = (x: unknown): number | null | undefined => (typeof x === "number" ? (Number.isFinite(x) ? x : null) : typeof x === "boolean" ? (x ? 1 : 0) : undefined);
  const top = num(v);
  if (top !== undefined) out.returned = top;
  else if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const n = num(x);
      if (n !== undefined) out[`returned.${k}`] = n;
    }
  }
  return out;
}

export { percentile };
