/**
 * Reading an experiment (from JSON or the page) and expanding it into runs.
 *
 * Accepted shapes, so a hand-written experiment.json stays short:
 *   parameters: [{ key, values, label? }]  or  { "conf.taskAcksLate": [false, true], "workers": [1, 2] }
 *   seeds:      [1, 2, 3]  or  5 (seeds 1..5)  or  { from: 10, count: 5 }
 */
import type { ExperimentSpec, ParamValue, ParameterSpec, Point, RunPoint } from "./types";

export class ExperimentError extends Error {
  override name = "ExperimentError";
}

export function parseExperiment(raw: unknown): ExperimentSpec {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ExperimentError("an experiment is a JSON object");
  const o = raw as Record<string, unknown>;
  const name = typeof o.name === "string" && o.name.trim() ? o.name.trim() : "experiment";
  if (o.source !== undefined && typeof o.source !== "string") throw new ExperimentError("source must be the scenario's text");
  if (o.scenario !== undefined && typeof o.scenario !== "string") throw new ExperimentError("scenario must be a file path");
  if (o.source === undefined && o.scenario === undefined) throw new ExperimentError('an experiment needs "scenario" (a file path) or "source" (the scenario\'s text)');
  const spec: ExperimentSpec = { name, parameters: parseParameters(o.parameters ?? []), seeds: parseSeeds(o.seeds ?? [1]) };
  if (typeof o.description === "string") spec.description = o.description;
  if (typeof o.source === "string") spec.source = o.source;
  if (typeof o.scenario === "string") spec.scenario = o.scenario;
  if (typeof o.file === "string") spec.file = o.file;
  if (o.figures !== undefined) {
    if (!Array.isArray(o.figures) || o.figures.some((f) => typeof f !== "string")) throw new ExperimentError("figures must be a list of names");
    spec.figures = o.figures as string[];
  }
  if (o.untilS !== undefined) {
    if (typeof o.untilS !== "number" || !(o.untilS > 0)) throw new ExperimentError("untilS must be a positive number of seconds");
    spec.untilS = o.untilS;
  }
  return spec;
}

function parseParameters(p: unknown): ParameterSpec[] {
  const list: ParameterSpec[] = [];
  if (Array.isArray(p)) {
    for (const x of p) {
      const e = x as { key?: unknown; values?: unknown; label?: unknown };
      if (typeof e?.key !== "string") throw new ExperimentError("each parameter needs a key");
      list.push({ key: e.key, values: parseValues(e.key, e.values), ...(typeof e.label === "string" ? { label: e.label } : {}) });
    }
  } else if (typeof p === "object" && p !== null) {
    for (const [key, values] of Object.entries(p)) list.push({ key, values: parseValues(key, values) });
  } else throw new ExperimentError("parameters must be a list or an object of key: [values]");
  const seen = new Set<string>();
  for (const x of list) {
    if (!x.key.trim()) throw new ExperimentError("a parameter key is empty");
    if (seen.has(x.key)) throw new ExperimentError(`parameter ${x.key} is given twice`);
    seen.add(x.key);
  }
  return list;
}

function parseValues(key: string, v: unknown): ParamValue[] {
  const values = Array.isArray(v) ? v : [v];
  if (!values.length) throw new ExperimentError(`parameter ${key} has no values`);
  return values as ParamValue[];
}

export function parseSeeds(s: unknown): number[] {
  let seeds: unknown[];
  if (typeof s === "number") {
    if (!Number.isInteger(s) || s < 1) throw new ExperimentError("seeds: a count must be a positive whole number");
    seeds = Array.from({ length: s }, (_, i) => i + 1);
  } else if (Array.isArray(s)) seeds = s;
  else if (typeof s === "object" && s !== null && typeof (s as { from?: unknown }).from === "number" && typeof (s as { count?: unknown }).count === "number") {
    const { from, count } = s as { from: number; count: number };
    seeds = Array.from({ length: count }, (_, i) => from + i);
  } else throw new ExperimentError("seeds must be a list, a count, or { from, count }");
  if (!seeds.length) throw new ExperimentError("at least one seed is needed");
  if (seeds.some((x) => typeof x !== "number" || !Number.isFinite(x))) throw new ExperimentError("seeds must be numbers");
  return seeds as number[];
}

/** Every combination of parameter values, first parameter slowest (as nested loops read). */
export function expandPoints(spec: Pick<ExperimentSpec, "parameters">): Point[] {
  let combos: Record<string, ParamValue>[] = [{}];
  for (const p of spec.parameters) {
    const next: Record<string, ParamValue>[] = [];
    for (const c of combos) for (const v of p.values) next.push({ ...c, [p.key]: v });
    combos = next;
  }
  return combos.map((params, index) => ({ index, params }));
}

/** Points × seeds, point-major: runs [0, seeds) are point 0. */
export function expandRuns(spec: Pick<ExperimentSpec, "parameters" | "seeds">): RunPoint[] {
  const runs: RunPoint[] = [];
  for (const p of expandPoints(spec)) for (const seed of spec.seeds) runs.push({ index: runs.length, point: p.index, seed, params: p.params });
  return runs;
}

/** `conf.taskAcksLate=true workers=2`: a point's values as one short line. */
export function describeParams(params: Record<string, ParamValue>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${formatValue(v)}`);
  return parts.length ? parts.join(" ") : "(no parameters)";
}

export function formatValue(v: ParamValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
