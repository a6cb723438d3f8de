// mistake: the monitor polls only while the task is PENDING, so it stops at STARTED
// expect: until the task is ready
/**
 * Lab 1.2: Task execution playground (reference solution).
 */
import { Celery, Task, sleep, now, ConnectionError, ValueError } from "celery";

const app = new Celery("task_playground", { broker: "redis" });
app.conf.update({ taskTrackStarted: true });

export const add = app.task(function add(x: number, y: number) {
  return x + y;
});

class TrackableTask extends Task {
  override onSuccess(retval: unknown, taskId: string, args: unknown[], kwargs: Record<string, unknown>) {
    console.log(`✓ Task ${taskId} completed with result: ${retval}`);
  }
  override onFailure(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: unknown) {
    console.log(`✗ Task ${taskId} failed: ${exc}`);
  }
  override onRetry(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: unknown) {
    console.log(`↻ Task ${taskId} retrying...`);
  }
}

export const longRunningTask = app.task(
  { bind: true, base: TrackableTask },
  async function long_running_task(self, duration: number) {
    const steps = 10;
    for (let i = 0; i < steps; i++) {
      await sleep(duration / steps);
      const progress = Math.round(((i + 1) / steps) * 100);
      self.updateState({ state: "PROGRESS", meta: { current: i + 1, total: steps, percent: progress } });
    }
    return `Completed ${duration} seconds of work`;
  },
);

export const unreliableTask = app.task(
  { bind: true, base: TrackableTask, maxRetries: 1, defaultRetryDelay: 1 },
  async function unreliable_task(self, mode: string) {
    await sleep(0.2);
    if (mode === "retry-once" && self.request.retries === 0) throw self.retry({ exc: new ConnectionError("first try") });
    if (mode === "fail") throw new ValueError("bad input");
    return `ok (${mode})`;
  },
);

const ROUND_TRIPS = 20;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function exploreExecutionModes() {
  console.log("=== Synchronous Execution (apply) ===");
  let start = now();
  const result1 = add.apply([4, 4]);
  const applyValue = await result1.get();
  const apply = { result: applyValue, tookS: now() - start };
  console.log(`Result: ${apply.result}, Time: ${apply.tookS}`);

  console.log("=== Asynchronous Execution (delay) ===");
  start = now();
  const result2 = add.delay(4, 4);
  console.log(`Task ID: ${result2.id}`);
  const delayValue = await result2.get({ timeout: 10 });
  const firstS = now() - start;
  // The first publish of a process connects to the broker; time the next ones one by one.
  const roundTripsS: number[] = [];
  for (let i = 1; i <= ROUND_TRIPS; i++) {
    const t0 = now();
    await add.delay(i, 10).get({ timeout: 10 });
    roundTripsS.push(now() - t0);
  }
  const delay = { id: result2.id as string | null, result: delayValue as number | null, tookS: firstS, roundTripsS };
  console.log(`Result: ${delay.result}, first call ${(firstS * 1000).toFixed(2)} ms, then a median of ${(median(roundTripsS) * 1000).toFixed(2)} ms`);

  console.log("=== Direct Execution (run) ===");
  start = now();
  const result3 = add.run(4, 4);
  const run = { result: result3 as number | null, tookS: now() - start };
  console.log(`Result: ${run.result}, Time: ${run.tookS}`);

  return { apply, delay, run };
}

async function monitorTaskProgress(result: ReturnType<typeof longRunningTask.delay>, pollS = 0.25) {
  const seen: { atS: number; state: string; info: unknown }[] = [];
  while (result.state === "PENDING") {
    seen.push({ atS: now(), state: result.state, info: result.info });
    console.log(`Task ${result.id}: ${result.state}`, result.info ? JSON.stringify(result.info) : "");
    await sleep(pollS);
  }
  seen.push({ atS: now(), state: result.state, info: result.info });
  console.log(`Final state: ${result.state}`);
  if (result.successful()) console.log(`Result: ${result.result}`);
  else console.log(`Error: ${result.info}`);
  return seen;
}

export default async function main() {
  const worker = app.worker({ hostname: "w1", concurrency: 2 });
  await worker.ready(); // ~0.9 s: the interpreter, the imports and 2 pool children (M7)

  const modes = await exploreExecutionModes();

  const task = longRunningTask.delay(5);
  const seen = await monitorTaskProgress(task);

  const retried = unreliableTask.delay("retry-once");
  const failed = unreliableTask.delay("fail");
  console.log(await retried.get({ timeout: 10 }));
  try {
    await failed.get({ timeout: 10 });
  } catch (e) {
    console.log(`get() raised ${(e as Error).name}: ${(e as Error).message}`);
  }

  return {
    modes,
    seen: seen.map((s) => s.state),
    percents: seen.map((s) => (s.info as { percent?: number } | null)?.percent ?? null).filter((p) => p !== null),
  };
}
