/**
 * Lab 4.1: Deployment at scale.
 *
 * Three worker Deployments (cpu, io, urgent), task routes to their queues, a Kubernetes-style HPA on
 * the io queue's length, and late acks so a scale-down that kills workers loses nothing.
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("celery_app", { broker: "rabbitmq" });

// The ConfigMap's celery.conf.py.
app.conf.update({
  // TODO 1: route app.tasks.cpu_intensive, app.tasks.io_intensive and app.tasks.urgent to
  //         cpu_queue, io_queue and urgent_queue.
  taskRoutes: {},
  workerPrefetchMultiplier: 1,
  // TODO 4: a scale-down kills workers mid-task. Acknowledge messages after the task, not before.
  taskAcksLate: false,
});

export const cpuIntensive = app.task({ name: "app.tasks.cpu_intensive" }, async function cpu_intensive(i: number) {
  await sleep(2);
  return i;
});

export const ioIntensive = app.task({ name: "app.tasks.io_intensive" }, async function io_intensive(key: string, durationS: number) {
  await sleep(durationS);
  return key;
});

export const urgent = app.task({ name: "app.tasks.urgent" }, async function urgent_task(i: number) {
  await sleep(0.05);
  return i;
});

// ---------------------------------------------------------------- Deployments (given)

/**
 * A Deployment: N identical worker replicas, scaled like pods (`app.deployment`). `scale(n, reason)`
 * removes a pod the way Kubernetes does: SIGTERM (a warm shutdown), then SIGKILL after
 * terminationGracePeriodS. Every scaling decision is in the trace with its reason.
 */
type Deployment = ReturnType<typeof app.deployment>;

const deployment = (name: string, worker: { concurrency: number; queues: string[] }, replicas: number): Deployment =>
  app.deployment({ name, replicas, worker, terminationGracePeriodS: 3 });

// ---------------------------------------------------------------- The HPA

interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  /** target.averageValue of celery_queue_length per replica. */
  targetPerReplica: number;
  /** behavior.scaleDown.stabilizationWindowSeconds */
  stabilizationWindowS: number;
  /** How often the controller looks (Kubernetes: 15 s). */
  periodS: number;
}

class QueueLengthAutoscaler {
  recommendations: { atS: number; replicas: number }[] = [];

  constructor(
    readonly deployment: Deployment,
    readonly queue: string,
    readonly spec: HpaSpec,
  ) {}

  desiredReplicas(queueLength: number, current: number): number {
    // TODO 3: the HPA's decision.
    //  - AverageValue target: desired = ceil(queueLength / targetPerReplica), within [min, max];
    //  - scale up by at most max(current × 2, current + 4) per period;
    //  - scale down only to the highest recommendation of the last stabilizationWindowS seconds
    //    (keep them in this.recommendations).
    void queueLength;
    return current;
  }

  async run(stopped: () => boolean) {
    while (!stopped()) {
      await sleep(this.spec.periodS);
      const q = await app.broker.queueLength(this.queue);
      const desired = this.desiredReplicas(q, this.deployment.size);
      console.log(`[t=${now().toFixed(1)}] hpa: ${this.queue} length ${q}, replicas ${this.deployment.size} → ${desired}`);
      this.deployment.scale(desired, `hpa: ${this.queue} length ${q}`);
    }
  }
}

// ---------------------------------------------------------------- Driving it

export default async function main() {
  // TODO 2: each Deployment should consume its own queue (cpu_queue, io_queue, urgent_queue).
  const cpu = deployment("cpu", { concurrency: 2, queues: ["celery"] }, 2);
  const io = deployment("io", { concurrency: 4, queues: ["celery"] }, 2);
  const urgentWorkers = deployment("urgent", { concurrency: 2, queues: ["celery"] }, 1);
  void cpu;
  void urgentWorkers;

  await sleep(2); // replicas come online

  let done = false;
  const hpa = new QueueLengthAutoscaler(io, "io_queue", {
    minReplicas: 2,
    maxReplicas: 10,
    targetPerReplica: 10,
    stabilizationWindowS: 30,
    periodS: 15,
  });
  const controller = hpa.run(() => done);
  // Traffic starts half a second after the controller, so its evaluations (every 15 s) never fall on
  // the same instant as a task finishing: the queue length it reads is not a race.
  await sleep(0.5);

  const results: { get(o: { timeout: number }): Promise<unknown> }[] = [];
  // A burst: 200 I/O tasks of 3 s and 20 CPU tasks of 2 s at once.
  for (let i = 0; i < 200; i++) results.push(ioIntensive.delay(`burst-${i}`, 3));
  for (let i = 0; i < 20; i++) results.push(cpuIntensive.delay(i));
  // Steady traffic: an urgent task every 2 s, a 6 s I/O task every second, for two minutes.
  const urgentTraffic = (async () => {
    for (let i = 0; i < 60; i++) {
      results.push(urgent.delay(i));
      await sleep(2);
    }
  })();
  const stream = (async () => {
    for (let i = 0; i < 120; i++) {
      results.push(ioIntensive.delay(`stream-${i}`, 6));
      await sleep(1);
    }
  })();
  await urgentTraffic;
  await stream;

  let failed = 0;
  for (const r of results) {
    try {
      await r.get({ timeout: 300 });
    } catch {
      failed++;
    }
  }
  done = true;
  await controller;

  console.log(`${results.length} tasks, ${failed} failed or lost; io replicas at the end: ${io.size}`);
  return { tasks: results.length, failed, ioReplicas: io.size };
}
