// mistake: the profiler's signals are connected in main(), in the client's process, where no task ever runs
// expect: connect the profiler at the module's top level
/**
 * Lab 3.2: Performance profiling and optimization (reference solution).
 */
import { Celery, cpu, sleep, now, redis } from "celery";

const app = new Celery("performance_lab", { broker: "redis" });

// ---------------------------------------------------------------- Tasks under study

/** CPU-bound: about 1 µs of simulated CPU per unit of n. */
export const cpuIntensiveTask = app.task(async function cpu_intensive_task(n: number) {
  await sleep(n * 1e-6);
  return n;
});

/** Memory-bound: building `size` × 100 items takes 0.1 µs each. */
export const memoryIntensiveTask = app.task(async function memory_intensive_task(size: number) {
  await sleep(size * 100 * 1e-7);
  return 100;
});

/** I/O-bound: waits on a slow backend. */
export const ioTask = app.task(async function io_task(ms: number) {
  await sleep(ms / 1000);
  return ms;
});

/** What the benchmarks send: sleeps `durationS`, tagged with its batch. */
export const benchTask = app.task(async function bench_task(batch: string, i: number, durationS: number) {
  await sleep(durationS);
  return i;
});

// ---------------------------------------------------------------- 1. Task profiler

interface Profile {
  count: number;
  meanS: number;
  p95S: number;
  maxS: number;
}

class TaskProfiler {
  /** Per process: prerun and postrun of one task run in the same pool child. */
  starts: Record<string, number> = {};

  onPrerun = (info: any) => {
    this.starts[info.taskId] = now();
  };

  onPostrun = (info: any) => {
    const t0 = this.starts[info.taskId];
    if (t0 === undefined) return;
    delete this.starts[info.taskId];
    const name: string = info.task?.name ?? info.sender?.name ?? "unknown";
    void redis.rpush(`profile:${name}`, String(now() - t0));
  };

  /** Read in main(): the runtimes every worker process pushed to Redis. */
  async report(): Promise<Record<string, Profile>> {
    const out: Record<string, Profile> = {};
    const runtimes: Record<string, number[]> = {};
    for (const key of (await redis.keys("profile:*")).sort()) runtimes[key.slice("profile:".length)] = (await redis.lrange(key, 0, -1)).map(Number);
    for (const [name, xs] of Object.entries(runtimes)) {
      const sorted = [...xs].sort((a, b) => a - b);
      out[name] = {
        count: xs.length,
        meanS: xs.reduce((a, b) => a + b, 0) / xs.length,
        p95S: sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)]!,
        maxS: sorted[sorted.length - 1]!,
      };
    }
    return out;
  }
}

// Signals run in the worker's pool child, which imports this module: connect them at the top level
// (a handler connected in main() lives in the client's process, where no task runs). Each child has
// its own profiler; what they measure meets in Redis.
const profiler = new TaskProfiler();

// ---------------------------------------------------------------- 2. Benchmark suite

interface WorkerSpec {
  concurrency: number;
  prefetchMultiplier?: number;
}

/** Start fresh workers, send one task per duration, wait for all, stop the workers. */
async function runBatch(batch: string, durations: number[], workers: WorkerSpec[]) {
  const handles = workers.map((w, k) =>
    app.worker({ hostname: `${batch}-w${k + 1}`, concurrency: w.concurrency, prefetchMultiplier: w.prefetchMultiplier ?? 4 }),
  );
  await sleep(2); // let them come online
  const start = now();
  const results = durations.map((d, i) => benchTask.delay(batch, i, d));
  for (const r of results) await r.get({ timeout: 600 });
  const makespanS = now() - start;
  for (const h of handles) await h.shutdown();
  console.log(`${batch}: ${durations.length} tasks in ${makespanS.toFixed(2)} s = ${(durations.length / makespanS).toFixed(1)} tasks/s`);
  return { makespanS, throughput: durations.length / makespanS };
}

async function benchmarkScalability(concurrencies: number[]) {
  const rows = [];
  for (const c of concurrencies) {
    const { throughput, makespanS } = await runBatch(`scale-c${c}`, Array(40).fill(0.25), [{ concurrency: c }]);
    rows.push({ concurrency: c, throughput, makespanS });
  }
  return rows;
}

/** 24 tasks, long (3 s) and short (0.1 s) mixed LSSSSS ×4, on 2 workers × concurrency 2. */
async function benchmarkPrefetch(multipliers: number[]) {
  const mixed = Array.from({ length: 24 }, (_, i) => (i % 6 === 0 ? 3 : 0.1));
  const rows = [];
  for (const m of multipliers) {
    const { makespanS } = await runBatch(`prefetch-x${m}`, mixed, [
      { concurrency: 2, prefetchMultiplier: m },
      { concurrency: 2, prefetchMultiplier: m },
    ]);
    rows.push({ multiplier: m, makespanS });
  }
  return rows;
}

// ---------------------------------------------------------------- 4. Where the cores end

/** CPU-bound: 20 ms of one core (`cpu` burns the pool child's core, as a Python loop would). */
export const cpuTask = app.task({ ignoreResult: true }, async function cpu_task(batch: string) {
  void batch;
  await cpu(0.02);
});

/** I/O-bound: waits 20 ms on something else, using no core (`sleep`, as time.sleep or a socket read). */
export const ioWaitTask = app.task({ ignoreResult: true }, async function io_wait_task(batch: string) {
  void batch;
  await sleep(0.02);
});

/** Does nothing with its payload: what is measured is Celery carrying it. */
export const payloadTask = app.task({ ignoreResult: true }, async function payload_task(batch: string, payload: string) {
  void batch;
  void payload;
});

type Pool = "prefork" | "threads";

/**
 * Queue `n` fire-and-forget tasks, then start one fresh worker and wait until it has run them all:
 * tasks per second from its first task's start to its last task's finish (its start-up, ~0.5 s plus
 * ~0.2 s per prefork child, is not work). Returns that rate.
 */
async function drainRate(batch: string, n: number, worker: { concurrency: number; pool?: Pool }, send: () => { id: string }): Promise<number> {
  const waiting = new Set<string>();
  for (let i = 0; i < n; i++) waiting.add(send().id);
  let firstStartS = Infinity;
  let lastEndS = -Infinity;
  app.events.on("task-started", (e) => {
    if (waiting.has(String(e.uuid))) firstStartS = Math.min(firstStartS, e.timestamp);
  });
  app.events.on("task-succeeded", (e) => {
    if (waiting.delete(String(e.uuid))) lastEndS = Math.max(lastEndS, e.timestamp);
  });
  const handle = app.worker({ hostname: `${batch}-w1`, concurrency: worker.concurrency, pool: worker.pool ?? "prefork", taskEvents: true });
  // Poll from main: the events' own timestamps make the rate, so the polling step does not matter.
  // Give up after a minute (a worker without task events, say): the rate is then NaN.
  const giveUpAtS = now() + 60;
  while (waiting.size > 0 && now() < giveUpAtS) await sleep(0.1);
  await handle.shutdown();
  const tasksPerS = waiting.size > 0 ? NaN : n / (lastEndS - firstStartS);
  console.log(`${batch}: ${n} tasks at ${tasksPerS.toFixed(1)} tasks/s`);
  return tasksPerS;
}

/** The same CPU-bound or I/O-bound task at each concurrency, prefork. */
async function sweep(kind: "cpu" | "io", concurrencies: number[]) {
  const task = kind === "cpu" ? cpuTask : ioWaitTask;
  const rows = [];
  for (const c of concurrencies) {
    const batch = `${kind}-c${c}`;
    rows.push({ concurrency: c, tasksPerS: await drainRate(batch, 200, { concurrency: c }, () => task.delay(batch)) });
  }
  return rows;
}

async function benchmarkCosts() {
  const cpuSweep = await sweep("cpu", [1, 2, 4, 8]);
  const ioSweep = await sweep("io", [1, 2, 4, 8]);
  // The threads pool is one interpreter: its threads take turns on one core (the GIL).
  const threadsCpu = await drainRate("cpu-threads-c4", 200, { concurrency: 4, pool: "threads" }, () => cpuTask.delay("cpu-threads-c4"));
  // The same no-op carrying 100 bytes, then 100 kB: the worker's main process decodes every byte.
  const small = await drainRate("payload-100B", 500, { concurrency: 2 }, () => payloadTask.delay("payload-100B", "x".repeat(100)));
  const large = await drainRate("payload-100kB", 500, { concurrency: 2 }, () => payloadTask.delay("payload-100kB", "x".repeat(100_000)));
  return { cpu: cpuSweep, io: ioSweep, threadsCpu, payload: { "100B": small, "100kB": large } };
}

// ---------------------------------------------------------------- Driving it

export default async function main() {
  app.signals.taskPrerun.connect(profiler.onPrerun);
  app.signals.taskPostrun.connect(profiler.onPostrun);
  // 1. Profile a mixed workload on one worker.
  const w = app.worker({ hostname: "profile-w1", concurrency: 4 });
  const sent = [];
  for (let i = 0; i < 20; i++) {
    sent.push(cpuIntensiveTask.delay(100_000 + 10_000 * i));
    sent.push(memoryIntensiveTask.delay(5_000 + 500 * i));
    sent.push(ioTask.delay(400 + 20 * i));
  }
  for (const r of sent) await r.get({ timeout: 120 });
  await w.shutdown();

  const profile = await profiler.report();
  for (const [name, p] of Object.entries(profile))
    console.log(`=== ${name}: ${p.count} runs, mean ${p.meanS.toFixed(3)} s, p95 ${p.p95S.toFixed(3)} s, max ${p.maxS.toFixed(3)} s`);

  // 2. Scalability: the same 40 tasks at concurrency 1, 2, 4, 8.
  const scaling = await benchmarkScalability([1, 2, 4, 8]);

  // 3. Prefetch configurations on a mixed workload.
  const prefetch = await benchmarkPrefetch([1, 4, 100]);
  const best = prefetch.reduce((a, b) => (b.makespanS < a.makespanS ? b : a));
  console.log(`best prefetch multiplier for long+short tasks: ${best.multiplier}`);

  // 4. Celery's costs: CPU-bound vs I/O-bound work, the threads pool, the payload's size.
  const costs = await benchmarkCosts();

  return { profile, scaling, prefetch, costs };
}
