/**
 * Bench: an experiment sweep, as `celery-playground sweep` runs it (each run in a sandbox process
 * of its own). 2 prefetch settings × 4 worker counts × 5 seeds of a 10k-task scenario, first one
 * run at a time, then one per core (os.availableParallelism()); reports the wall times and the
 * speed-up, and checks both gave the same runs. Prints one JSON line.
 */
import { isMainThread } from "node:worker_threads";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runPointsInThreads } from "../../cli/sweep";
import { compile } from "../../sim/testing/harness";
import { expandRuns } from "../../sim/experiment/spec";
import type { ExperimentSpec } from "../../sim/experiment/types";

const TASKS = Number(process.argv[2] ?? 10_000);
const SOURCE = `
import { Celery, sleep, params } from "celery";
const { workers = 1, tasks = ${TASKS} } = (params ?? {}) as { workers?: number; tasks?: number };
const app = new Celery("bench", { broker: "redis" });
const job = app.task(async function job(i: number) { await sleep(0.01 + Math.random() * 0.05); return i; });
export default async function main() {
  for (let w = 1; w <= workers; w++) app.worker({ hostname: "w" + w, concurrency: 8 });
  for (let i = 0; i < tasks; i++) job.delay(i);
}`;

const SPEC: ExperimentSpec = {
  name: "sweep-speedup",
  source: SOURCE,
  parameters: [
    { key: "conf.workerPrefetchMultiplier", values: [1, 4] },
    { key: "workers", values: [1, 2, 4, 8] },
  ],
  seeds: [1, 2, 3, 4, 5],
};

if (isMainThread) {
  const selfFile = fileURLToPath(import.meta.url);
  const code = await compile(SOURCE);
  const runs = expandRuns(SPEC);
  const cores = availableParallelism();
  const time = async (threads: number) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const results = await runPointsInThreads(code, runs, { selfFile, threads, hangTimeoutS: 60 });
    const wallS = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    // CPU seconds of this process per wall second. The runs are child processes now, so this is the
    // pool's own overhead, not how many cores the runs kept busy (inFlight below says that).
    return { wallS, results, coresBusy: Math.round(((c.user + c.system) / 1e6 / wallS) * 100) / 100 };
  };
  const one = await time(1);
  const all = await time(cores);
  const same = one.results.every((r, i) => r.traceHash === all.results[i]!.traceHash && !r.error);
  const cpuS = one.results.reduce((s, r) => s + r.wallMs, 0) / 1000;
  // Runs under way at once on average (sum of the runs' wall times / the sweep's): the pool keeps
  // every thread busy when this is near the thread count, whatever CPU the OS actually grants.
  const inFlight = (x: typeof one) => Math.round((x.results.reduce((s, r) => s + r.wallMs, 0) / 1000 / x.wallS) * 100) / 100;
  console.log(
    JSON.stringify({
      bench: "sweep-speedup",
      runs: runs.length,
      tasksPerRun: TASKS,
      cores,
      oneThreadWallS: Math.round(one.wallS * 100) / 100,
      allThreadsWallS: Math.round(all.wallS * 100) / 100,
      runsInFlightOneThread: inFlight(one),
      runsInFlightAllThreads: inFlight(all),
      coresBusyOneThread: one.coresBusy,
      coresBusyAllThreads: all.coresBusy,
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
      speedup: Math.round((one.wallS / all.wallS) * 100) / 100,
      /** Speed-up over the ideal (cores): 1 = every core fully used. */
      efficiency: Math.round((one.wallS / all.wallS / cores) * 100) / 100,
      sumOfRunsS: Math.round(cpuS * 100) / 100,
      sameResults: same,
      succeededPerRun: one.results[0]!.figures.succeeded,
      goal: { speedup: `close to ${cores} (the number of cores)` },
    }),
  );
}
