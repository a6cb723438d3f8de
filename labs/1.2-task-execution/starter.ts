/**
 * Lab 1.2: Task execution playground.
 *
 * Three ways to run a task (apply, delay, run), a state monitor that polls a result, hooks on a
 * base class, and progress reported through custom states.
 */
import { Celery, Task, sleep, now, ConnectionError, ValueError } from "celery";

const app = new Celery("task_playground", { broker: "redis" });
// TODO 4: track STARTED, so the monitor sees the task pick up before its first progress report.
app.conf.update({ taskTrackStarted: false });

export const add = app.task(function add(x: number, y: number) {
  return x + y;
});

/** Hooks every task built on this base gets (Celery calls them in the worker). */
class TrackableTask extends Task {
  override onSuccess(retval: unknown, taskId: string, args: unknown[], kwargs: Record<string, unknown>) {
    // TODO 2: log "✓ Task <taskId> completed with result: <retval>"
  }
  override onFailure(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: unknown) {
    // TODO 2: log "✗ Task <taskId> failed: <exc>"
  }
  override onRetry(exc: Error, taskId: string, args: unknown[], kwargs: Record<string, unknown>, einfo: unknown) {
    // TODO 2: log "↻ Task <taskId> retrying..."
  }
}

/** Task that simulates work and reports progress. */
export const longRunningTask = app.task(
  { bind: true, base: TrackableTask },
  async function long_running_task(self, duration: number) {
    const steps = 10;
    for (let i = 0; i < steps; i++) {
      await sleep(duration / steps);
      const progress = Math.round(((i + 1) / steps) * 100);
      // TODO 3: store the progress as a custom state:
      //   self.updateState({ state: "PROGRESS", meta: { current: i + 1, total: steps, percent: progress } })
      void progress;
    }
    return `Completed ${duration} seconds of work`;
  },
);

/** Fails in a chosen way, to see the other hooks. */
export const unreliableTask = app.task(
  { bind: true, base: TrackableTask, maxRetries: 1, defaultRetryDelay: 1 },
  async function unreliable_task(self, mode: string) {
    await sleep(0.2);
    if (mode === "retry-once" && self.request.retries === 0) throw self.retry({ exc: new ConnectionError("first try") });
    if (mode === "fail") throw new ValueError("bad input");
    return `ok (${mode})`;
  },
);

/** Exercise 1: the three execution modes, timed on the simulated clock. */
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
  // TODO 1: send add(4, 4) with delay, log its id, wait for the result with get({ timeout: 10 })
  const firstS = now() - start;
  // The first publish of a process connects to the broker, so one call says little.
  const roundTripsS: number[] = [];
  for (let i = 1; i <= ROUND_TRIPS; i++) {
    // TODO 5: time one round trip: note now(), await add.delay(i, 10).get({ timeout: 10 }),
    //         and push the elapsed seconds into roundTripsS.
  }
  const delay = { id: null as string | null, result: null as number | null, tookS: firstS, roundTripsS };
  console.log(`Task ID: ${delay.id}`);
  console.log(`first call ${(firstS * 1000).toFixed(2)} ms, then a median of ${(median(roundTripsS) * 1000).toFixed(2)} ms`);
  console.log(`Result: ${delay.result}, Time: ${delay.tookS}`);

  console.log("=== Direct Execution (run) ===");
  start = now();
  // TODO 1: call the function directly with add.run(4, 4)
  const run = { result: null as number | null, tookS: now() - start };
  console.log(`Result: ${run.result}, Time: ${run.tookS}`);

  return { apply, delay, run };
}

/** Exercise 2: poll a result until it is ready, printing its state and info. */
async function monitorTaskProgress(result: ReturnType<typeof longRunningTask.delay>, pollS = 0.25) {
  const seen: { atS: number; state: string; info: unknown }[] = [];
  while (!["SUCCESS", "FAILURE"].includes(result.state)) {
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
  // TODO 6: a worker needs time to start. Keep its handle and wait for it (`await worker.ready()`)
  //         before timing anything, or the first delay() measures its start-up.
  app.worker({ hostname: "w1", concurrency: 2 });

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
