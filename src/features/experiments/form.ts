/**
 * The panel's text fields and the model behind its plots, as pure functions (unit-tested in Node).
 *
 * Parameters, one a line:  `conf.taskAcksLate = false, true`  or  `workers = [1, 2, 4]`
 * (each value is read as JSON when it can be, else as a string). Seeds: `1-5` or `1, 2, 7`.
 */
import { formatValue } from "../../../sim/experiment/spec";
import type { ExperimentResults, ParamValue, ParameterSpec } from "../../../sim/experiment/types";

export function parametersToText(ps: ParameterSpec[]): string {
  // Lists and objects among the values: write the whole list as JSON, so it reads back as it was.
  return ps.map((p) => `${p.key} = ${p.values.some((v) => typeof v === "object" && v !== null) ? JSON.stringify(p.values) : p.values.map((v) => JSON.stringify(v)).join(", ")}`).join("\n");
}

export function parseParametersText(text: string, labels: Record<string, string> = {}): ParameterSpec[] {
  const out: ParameterSpec[] = [];
  for (const [n, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`line ${n + 1}: write key = value, value`);
    const key = line.slice(0, eq).trim();
    const rhs = line.slice(eq + 1).trim();
    // `[1, 2, 4]`: the whole list as JSON; otherwise values split on top-level commas.
    let values: ParamValue[] | null = null;
    if (rhs.startsWith("[")) {
      try {
        const v = JSON.parse(rhs) as unknown;
        if (Array.isArray(v)) values = v as ParamValue[];
      } catch {
        /* not one list: split it */
      }
    }
    values ??= splitTop(rhs).map(readValue);
    if (!values.length) throw new Error(`line ${n + 1}: ${key} has no values`);
    if (out.some((p) => p.key === key)) throw new Error(`line ${n + 1}: ${key} is given twice`);
    out.push({ key, values, ...(labels[key] ? { label: labels[key] } : {}) });
  }
  return out;
}

/** Split on commas outside brackets and quotes. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") {
        cur += c + (s[++i] ?? "");
        continue;
      }
      if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

function readValue(s: string): ParamValue {
  try {
    return JSON.parse(s) as ParamValue;
  } catch {
    return s;
  }
}

export function seedsToText(seeds: number[]): string {
  const contiguous = seeds.length > 2 && seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return contiguous ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(", ");
}

export function parseSeedsText(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(-?\d+)\s*-\s*(-?\d+)$/.exec(part);
    if (m) {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (b < a || b - a > 10_000) throw new Error(`seeds: ${part} is not a range`);
      for (let s = a; s <= b; s++) out.push(s);
    } else if (/^-?\d+$/.test(part)) out.push(Number(part));
    else throw new Error(`seeds: ${part} is not a whole number or a range (1-5)`);
  }
  if (!out.length) throw new Error("seeds: at least one");
  return out;
}

export interface PlotModel {
  figure: string;
  /** x positions 0..n-1 with their labels (the last parameter's values). */
  xLabels: string[];
  xTitle: string;
  /** One line per combination of the other parameters: mean, min and max at each x (null: no data). */
  series: { label: string; mean: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[];
}

/** A figure's plot: x is the last parameter, one line per combination of the others, spread as min–max. */
export function plotModel(res: ExperimentResults, figure: string): PlotModel {
  const ps = res.parameters;
  const last = ps[ps.length - 1];
  const xValues = last ? last.values : [null];
  const xLabels = xValues.map((v) => formatValue(v as ParamValue));
  const groups = new Map<string, PlotModel["series"][number]>();
  for (const s of res.summary) {
    const others = ps.slice(0, -1).map((p) => `${p.label ?? p.key}=${formatValue(s.params[p.key] ?? null)}`).join(" ");
    const label = others || figure;
    let g = groups.get(label);
    if (!g) {
      g = { label, mean: xValues.map(() => null), min: xValues.map(() => null), max: xValues.map(() => null) };
      groups.set(label, g);
    }
    const xi = last ? xValues.findIndex((v) => JSON.stringify(v) === JSON.stringify(s.params[last.key])) : 0;
    const f = s.figures[figure];
    if (xi >= 0 && f) {
      g.mean[xi] = f.mean;
      g.min[xi] = f.min;
      g.max[xi] = f.max;
    }
  }
  return { figure, xLabels, xTitle: last ? (last.label ?? last.key) : "", series: [...groups.values()] };
}

/** A file name from an experiment's name. */
export function fileSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "experiment";
}
