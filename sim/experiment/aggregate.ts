/**
 * From runs to results: the figures per point with their spread across seeds, and the same as CSV,
 * JSON and a text table. Results are ordered by run index, so the order workers finished in never
 * shows.
 */
import { describeParams, expandPoints, formatValue } from "./spec";
import type { ExperimentResults, ExperimentSpec, ParamValue, PointSummary, RunResult, Spread } from "./types";
import { BUILTIN_FIGURES } from "./types";

export function spread(values: (number | null | undefined)[]): Spread {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = xs.length;
  if (!n) return { n: 0, mean: null, min: null, max: null, sd: null };
  let sum = 0,
    min = Infinity,
    max = -Infinity;
  for (const x of xs) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { n, mean, min, max, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** The figures to show: as asked, else every built-in figure plus every one a run returned. */
export function figureNames(spec: Pick<ExperimentSpec, "figures">, runs: RunResult[]): string[] {
  if (spec.figures?.length) return [...spec.figures];
  const extra = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.figures)) if (!(BUILTIN_FIGURES as readonly string[]).includes(k)) extra.add(k);
  return [...BUILTIN_FIGURES, ...[...extra].sort()];
}

export function summarize(spec: Pick<ExperimentSpec, "parameters" | "figures">, runs: RunResult[]): PointSummary[] {
  const names = figureNames(spec, runs);
  return expandPoints(spec).map((p) => {
    const mine = runs.filter((r) => r.point === p.index);
    const ok = mine.filter((r) => !r.error);
    const figures: Record<string, Spread> = {};
    for (const f of names) figures[f] = spread(ok.map((r) => r.figures[f]));
    return { point: p.index, params: p.params, runs: mine.length, errors: mine.length - ok.length, figures };
  });
}

export function buildResults(spec: ExperimentSpec, runs: RunResult[]): ExperimentResults {
  const sorted = [...runs].sort((a, b) => a.index - b.index);
  return { name: spec.name, parameters: spec.parameters, seeds: spec.seeds, figures: figureNames(spec, sorted), runs: sorted, summary: summarize(spec, sorted) };
}

// ---------------------------------------------------------------- CSV

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : typeof v === "number" ? (Number.isFinite(v) ? String(round(v)) : "") : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function round(x: number): number {
  return Math.abs(x) >= 1e-6 || x === 0 ? Number(x.toPrecision(10)) : x;
}

const paramCell = (v: ParamValue | undefined) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

/** One row per point: parameters, runs, errors, then mean, sd, min, max of every figure. */
export function summaryCsv(res: ExperimentResults): string {
  const keys = res.parameters.map((p) => p.key);
  const head = [...keys, "runs", "errors", ...res.figures.flatMap((f) => [`${f}_mean`, `${f}_sd`, `${f}_min`, `${f}_max`])];
  const rows = res.summary.map((s) => [
    ...keys.map((k) => paramCell(s.params[k])),
    s.runs,
    s.errors,
    ...res.figures.flatMap((f) => {
      const x = s.figures[f];
      return [x?.mean, x?.sd, x?.min, x?.max];
    }),
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** One row per run: parameters, seed, trace hash, error, then every figure. */
export function runsCsv(res: ExperimentResults): string {
  const keys = res.parameters.map((p) => p.key);
  const head = [...keys, "seed", "traceHash", "endReason", "error", ...res.figures];
  const rows = res.runs.map((r) => [...keys.map((k) => paramCell(r.params[k])), r.seed, r.traceHash, r.endReason, r.error ?? "", ...res.figures.map((f) => r.figures[f])]);
  return [head, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** The results as written to a file: no wall-clock times, so the same experiment gives the same bytes. */
export function resultsJson(res: ExperimentResults): string {
  return JSON.stringify(res, (key, v) => (key === "wallMs" ? undefined : v), 2) + "\n";
}

// ---------------------------------------------------------------- text table

export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 0.01 ? x.toFixed(3) : x.toExponential(2);
}

/** `mean ± sd` with one seed shown as just the value. */
export function formatSpread(s: Spread | undefined): string {
  if (!s || s.n === 0) return "–";
  return s.n > 1 && s.sd ? `${formatNumber(s.mean)} ± ${formatNumber(s.sd)}` : formatNumber(s.mean);
}

/** A fixed-width table of the summary (what `celery-playground sweep` prints). */
export function summaryTable(res: ExperimentResults, figures = res.figures): string {
  const keys = res.parameters.map((p) => p.key);
  const head = [...res.parameters.map((p) => p.label ?? p.key), "runs", ...figures];
  const rows = res.summary.map((s) => [...keys.map((k) => formatValue(s.params[k] ?? null)), s.errors ? `${s.runs} (${s.errors} failed)` : String(s.runs), ...figures.map((f) => formatSpread(s.figures[f]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export { describeParams };
