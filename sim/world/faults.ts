/**
 * Fault injection as data. A plan is a list of faults, each with a trigger: at a simulated time,
 * after N events of a kind, or when a predicate on the world holds. Plans can be saved, shared and
 * generated from a seed (`faults.random`); every injected fault is recorded in the trace with its
 * cause, so a replay explains itself.
 */
import type { Sim } from "../engine/sim";
import type { World } from "../celery/world";
import type { Worker } from "../celery/worker";
import type { TraceKind } from "../kernel/trace";
import type { SimService } from "./service";

export type FaultSpec =
  /** SIGKILL the whole worker; `restartAfterS` starts it again after that long. */
  | { kind: "kill-worker"; worker: string; restartAfterS?: number }
  /** Warm shutdown, then start again. */
  | { kind: "restart-worker"; worker: string }
  /** Warm shutdown only. */
  | { kind: "stop-worker"; worker: string }
  /** SIGKILL the pool child running a task (of `task`, if given). */
  | { kind: "kill-child"; worker: string; task?: string }
  | { kind: "restart-broker"; graceful?: boolean; downtimeS?: number; persistent?: boolean }
  /** Cut (drop) or slow (latencyS) the link between a worker and the broker for `durationS`. */
  | { kind: "network"; worker: string; durationS: number; drop?: boolean; latencyS?: number }
  /** Executions of `task` fail with `error` (ConnectionError) with `probability`, for `durationS` (forever if absent). */
  | { kind: "fail-task"; task: string; probability?: number; durationS?: number; error?: string }
  /** A downstream service is down for `durationS`. */
  | { kind: "fail-service"; service: string; durationS: number };

export type Trigger =
  | { atS: number }
  | { afterEvents: number; eventType: TraceKind }
  | { when: (w: World) => boolean; checkEveryS?: number };

export interface PlannedFault {
  fault: FaultSpec;
  trigger: Trigger;
  /** Why, in words (shown in the trace); defaults to a description of the trigger. */
  cause?: string;
}

export interface TaskFault {
  task: string;
  probability: number;
  untilS: number;
  error: string;
}

export class Faults {
  /** Faults that make executions fail, consulted by the worker when a task starts. */
  readonly taskFaults: TaskFault[] = [];
  readonly injected: { atS: number; fault: FaultSpec; cause: string }[] = [];
  private readonly services = new Map<string, SimService>();

  constructor(
    private readonly sim: Sim,
    private readonly world: World,
  ) {}

  registerService(s: SimService): void {
    this.services.set(s.name, s);
  }

  /** Schedule every fault of a plan. */
  plan(items: PlannedFault[]): void {
    for (const it of items) this.schedule(it);
  }

  at(atS: number, fault: FaultSpec, cause?: string): void {
    this.schedule({ fault, trigger: { atS }, cause });
  }

  after(count: number, eventType: TraceKind, fault: FaultSpec, cause?: string): void {
    this.schedule({ fault, trigger: { afterEvents: count, eventType }, cause });
  }

  when(predicate: (w: World) => boolean, fault: FaultSpec, opts: { checkEveryS?: number; cause?: string } = {}): void {
    this.schedule({ fault, trigger: { when: predicate, checkEveryS: opts.checkEveryS }, cause: opts.cause });
  }

  /**
   * A plan drawn from the seed's "faults" stream: `count` faults among `kinds`, at times in
   * [0, withinS), against the named workers. The same seed gives the same plan.
   */
  random(opts: { count: number; withinS: number; workers: string[]; kinds?: FaultSpec["kind"][] }): PlannedFault[] {
    const rng = this.sim.rng.stream("faults");
    const kinds = opts.kinds ?? ["kill-worker", "kill-child", "restart-worker", "network"];
    const out: PlannedFault[] = [];
    for (let i = 0; i < opts.count; i++) {
      const kind = kinds[rng.int(kinds.length)]!;
      const worker = opts.workers[rng.int(opts.workers.length)]!;
      const atS = Math.round(rng.random() * opts.withinS * 1000) / 1000;
      let fault: FaultSpec;
      switch (kind) {
        case "kill-worker":
          fault = { kind, worker, restartAfterS: Math.round(rng.random() * 20 * 1000) / 1000 };
          break;
        case "network":
          fault = { kind, worker, durationS: Math.round((1 + rng.random() * 10) * 1000) / 1000, drop: rng.random() < 0.5, latencyS: 0.05 };
          break;
        case "restart-broker":
          fault = { kind, graceful: rng.random() < 0.5 };
          break;
        case "kill-child":
        case "restart-worker":
        case "stop-worker":
          fault = { kind, worker };
          break;
        default:
          continue;
      }
      out.push({ fault, trigger: { atS }, cause: `random plan (seed ${this.sim.seed}), fault ${i + 1} of ${opts.count}` });
    }
    return out;
  }

  private schedule(it: PlannedFault): void {
    const t = it.trigger;
    if ("atS" in t) {
      this.sim.sched.scheduleAt(t.atS, () => this.inject(it.fault, it.cause ?? `scheduled at ${t.atS} s`));
    } else if ("afterEvents" in t) {
      let seen = 0;
      const stop = this.sim.onRecord((i) => {
        if (this.sim.trace.kindAt(i) !== t.eventType) return;
        if (++seen === t.afterEvents) {
          stop();
          // Inject in an event of its own: not in the middle of the step that produced the event.
          this.sim.sched.schedule(0, () => this.inject(it.fault, it.cause ?? `after ${t.afterEvents} ${t.eventType} events`));
        }
      });
    } else {
      const every = t.checkEveryS ?? 0.1;
      const check = () => {
        if (t.when(this.world)) this.inject(it.fault, it.cause ?? "its condition held");
        else this.sim.sched.schedule(every, check, true);
      };
      this.sim.sched.schedule(0, check, true);
    }
  }

  private worker(name: string): Worker {
    const w = this.world.workers.find((x) => x.name === name);
    if (!w) throw new Error(`fault: no worker named ${name} (have: ${this.world.workers.map((x) => x.name).join(", ") || "none"})`);
    return w;
  }

  /** Apply one fault now, recording it with its cause. */
  inject(f: FaultSpec, cause: string): void {
    this.injected.push({ atS: this.sim.nowS, fault: f, cause });
    switch (f.kind) {
      case "kill-worker": {
        const w = this.worker(f.worker);
        this.world.faultKillWorker(w, cause);
        if (f.restartAfterS !== undefined) this.sim.sched.schedule(f.restartAfterS, () => w.restart());
        return;
      }
      case "restart-worker":
        this.record(f, cause);
        this.worker(f.worker).restart();
        return;
      case "stop-worker":
        this.record(f, cause);
        this.worker(f.worker).shutdown();
        return;
      case "kill-child": {
        const w = this.worker(f.worker);
        const ex = w.activeExecutions().find((e) => !f.task || e.rec.name === f.task);
        if (ex) this.world.faultKillChild(w, ex.rec.id, cause);
        else this.record(f, `${cause} (no busy pool child: nothing killed)`);
        return;
      }
      case "restart-broker":
        for (const b of this.world.brokers.values()) this.world.restartBroker(b, f, cause);
        return;
      case "network": {
        this.record(f, cause);
        const w = this.worker(f.worker);
        if (f.drop) w.partition(f.durationS);
        if (f.latencyS) w.slowLink(f.latencyS, f.durationS);
        return;
      }
      case "fail-task":
        this.record(f, cause);
        this.taskFaults.push({ task: f.task, probability: f.probability ?? 1, untilS: f.durationS === undefined ? Infinity : this.sim.nowS + f.durationS, error: f.error ?? "ConnectionError" });
        return;
      case "fail-service": {
        this.record(f, cause);
        const s = this.services.get(f.service);
        if (!s) throw new Error(`fault: no service named ${f.service}`);
        s.addOutage(this.sim.nowS, this.sim.nowS + f.durationS);
        return;
      }
    }
  }

  private record(f: FaultSpec, cause: string): void {
    this.sim.record("fault", -1, -1, NaN, { fault: f.kind, ...f, cause });
  }

  /** An injected failure for this execution, if a fail-task fault applies (drawn from the seed). */
  failureFor(taskName: string): string | null {
    for (const tf of this.taskFaults) {
      if (tf.task !== taskName || this.sim.nowS >= tf.untilS) continue;
      if (tf.probability >= 1 || this.sim.rng.stream("faults:tasks").random() < tf.probability) return tf.error;
    }
    return null;
  }
}
