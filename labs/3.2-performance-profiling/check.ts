import { defineChecks, type LabRun } from "../../sim/check/define";
import { fmt, makespanS, mostHeld, near, returned, runtimeOf } from "../check-helpers";

function batch(r: LabRun, label: string) {
  return r.tasksNamed("bench_task").filter((t) => t.args[0] === label);
}

/** Workers outside `batch` that ran its tasks (each batch has its own fresh workers, named after it). */
function strangers(r: LabRun, label: string): string[] {
  return [...new Set(batch(r, label).map((t) => t.worker ?? "").filter((w) => !w.startsWith(`${label}-`)))];
}

export default defineChecks({
  seed: 1,
  untilS: 400,
  checks: [
    {
      id: "profile",
      title: "The profiler reports count and mean runtime per task",
      explain:
        "Connect the profiler to `taskPrerun` and `taskPostrun` (TODO 1): note `now()` per task id before the body, and push the elapsed time under the task's name after it. Counts and means must match the run's own runtimes.",
      run: (r) => {
        const profile = returned(r).profile ?? {};
        for (const name of ["cpu_intensive_task", "memory_intensive_task", "io_task"]) {
          const xs = r.tasksNamed(name).map(runtimeOf).filter((x): x is number => x !== null);
          const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
          const p = profile[name];
          // Nothing profiled at all: the handlers ran where no task runs (connected in main(), in the client's process).
          if (!p && !Object.keys(profile).length && xs.length)
            return `no profile for ${name}, nor for any task, though ${xs.length} ran: signals fire in the process that runs the task (a worker's pool child), so connect the profiler at the module's top level, not in main(), which runs in the client's process`;
          if (!p) return `no profile for ${name}`;
          if (p.count !== xs.length) return `${name}: profiled ${fmt(p.count, 0)} runs, the run has ${xs.length}`;
          if (!near(p.meanS, mean, 0.02, 0.005))
            return `${name}: mean ${fmt(p.meanS, 3)} s, the run's mean runtime is ${fmt(mean, 3)} s: note each start by task id and measure from prerun to postrun`;
        }
        return true;
      },
    },
    {
      id: "scalability-measured",
      title: "Throughput measured at concurrency 1, 2, 4 and 8",
      explain:
        "Call `benchmarkScalability([1, 2, 4, 8])` (TODO 2). Each row's throughput must match its batch in the run: 40 tasks over the time from first send to last finish.",
      run: (r) => {
        const rows: any[] = returned(r).scaling ?? [];
        const cs = rows.map((x) => x.concurrency);
        if (JSON.stringify(cs) !== "[1,2,4,8]") return `scalability rows for concurrency [${cs.join(", ")}], expected [1, 2, 4, 8]`;
        for (const row of rows) {
          const span = makespanS(batch(r, `scale-c${row.concurrency}`));
          if (span === null) return `the concurrency-${row.concurrency} batch did not finish`;
          const others = strangers(r, `scale-c${row.concurrency}`);
          if (others.length)
            return `the concurrency-${row.concurrency} batch also ran on ${others.join(", ")}: shut each batch's workers down before the next batch, or it measures more slots than it says`;
          if (!near(row.throughput, 40 / span, 0.2)) {
            const said = `concurrency ${row.concurrency}: you report ${fmt(row.throughput)} tasks/s, the run shows ${fmt(40 / span)}`;
            return row.throughput > 40 / span ? `${said}: stop the clock when every result is in, and divide the count by the seconds` : `${said}: throughput is tasks / seconds (from the first send to the last result)`;
          }
        }
        return true;
      },
    },
    {
      id: "scalability-speedup",
      title: "I/O-bound tasks scale with concurrency (8 slots at least 4× faster than 1)",
      explain:
        "Tasks that wait (on I/O, here `sleep`) leave the worker free to run others, so concurrency 8 should move them at least four times faster than concurrency 1. CPU-bound tasks on a real machine would stop scaling at the number of cores.",
      run: (r) => {
        const rows: any[] = returned(r).scaling ?? [];
        const t1 = rows.find((x) => x.concurrency === 1)?.throughput;
        const t8 = rows.find((x) => x.concurrency === 8)?.throughput;
        if (typeof t1 !== "number" || typeof t8 !== "number") return "no throughput for concurrency 1 and 8";
        return t8 >= 4 * t1 ? true : `concurrency 8 was only ${fmt(t8 / t1, 1)}× concurrency 1`;
      },
    },
    {
      id: "prefetch-compared",
      title: "Prefetch multipliers 1, 4 and 100 compared on long+short tasks",
      explain:
        "Call `benchmarkPrefetch([1, 4, 100])` (TODO 3). Each row's makespan must match its batch in the run.",
      run: (r) => {
        const rows: any[] = returned(r).prefetch ?? [];
        const ms = rows.map((x) => x.multiplier);
        if (JSON.stringify(ms) !== "[1,4,100]") return `prefetch rows for multipliers [${ms.join(", ")}], expected [1, 4, 100]`;
        for (const row of rows) {
          const span = makespanS(batch(r, `prefetch-x${row.multiplier}`));
          if (span === null) return `the ×${row.multiplier} batch did not finish`;
          // Concurrency 2: a worker holds what it runs plus multiplier × 2 reserved (early acks).
          const ids = new Set(batch(r, `prefetch-x${row.multiplier}`).map((t) => t.id));
          const held = mostHeld(r, (uuid) => ids.has(uuid));
          if (held.max > 2 + 2 * row.multiplier)
            return `${held.worker} held ${held.max} tasks at once in the ×${row.multiplier} batch, more than 2 running + ${2 * row.multiplier} prefetched: the multiplier was not applied to its workers (prefetchMultiplier)`;
          if (!near(row.makespanS, span, 0.1, 0.1)) return `×${row.multiplier}: you report ${fmt(row.makespanS)} s, the run shows ${fmt(span)} s`;
        }
        return true;
      },
    },
    {
      id: "prefetch-lesson",
      title: "A multiplier of 1 finishes the mixed workload sooner than the default 4",
      explain:
        "With ×4 each worker reserves up to 8 more messages than it runs, so one worker can hoard several 3 s tasks while the short tasks queued behind them wait and the other worker idles. ×1 hands out work as slots free up. (Real Celery, measured: 3.9 s vs 6.4 s.)",
      run: (r) => {
        const rows: any[] = returned(r).prefetch ?? [];
        const one = rows.find((x) => x.multiplier === 1)?.makespanS;
        const four = rows.find((x) => x.multiplier === 4)?.makespanS;
        if (typeof one !== "number" || typeof four !== "number") return "no makespan for ×1 and ×4";
        return one < four ? true : `×1 took ${fmt(one)} s and ×4 ${fmt(four)} s`;
      },
    },
  ],
});
