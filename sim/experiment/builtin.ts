/**
 * Experiments that ship with the playground (the page's Experiments panel lists them; the tests and
 * the e2e suite run the first). Each is plain data, exactly what an experiment.json holds.
 */
import type { ExperimentSpec } from "./types";

/** Lost versus duplicated: flip `taskAcksLate` while workers are killed mid-task. */
export const ACKS_LATE_SOURCE = `import { Celery, sleep, faults, params } from "celery";

// Swept by the experiment: conf.taskAcksLate is pinned on the app, the rest arrive in params.
const { tasks = 24, kills = 2 } = (params ?? {}) as { tasks?: number; kills?: number };

const app = new Celery("acks", { broker: "rabbitmq" });
app.conf.update({ taskAcksLate: false, workerPrefetchMultiplier: 1 });

export const work = app.task(async function work(i: number) {
  await sleep(1 + Math.random() * 3);   // 1-4 simulated seconds, drawn from the seed
  return i;
});

export const until = 600;

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 2 });
  // Kill a worker mid-task, at times drawn from the seed; it comes back 2 s later.
  faults.plan(Array.from({ length: kills }, (_, k) => ({
    fault: { kind: "kill-worker" as const, worker: k % 2 === 0 ? "w1" : "w2", restartAfterS: 2 },
    trigger: { atS: 2 + k * 5 + Math.random() * 3 },
  })));
  for (let i = 0; i < tasks; i++) work.delay(i);
}
`;

export const ACKS_LATE_EXPERIMENT: ExperimentSpec = {
  name: "acks_late under worker kills",
  description: "Two workers, each killed mid-task while 24 tasks run. With taskAcksLate false the message is acked when the task starts, so the tasks a killed worker was running are lost; with true it is acked when they finish, so they are redelivered and run again (duplicated).",
  source: ACKS_LATE_SOURCE,
  file: "acks-late.ts",
  parameters: [{ key: "conf.taskAcksLate", label: "acksLate", values: [false, true] }],
  seeds: [1, 2, 3, 4, 5],
  figures: ["lost", "duplicated", "succeeded", "makespan", "wait_p95"],
};

/** The seed's prefetch configurations: which multiplier gives the shortest makespan for a mixed load. */
export const PREFETCH_SOURCE = `import { Celery, sleep, params } from "celery";

const { tasks = 200, workers = 2 } = (params ?? {}) as { tasks?: number; workers?: number };
const app = new Celery("prefetch", { broker: "redis" });

// A mix: most tasks are short, one in ten is long.
export const job = app.task(async function job(i: number) {
  await sleep(i % 10 === 0 ? 5 + Math.random() * 5 : 0.1 + Math.random() * 0.4);
  return i;
});

export default async function main() {
  for (let w = 1; w <= workers; w++) app.worker({ hostname: "w" + w, concurrency: 4 });
  for (let i = 0; i < tasks; i++) job.delay(i);
}
`;

export const PREFETCH_EXPERIMENT: ExperimentSpec = {
  name: "prefetch multiplier vs makespan",
  description: "A mixed load of short and long tasks on 2 workers × 4 processes: how the prefetch multiplier changes the makespan and the p95 wait (the seed's prefetch configurations).",
  source: PREFETCH_SOURCE,
  file: "prefetch.ts",
  parameters: [{ key: "conf.workerPrefetchMultiplier", label: "prefetch", values: [1, 2, 4, 16] }],
  seeds: [1, 2, 3],
  figures: ["makespan", "throughput", "wait_p50", "wait_p95", "wait_p99"],
};

/** The seed's scalability benchmark: throughput as workers are added. */
export const SCALING_EXPERIMENT: ExperimentSpec = {
  name: "throughput vs workers",
  description: "The same 200-task mix with 1, 2, 4 and 8 workers: throughput, makespan and p95 wait.",
  source: PREFETCH_SOURCE,
  file: "scaling.ts",
  parameters: [{ key: "workers", values: [1, 2, 4, 8] }],
  seeds: [1, 2, 3],
  figures: ["throughput", "makespan", "wait_p95", "runtime_p50"],
};

export const BUILTIN_EXPERIMENTS: { id: string; spec: ExperimentSpec }[] = [
  { id: "acks-late", spec: ACKS_LATE_EXPERIMENT },
  { id: "prefetch", spec: PREFETCH_EXPERIMENT },
  { id: "scaling", spec: SCALING_EXPERIMENT },
];
