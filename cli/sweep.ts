/**
 * `celery-playground sweep experiment.json [--out DIR] [--threads N] [--json] [--hang-timeout S]`
 *
 * Compiles the experiment's scenario once, then runs every point × seed, --threads at a time
 * (os.availableParallelism() by default), each run a fresh session on its seed in a sandbox process
 * of its own, exactly as `run` does (cli/sandbox/). Prints the summary table and writes <name>.csv
 * (per point, with spread across seeds), <name>.runs.csv (per run) and <name>.json (everything)
 * next to the experiment.
 *
 * A run whose code stops yielding (an infinite loop) is stopped by the sandbox's timeout and
 * reported as hung; the rest of the sweep goes on.
 */
import { HANG_BUDGET_S, hangSentence } from "../sim/engine/hang";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { compileScenario, formatDiagnostic } from "../sim/engine/compile";
import { buildResults, resultsJson, runsCsv, summaryCsv, summaryTable } from "../sim/experiment/aggregate";
import { printable } from "./summary";
import { failedRun } from "../sim/experiment/run";
import { injectParams } from "../sim/experiment/inject";
import { expandRuns, parseExperiment } from "../sim/experiment/spec";
import type { ExperimentResults, ExperimentSpec, RunPoint, RunResult } from "../sim/experiment/types";
import { runSandboxed, type SandboxResult } from "./sandbox/host";
import { DEFAULT_LIMITS, DEFAULT_MEMORY_MB, LIMIT_FLAG, limitValue, type RunLimits } from "./sandbox/protocol";
import { simulatorFingerprint } from "./sandbox/host";
import { SHARD_FORMAT, SHARD_VERSION, fingerprint, mergeShards, parseShard, shardFileName, shardRuns, withoutWallTime, type ShardFile, type ShardOptions, type ShardSpec } from "./shard";

const USAGE_SWEEP = "celery-playground sweep <experiment.json> [--out DIR] [--threads N] [--json] [--hang-timeout S] [--max-events N] [--max-tasks N] [--max-memory MB] [--shard i/n]\n       celery-playground sweep merge <experiment.json> <shard files…> [--out DIR] [--json]";

export interface PoolOptions {
  /** No longer used (runs were worker threads started from this file); kept for callers. */
  selfFile?: string;
  /** How many runs at once, each in a sandbox process of its own. */
  threads: number;
  untilS?: number;
  /** Real seconds without progress before a run is called hung. */
  hangTimeoutS?: number;
  /** Each run's resource limits (--max-events, --max-tasks) and heap (--max-memory). */
  limits?: RunLimits;
  memoryMb?: number;
  /** The scenario's file name, as errors name it. */
  file?: string;
  onResult?: (r: RunResult, done: number, total: number) => void;
}

/**
 * One point in the sandbox (cli/sandbox/), reduced to figures as sim/experiment/run.ts's runPoint
 * does: the same session on the same seed with the point's values injected, so the same numbers.
 */
export async function runPointSandboxed(code: string, point: RunPoint, o: { untilS?: number; hangTimeoutS: number; limits?: RunLimits; memoryMb?: number; file?: string }): Promise<RunResult> {
  const t0 = performance.now();
  const r: SandboxResult = await runSandboxed(
    { code: injectParams(code, point.params), seed: point.seed, events: false, exact: true, output: "figures", ...(o.untilS !== undefined ? { untilS: o.untilS } : {}), ...(o.file ? { file: o.file } : {}) },
    { hangTimeoutS: o.hangTimeoutS, ...(o.limits ? { limits: o.limits } : {}), ...(o.memoryMb ? { memoryMb: o.memoryMb } : {}) },
  );
  const wallMs = performance.now() - t0;
  switch (r.kind) {
    case "figures":
      return { index: point.index, point: point.point, seed: point.seed, params: point.params, figures: r.figures, traceHash: r.traceHash, endReason: r.endReason, error: r.error, wallMs };
    case "hang":
      return failedRun(point, `hung: ${hangSentence(r.label || null, o.hangTimeoutS)}`, wallMs);
    case "limit":
      return failedRun(point, `resource limit: the run used ${LIMIT_FLAG[r.limit].what(r.value)} (${LIMIT_FLAG[r.limit].flag} ${r.value}; raise it with ${LIMIT_FLAG[r.limit].flag})`, wallMs);
    case "sandbox":
      return failedRun(point, `the scenario used \`${r.name}\`, which a scenario cannot reach (it runs sandboxed)`, wallMs);
    case "report":
    case "summary":
    case "streamed":
      return failedRun(point, "the sandbox gave no figures", wallMs); // never asked for here
    case "crash":
      return failedRun(point, `the sandbox failed: ${r.message}`, wallMs);
  }
}

/** Runs every point, `threads` at a time, each in a sandbox process of its own; results in run order. */
export async function runPointsInThreads(code: string, runs: RunPoint[], o: PoolOptions): Promise<RunResult[]> {
  const results: RunResult[] = new Array(runs.length);
  const hangTimeoutS = o.hangTimeoutS ?? HANG_BUDGET_S.cli;
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < runs.length) {
      const p = runs[next++]!;
      const r = await runPointSandboxed(code, p, { hangTimeoutS, ...(o.untilS !== undefined ? { untilS: o.untilS } : {}), ...(o.limits ? { limits: o.limits } : {}), ...(o.memoryMb ? { memoryMb: o.memoryMb } : {}), ...(o.file ? { file: o.file } : {}) });
      results[p.index] = r;
      o.onResult?.(r, ++done, runs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.threads, runs.length)) }, lane));
  return results;
}

// ---------------------------------------------------------------- the command

export interface LoadedExperiment {
  spec: ExperimentSpec;
  source: string;
  file: string;
}

/** Reads experiment.json; `scenario` is a path relative to it, or the scenario is inline as `source`. */
export function loadExperiment(path: string): LoadedExperiment {
  const spec = parseExperiment(JSON.parse(readFileSync(path, "utf8")));
  if (spec.source !== undefined) return { spec, source: spec.source, file: spec.file ?? "scenario.ts" };
  const scenarioPath = resolve(dirname(path), spec.scenario!);
  return { spec, source: readFileSync(scenarioPath, "utf8"), file: spec.scenario! };
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "experiment";
}

export async function sweepCommand(path: string, args: string[]): Promise<number> {
  let out: string | undefined;
  let threads = availableParallelism();
  let json = false;
  let hangTimeoutS: number = HANG_BUDGET_S.cli;
  let shard: ShardSpec | null = null;
  const limits: RunLimits = { ...DEFAULT_LIMITS };
  let memoryMb = DEFAULT_MEMORY_MB;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--out") out = next();
    else if (a === "--threads") threads = Math.max(1, Math.floor(Number(next())) || 1);
    else if (a === "--json") json = true;
    else if (a === "--hang-timeout") hangTimeoutS = Number(next());
    else if (a === "--max-events" || a === "--max-tasks" || a === "--max-memory") {
      try {
        const n = limitValue(a, next());
        if (a === "--max-events") limits.maxEvents = n;
        else if (a === "--max-tasks") limits.maxTasks = n;
        else memoryMb = n;
      } catch (e) {
        console.error((e as Error).message);
        return 1;
      }
    } else if (a === "--shard") {
      try {
        shard = parseShard(next());
      } catch (e) {
        console.error((e as Error).message);
        return 1;
      }
    } else {
      console.error(`unknown option ${a}\nUsage: ${USAGE_SWEEP}`);
      return 1;
    }
  }
  if (!(hangTimeoutS > 0 && hangTimeoutS < 86_400)) {
    console.error("--hang-timeout needs a number of seconds above 0");
    return 1;
  }
  let loaded: LoadedExperiment;
  try {
    loaded = loadExperiment(path);
  } catch (e) {
    console.error(`${path}: ${(e as Error).message}`);
    return 1;
  }
  const { spec } = loaded;
  if (loaded.file.endsWith(".py")) {
    console.error(`${loaded.file}: sweeps run TypeScript scenarios only (a Python scenario runs with \`run\`, one browser per run)`);
    return 1;
  }
  const compiled = await compileScenario(esbuild, loaded.source, loaded.file);
  if (!compiled.ok) {
    console.error(printable(compiled.diagnostics.map(formatDiagnostic).join("\n")));
    return 1;
  }
  const all = expandRuns(spec);
  const runs = shard ? shardRuns(all, shard) : all;
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  const results = await runPointsInThreads(compiled.code, runs, {
    threads,
    hangTimeoutS,
    limits,
    memoryMb,
    file: loaded.file,
    ...(spec.untilS !== undefined ? { untilS: spec.untilS } : {}),
    onResult: (_r, done, total) => {
      if (tty) process.stderr.write(`\r${done}/${total} runs`);
    },
  });
  if (tty) process.stderr.write("\n");
  const base = basename(path).replace(/\.json$/i, "") || slug(spec.name);
  if (shard) {
    const dir = out ?? dirname(resolve(path));
    mkdirSync(dir, { recursive: true });
    const options: ShardOptions = { hangTimeoutS, ...limits, memoryMb };
    const shardFile: ShardFile = { format: SHARD_FORMAT, version: SHARD_VERSION, experiment: spec.name, fingerprint: fingerprint(spec, loaded.source), simulator: await simulatorFingerprint(), options, shard, totalRuns: all.length, runs: results.filter(Boolean).map(withoutWallTime) };
    const f = join(dir, shardFileName(base, shard));
    writeFileSync(f, JSON.stringify(shardFile, null, 2) + "\n");
    console.log(`${spec.name}: shard ${shard.index}/${shard.count}, ${runs.length} of ${all.length} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s; wrote ${f}`);
    for (const r of results) if (r?.error) console.log(`run ${r.index} (seed ${r.seed}): ${printable(r.error)}`);
    return exitCodeOf(results.filter(Boolean));
  }
  const res = buildResults(spec, results);
  const files = writeOutputs(res, out ?? dirname(resolve(path)), base);
  if (json) process.stdout.write(resultsJson(res));
  else {
    console.log(`${spec.name}: ${runs.length} runs (${res.summary.length} points × ${spec.seeds.length} seeds) on ${Math.min(threads, runs.length)} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(summaryTable(res));
    for (const r of results) if (r.error) console.log(`run ${r.index} (seed ${r.seed}): ${printable(r.error)}`);
    console.log(`wrote ${files.join(", ")}`);
  }
  return exitCodeOf(results);
}

/** As `run`'s: 2 when a run hung, else 3 when one reached a resource limit, else 1 when one failed. */
function exitCodeOf(results: RunResult[]): number {
  if (results.some((r) => r.error?.startsWith("hung"))) return 2;
  if (results.some((r) => r.error?.startsWith("resource limit"))) return 3;
  return results.some((r) => r.error) ? 1 : 0;
}

/** `sweep merge exp.json shard files… [--out DIR] [--json]`: the unsharded sweep's outputs, from its shards. */
export async function sweepMergeCommand(args: string[]): Promise<number> {
  let out: string | undefined;
  let json = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--out" && args[i + 1] !== undefined) out = args[++i];
    else if (a === "--json") json = true;
    else if (a.startsWith("--")) {
      console.error(`unknown option ${a}\nUsage: ${USAGE_SWEEP}`);
      return 1;
    } else positional.push(a);
  }
  const [path, ...shardPaths] = positional;
  if (!path) {
    console.error(`Usage: ${USAGE_SWEEP}`);
    return 1;
  }
  let results: RunResult[];
  let spec: ExperimentSpec;
  try {
    const loaded = loadExperiment(path);
    spec = loaded.spec;
    const files = shardPaths.map((name) => {
      const text = readFileSync(name, "utf8");
      try {
        return { name, data: JSON.parse(text) as unknown };
      } catch (e) {
        throw new Error(`${name}: not JSON (${(e as Error).message}): was its shard cut short or the file truncated?`);
      }
    });
    results = mergeShards(files, { fingerprint: fingerprint(spec, loaded.source), totalRuns: expandRuns(spec).length });
  } catch (e) {
    console.error(`sweep merge: ${(e as Error).message}`);
    return 1;
  }
  const res = buildResults(spec, results);
  const written = writeOutputs(res, out ?? dirname(resolve(path)), basename(path).replace(/\.json$/i, "") || slug(spec.name));
  if (json) process.stdout.write(resultsJson(res));
  else {
    console.log(`${spec.name}: ${results.length} runs merged from ${shardPaths.length} shards`);
    console.log(summaryTable(res));
    for (const r of results) if (r.error) console.log(`run ${r.index} (seed ${r.seed}): ${printable(r.error)}`);
    console.log(`wrote ${written.join(", ")}`);
  }
  return exitCodeOf(results);
}

export function writeOutputs(res: ExperimentResults, dir: string, base: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [join(dir, `${base}.csv`), summaryCsv(res)],
    [join(dir, `${base}.runs.csv`), runsCsv(res)],
    [join(dir, `${base}.results.json`), resultsJson(res)],
  ];
  for (const [f, text] of files) writeFileSync(f, text);
  return files.map(([f]) => f);
}
