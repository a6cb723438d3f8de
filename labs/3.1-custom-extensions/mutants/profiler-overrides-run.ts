// mistake: the profiler overrides run() instead of __call__: in Celery the task's own function shadows a base class's run, so it never runs
// expect: shadowed by the task's function
/**
 * Lab 3.1, a wrong solution kept for the tests: the profiler wraps run() instead of __call__.
 *
 * Three base classes for tasks, as teams write them for Celery: a rate-limited task whose limit is
 * shared by every worker through Redis, a profiling task that times every execution, and tasks that
 * declare their dependencies and are sent after them.
 */
import { Celery, Task, chain, group, sleep, now, redis } from "celery";

const app = new Celery("extension_dev", { broker: "redis" });

// ---------------------------------------------------------------- 1. A rate-limited base task

/**
 * Every task with `base: RateLimitedTask` shares one limit per `rateKey`: `perSecond` executions in
 * each one-second window, counted in Redis so that every worker process sees the same count.
 */
class RateLimitedTask extends Task {
  rateKey = "default";
  perSecond = 5;

  override async __call__(...args: unknown[]) {
    const window = Math.floor(now());
    const key = `ratelimit:${this.rateKey}:${window}`;
    const count = await redis.incr(key);
    if (count === 1) await redis.expire(key, 2);
    if (count > this.perSecond) {
      // Over the limit: run again when the next window opens (a little jitter spreads the retries).
      throw this.retry({ countdown: window + 1 - now() + Math.random() * 0.05, maxRetries: null });
    }
    return super.__call__(...args);
  }
}

const GEO = { base: RateLimitedTask, rateKey: "geo_api", perSecond: 5 };

export const geocode = app.task({ name: "geocode", ...GEO }, async (address: string) => {
  console.log(`→ geo API call geocode at t=${now().toFixed(3)}`);
  await sleep(0.05);
  return `coords of ${address}`;
});

export const reverseGeocode = app.task({ name: "reverse_geocode", ...GEO }, async (lat: number) => {
  console.log(`→ geo API call reverse_geocode at t=${now().toFixed(3)}`);
  await sleep(0.05);
  return `address at ${lat}`;
});

// ---------------------------------------------------------------- 2. A profiling base task

/** Times every execution, body included to its last await, and records it in Redis, failures too. */
class ProfiledTask extends Task {
  override async run(...args: unknown[]) {
    const startedS = now();
    let state = "SUCCESS";
    try {
      return await super.run(...args);
    } catch (e) {
      state = "FAILURE";
      throw e;
    } finally {
      const record = { id: this.request.id, durationS: now() - startedS, state };
      await redis.rpush(`profile:${this.name}`, JSON.stringify(record));
    }
  }
}

export const renderReport = app.task({ name: "render_report", base: ProfiledTask }, async (pages: number) => {
  await sleep(0.25 * pages);
  console.log(`rendered ${pages} pages`);
  return pages;
});

export const exportCsv = app.task({ name: "export_csv", base: ProfiledTask }, async (rows: number) => {
  await sleep(0.2);
  if (rows > 1000) throw new Error(`too many rows: ${rows}`);
  return rows;
});

// ---------------------------------------------------------------- 3. Declared dependencies

/** A task that declares what must have finished before it runs: `dependsOn: ["fetch_data"]`. */
class DependentTask extends Task {
  dependsOn: string[] = [];
}

/** What a task declared (none when it is not a DependentTask). */
const dependsOn = (t: Task): string[] => (t instanceof DependentTask ? t.dependsOn : []);

const step = (name: string, dependsOn: string[] = []) =>
  app.task({ name, base: DependentTask, dependsOn }, async () => {
    await sleep(0.5);
    console.log(`${name} done at t=${now().toFixed(2)}`);
    return name;
  });

// Declared in an unhelpful order on purpose.
const PIPELINE = [
  step("generate_report", ["process_data"]),
  step("process_data", ["fetch_data", "validate_input"]),
  step("fetch_data"),
  step("validate_input"),
];

/**
 * The tasks in stages: each stage holds the tasks whose dependencies are all in earlier stages
 * (Kahn's algorithm, a stage at a time). null when the declarations have a cycle.
 */
export function executionStages(tasks: Task[]): Task[][] | null {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const done = new Set<string>();
  const stages: Task[][] = [];
  while (done.size < tasks.length) {
    const ready = tasks.filter((t) => !done.has(t.name) && dependsOn(t).every((d) => done.has(d) || !byName.has(d)));
    if (ready.length === 0) {
      console.log("Dependency graph contains cycles!");
      return null;
    }
    for (const t of ready) done.add(t.name);
    stages.push(ready);
  }
  return stages;
}

/** Sends the tasks so that each starts only after its dependencies: a chain of stages (groups). */
function sendInOrder(stages: Task[][]) {
  const canvas = stages.map((stage) => (stage.length === 1 ? stage[0]!.si() : group(stage.map((t) => t.si()))));
  return chain(...canvas).applyAsync();
}

const cyclic = [
  app.task({ name: "a", base: DependentTask, dependsOn: ["c"] }, () => "a"),
  app.task({ name: "b", base: DependentTask, dependsOn: ["a"] }, () => "b"),
  app.task({ name: "c", base: DependentTask, dependsOn: ["b"] }, () => "c"),
];

// ---------------------------------------------------------------- Driving it

export default async function main() {
  // Three workers; they take a moment to start (about 0.9 s each with two pool children).
  const workers = [1, 2, 3].map((i) => app.worker({ hostname: `w${i}`, concurrency: 2 }));
  for (const w of workers) await w.ready();

  // 1. 20 geocodes and 10 reverse geocodes at once: one API, 5 calls a second between them.
  const calls = [
    ...Array.from({ length: 20 }, (_, i) => geocode.delay(`${i} Main St`)),
    ...Array.from({ length: 10 }, (_, i) => reverseGeocode.delay(40 + i)),
  ];
  await sleep(0.3);
  const limiterKeys = [];
  for (const key of (await redis.keys("ratelimit:*")).sort()) limiterKeys.push({ key, ttlS: await redis.ttl(key) });
  for (const c of calls) await c.get({ timeout: 60 });

  // 2. Profiled tasks: three reports and an export that fails.
  const reports = [1, 2, 3].map((pages) => renderReport.delay(pages));
  for (const r of reports) await r.get({ timeout: 30 });
  const exports = [10, 5000].map((rows) => exportCsv.delay(rows));
  for (const e of exports) await e.get({ timeout: 30, propagate: false });
  const profiles: Record<string, unknown[]> = {};
  for (const name of ["render_report", "export_csv"]) profiles[name] = (await redis.lrange(`profile:${name}`, 0, -1)).map((s) => JSON.parse(s));

  // 3. The pipeline, each task after what it depends on; the cyclic declarations refused.
  const stages = executionStages(PIPELINE);
  const order = stages?.map((s) => s.map((t) => t.name));
  console.log(`execution order: ${JSON.stringify(order)}`);
  if (stages) await sendInOrder(stages).get({ timeout: 30 });
  const cyclicOrder = executionStages(cyclic)?.map((s) => s.map((t) => t.name)) ?? null;

  return { limiterKeys, profiles, order, cyclicOrder };
}
