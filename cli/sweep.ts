/**
 * `celery-playground sweep experiment.json [--out DIR] [--threads N] [--json] [--hang-timeout S]`
 *
 * Compiles the experiment's scenario once, then runs every point × seed on a pool of Node worker
 * threads (os.availableParallelism() by default), each run a fresh session on its seed, exactly as
 * `run` and the page do. Prints the summary table and writes <name>.csv (per point, with spread
 * across seeds), <name>.runs.csv (per run) and <name>.json (everything) next to the experiment.
 *
 * A watchdog per thread stops a run whose code stops yielding (an infinite loop): that run is
 * reported as hung and the thread replaced; the rest of the sweep goes on.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { compileScenario, formatDiagnostic } from "../sim/engine/compile";
import { buildResults, resultsJson, runsCsv, summaryCsv, summaryTable } from "../sim/experiment/aggregate";
import { failedRun, runPoint } from "../sim/experiment/run";
import { expandRuns, parseExperiment } from "../sim/experiment/spec";
import type { ExperimentResults, ExperimentSpec, RunPoint, RunResult } from "../sim/experiment/types";

const USAGE_SWEEP = "celery-playground sweep <experiment.json> [--out DIR] [--threads N] [--json] [--hang-timeout S]";

interface SweepJob {
  role: "sweep";
  code: string;
  untilS?: number;
  /** [0] progress counter, bumped while a run makes progress. */
  shared: SharedArrayBuffer;
}

type ToWorker = { run: RunPoint };
type FromWorker = { result: RunResult };

export interface PoolOptions {
  /** The file a worker thread loads: a bundle that imports this module (the CLI's, a bench's). */
  selfFile: string;
  threads: number;
  untilS?: number;
  /** Real seconds without progress before a run is called hung. */
  hangTimeoutS?: number;
  onResult?: (r: RunResult, done: number, total: number) => void;
}

/** Runs every point on a pool of worker threads; results come back in run order. */
export function runPointsInThreads(code: string, runs: RunPoint[], o: PoolOptions): Promise<RunResult[]> {
  const results: RunResult[] = new Array(runs.length);
  const hangMs = (o.hangTimeoutS ?? 5) * 1000;
  let next = 0;
  let done = 0;
  const threads = Math.max(1, Math.min(o.threads, runs.length));
  if (!runs.length) return Promise.resolve([]);
  return new Promise((resolveAll, reject) => {
    const finish = (r: RunResult) => {
      results[r.index] = r;
      done++;
      o.onResult?.(r, done, runs.length);
      if (done === runs.length) resolveAll(results);
    };
    const start = () => {
      const shared = new SharedArrayBuffer(8);
      const counter = new Int32Array(shared, 0, 1);
      const job: SweepJob = { role: "sweep", code, shared, ...(o.untilS !== undefined ? { untilS: o.untilS } : {}) };
      const worker = new Worker(o.selfFile, { workerData: job });
      let current: RunPoint | null = null;
      let startedAt = 0;
      let last = -1;
      let stillSince = Date.now();
      let dead = false;
      const feed = () => {
        if (next >= runs.length) {
          clearInterval(watchdog);
          dead = true;
          void worker.terminate();
          return;
        }
        current = runs[next++]!;
        startedAt = Date.now();
        stillSince = Date.now();
        worker.postMessage({ run: current } satisfies ToWorker);
      };
      const watchdog = setInterval(() => {
        if (!current) return;
        const now = Atomics.load(counter, 0);
        if (now !== last) {
          last = now;
          stillSince = Date.now();
          return;
        }
        if (Date.now() - stillSince < hangMs) return;
        // A hung run: name it, replace the thread, carry on.
        clearInterval(watchdog);
        dead = true;
        void worker.terminate();
        const p = current;
        current = null;
        finish(failedRun(p, `hung: the scenario did not yield for ${hangMs / 1000} s of real time (an infinite loop?)`, Date.now() - startedAt));
        if (next < runs.length) start();
      }, 100);
      worker.on("message", (m: FromWorker) => {
        current = null;
        finish(m.result);
        feed();
      });
      worker.on("error", (e) => {
        if (dead) return;
        clearInterval(watchdog);
        dead = true;
        if (current) {
          const p = current;
          current = null;
          finish(failedRun(p, `the worker thread failed: ${String((e as Error)?.message ?? e)}`, Date.now() - startedAt));
          if (next < runs.length) start();
        } else reject(e);
      });
      feed();
    };
    for (let i = 0; i < threads; i++) start();
  });
}

/** The worker-thread side: run each point it is sent, post the result back. */
function sweepWorker(job: SweepJob): void {
  const port = parentPort!;
  const counter = new Int32Array(job.shared, 0, 1);
  const host = {
    yieldMacrotask: () => {
      Atomics.add(counter, 0, 1);
      return new Promise<void>((r) => setImmediate(r));
    },
  };
  process.on("unhandledRejection", () => {
    /* a learner's stray rejected promise must not take the sweep down */
  });
  port.on("message", async (m: ToWorker) => {
    const result = await runPoint(job.code, m.run, { host, ...(job.untilS !== undefined ? { untilS: job.untilS } : {}), onProgress: () => void Atomics.add(counter, 0, 1) });
    port.postMessage({ result } satisfies FromWorker);
  });
}

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === "sweep") sweepWorker(workerData as SweepJob);

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

export async function sweepCommand(path: string, args: string[], selfFile: string): Promise<number> {
  let out: string | undefined;
  let threads = availableParallelism();
  let json = false;
  let hangTimeoutS = 5;
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
    else {
      console.error(`unknown option ${a}\nUsage: ${USAGE_SWEEP}`);
      return 1;
    }
  }
  let loaded: LoadedExperiment;
  try {
    loaded = loadExperiment(path);
  } catch (e) {
    console.error(`${path}: ${(e as Error).message}`);
    return 1;
  }
  const { spec } = loaded;
  const compiled = await compileScenario(esbuild, loaded.source, loaded.file);
  if (!compiled.ok) {
    console.error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
    return 1;
  }
  const runs = expandRuns(spec);
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  const results = await runPointsInThreads(compiled.code, runs, {
    selfFile,
    threads,
    hangTimeoutS,
    ...(spec.untilS !== undefined ? { untilS: spec.untilS } : {}),
    onResult: (_r, done, total) => {
      if (tty) process.stderr.write(`\r${done}/${total} runs`);
    },
  });
  if (tty) process.stderr.write("\n");
  const res = buildResults(spec, results);
  const files = writeOutputs(res, out ?? dirname(resolve(path)), basename(path).replace(/\.json$/i, "") || slug(spec.name));
  if (json) process.stdout.write(JSON.stringify(res) + "\n");
  else {
    console.log(`${spec.name}: ${runs.length} runs (${res.summary.length} points × ${spec.seeds.length} seeds) on ${Math.min(threads, runs.length)} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(summaryTable(res));
    for (const r of results) if (r.error) console.log(`run ${r.index} (seed ${r.seed}): ${r.error}`);
    console.log(`wrote ${files.join(", ")}`);
  }
  if (results.some((r) => r.error?.startsWith("hung"))) return 2;
  return results.some((r) => r.error) ? 1 : 0;
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
