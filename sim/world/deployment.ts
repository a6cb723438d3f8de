/**
 * Replicas and autoscaling, as the course's Kubernetes lab runs them: a Deployment of identical
 * worker replicas (pods), and a HorizontalPodAutoscaler on queue length (an AverageValue target per
 * replica), with Kubernetes' defaults: a 15 s sync period, scale-up limited to doubling or +4 pods
 * per period (whichever is more), scale-down stabilised over a window (the highest recommendation
 * of the last `stabilizationWindowS` wins) and removed pods get SIGTERM (a warm shutdown), then
 * SIGKILL after the grace period. Every decision is in the trace with its reason.
 */
import type { CeleryApp, WorkerHandle } from "../celery/app";
import type { WorkerOptions } from "../celery/worker";

export interface DeploymentOptions {
  name: string;
  replicas: number;
  worker?: Omit<WorkerOptions, "hostname">;
  /** Seconds between SIGTERM and SIGKILL when a pod is removed (Kubernetes: 30). */
  terminationGracePeriodS?: number;
}

export class Deployment {
  readonly name: string;
  readonly pods: WorkerHandle[] = [];
  private seq = 0;
  readonly graceS: number;

  constructor(
    private readonly app: CeleryApp,
    private readonly opts: DeploymentOptions,
  ) {
    this.name = opts.name;
    this.graceS = opts.terminationGracePeriodS ?? 30;
    this.scale(opts.replicas, "initial replicas");
  }

  get size(): number {
    return this.pods.length;
  }

  /** Hostnames of the pods that are not being removed. */
  get hostnames(): string[] {
    return this.pods.map((p) => p.hostname);
  }

  scale(n: number, reason = "scaled by hand"): void {
    n = Math.max(0, Math.floor(n));
    if (n === this.pods.length) return;
    this.app._sim.record("autoscale", -1, -1, n, { target: `deployment/${this.name}`, from: this.pods.length, to: n, reason });
    while (this.pods.length < n) this.pods.push(this.app.worker({ ...this.opts.worker, hostname: `${this.name}-${++this.seq}` }));
    while (this.pods.length > n) this.terminate(this.pods.pop()!);
  }

  private terminate(pod: WorkerHandle): void {
    pod.shutdown();
    this.app._sim.sched.schedule(this.graceS, () => {
      if (pod.status !== "offline") pod.kill();
    });
  }
}

export interface HpaOptions {
  /** The queue whose length is the metric (an external metric, AverageValue per replica). */
  queue: string;
  targetPerReplica: number;
  minReplicas?: number;
  maxReplicas: number;
  /** Seconds between evaluations (Kubernetes: 15). */
  periodS?: number;
  /** Scale-down stabilisation window (Kubernetes: 300 s). */
  stabilizationWindowS?: number;
  /** Scale-up limit per period: at most this many more pods, or this percent more, whichever is larger (Kubernetes: 4 pods, 100 %). */
  scaleUpPods?: number;
  scaleUpPercent?: number;
  /** Scale-down limit per period: at most this percent fewer pods (Kubernetes: 100 %). */
  scaleDownPercent?: number;
}

export interface HpaDecision {
  atS: number;
  metric: number;
  current: number;
  recommended: number;
  desired: number;
  reason: string;
}

export class QueueLengthAutoscaler {
  readonly decisions: HpaDecision[] = [];
  private recommendations: { atS: number; replicas: number }[] = [];
  private stopped = false;
  readonly o: Required<HpaOptions>;

  constructor(
    private readonly app: CeleryApp,
    readonly deployment: Deployment,
    opts: HpaOptions,
  ) {
    this.o = {
      minReplicas: 1,
      periodS: 15,
      stabilizationWindowS: 300,
      scaleUpPods: 4,
      scaleUpPercent: 100,
      scaleDownPercent: 100,
      ...opts,
    };
    const tick = () => {
      if (this.stopped) return;
      this.evaluate();
      this.app._sim.sched.schedule(this.o.periodS, tick, true);
    };
    this.app._sim.sched.schedule(this.o.periodS, tick, true);
  }

  stop(): void {
    this.stopped = true;
  }

  /** One evaluation, as the HPA controller does it. */
  evaluate(): HpaDecision {
    const o = this.o;
    const nowS = this.app._sim.nowS;
    const metric = this.app._broker.queueLength(o.queue);
    const current = this.deployment.size;
    let recommended = Math.ceil(metric / o.targetPerReplica);
    recommended = Math.min(o.maxReplicas, Math.max(o.minReplicas, recommended));
    this.recommendations.push({ atS: nowS, replicas: recommended });
    this.recommendations = this.recommendations.filter((r) => r.atS > nowS - o.stabilizationWindowS);
    let desired = recommended;
    let reason = `queue ${o.queue} has ${metric} messages, target ${o.targetPerReplica} per replica → ${recommended}`;
    if (desired > current) {
      const limit = Math.max(current + o.scaleUpPods, Math.ceil(current * (1 + o.scaleUpPercent / 100)));
      if (desired > limit) {
        desired = limit;
        reason += `; scale-up limited to ${limit} this period`;
      }
    } else if (desired < current) {
      const stabilised = Math.max(...this.recommendations.map((r) => r.replicas));
      if (stabilised > desired) {
        desired = Math.min(current, stabilised);
        reason += `; held at ${desired} by the ${o.stabilizationWindowS} s stabilisation window`;
      }
      const floor = Math.floor(current * (1 - o.scaleDownPercent / 100));
      if (desired < floor) desired = floor;
    }
    const d: HpaDecision = { atS: nowS, metric, current, recommended, desired, reason };
    this.decisions.push(d);
    if (desired !== current) this.deployment.scale(desired, `hpa: ${reason}`);
    return d;
  }
}
