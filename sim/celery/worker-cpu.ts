/**
 * A worker's processes on its host and what Celery's own work costs them (costs.ts): the main
 * process's serial per-task dispatch, each pool child's per-task overhead, start-up.
 *
 * Prefork: a main process plus one process per pool child (a replaced child is a new process).
 * Threads and solo: one interpreter for the main loop and every thread, time-sliced (the GIL:
 * together never more than one core).
 */
import type { CostModel } from "./cost-model";
import type { Host, Lane } from "../world/host";
import type { Transport } from "./broker";
import { workerMainCostS, workerStartupS } from "./costs";
import type { Scheduler } from "../kernel/scheduler";

export type PoolKind = "prefork" | "solo" | "threads";

/** A prefork child process: its lane and what it owes (numbers in fields: no allocation per task). */
class ChildProcess {
  /** It finished a task: its first-time cost is paid. */
  ranTask = false;
  /** Main-process CPU owed with the next dispatch to it, after a long body (0: none). */
  wakeOwedS = 0;
  /** Until when it is still storing its last result (childStoreS), on the simulated clock. */
  storingUntilS = -Infinity;
  constructor(readonly lane: Lane) {}
}

export class WorkerCpu {
  private main!: Lane;
  /** Each prefork child by pid; the threads and solo pools run everything in `main`. */
  private readonly children = new Map<number, ChildProcess>();

  constructor(
    private readonly costs: CostModel,
    readonly host: Host,
    private readonly name: string,
    private readonly pool: PoolKind,
    private readonly sched: Scheduler,
  ) {
    this.restart();
  }

  /** A (re)started or killed worker: its old processes and their work are gone. */
  restart(): void {
    if (this.main) this.host.forget(this.main);
    for (const child of this.children.values()) this.host.forget(child.lane);
    this.children.clear();
    this.main = this.pool === "prefork" ? this.host.lane("worker-main", `${this.name} main process`) : this.host.lane("interpreter", `${this.name} (${this.pool} pool)`);
  }

  /** The process that runs a task on pool child `pid`. */
  laneFor(pid: number): Lane {
    return this.pool === "prefork" ? this.child(pid).lane : this.main;
  }

  private child(pid: number): ChildProcess {
    let child = this.children.get(pid);
    if (!child) {
      child = new ChildProcess(this.host.lane("prefork-child", `${this.name} pool child ${pid}`));
      this.children.set(pid, child);
    }
    return child;
  }

  /** How long after a message arrives the main process's next loop turn sends BRPOP again. */
  pollAgainAfterMessageS(transport: Transport): number {
    return this.costs.realistic ? this.costs.table(transport).pollAgainAfterMessageS : 0;
  }

  /**
   * A task of `bodyS` ended on prefork child `pid`, `stored` a result in the Redis backend or not: returns
   * how long before that child takes its next job (its first task, costs.ts childFirstTaskS; its first
   * store, childFirstStoreS, unless a publish made its backend client first), and owes the main process
   * the slower wake after a long body (childWakeS), paid as CPU with the next dispatch to that child:
   * CPU, not idle time, as M4 shows (CPU-bound c=4 runs no faster than c=2, 72 tasks/s, with ~3 ms
   * between a child's tasks). A stored result keeps the child storing for childStoreS, which the next
   * dispatch to it waits out (see dispatch).
   * 0 with costs off and for the other pools.
   */
  taskEnded(pid: number, bodyS: number, stored: boolean, transport: Transport): number {
    if (!this.costs.realistic || this.pool !== "prefork") return 0;
    const t = this.costs.table(transport);
    const child = this.child(pid);
    if (bodyS > 0 && t.childWakeS + t.childWakeSlowS > 0) {
      child.wakeOwedS = t.childWakeS * (1 - Math.exp(-bodyS / t.childWakeTauS)) + t.childWakeSlowS * (1 - Math.exp(-bodyS / t.childWakeSlowTauS));
    }
    if (stored) child.storingUntilS = this.sched.nowS + t.childStoreS;
    let holdS = 0;
    if (!child.ranTask) {
      child.ranTask = true;
      holdS += t.childFirstTaskS;
    }
    // Its first store makes the child's backend client, unless a publish of its made it before.
    if (stored && this.costs.firstBackendUse(child.lane)) holdS += t.childFirstStoreS;
    return holdS;
  }

  /** Seconds from launch until the worker consumes, beyond what the scenario asked (M7). */
  startupS(transport: Transport, concurrency: number): number {
    return this.costs.realistic ? workerStartupS(this.costs.table(transport), this.pool, concurrency) : 0;
  }

  /**
   * Start a task on pool child `pid`: with costs on, after the main process's serial dispatch of a
   * message of `sizeBytes` (and the result it will store, and the task events it sends with -E) and
   * the child's own overhead. False with costs off: the caller starts it at once.
   */
  dispatch(pid: number, sizeBytes: number, storesResult: boolean, taskEvents: boolean, transport: Transport, begin: () => void): boolean {
    if (!this.costs.realistic) return false;
    const t = this.costs.table(transport);
    // The child's own overhead is a delay, not a job on its lane: the child is idle until its task
    // arrives, and 0.2 ms of CPU beside the main process's serial work changes no measured figure
    // (M3) while a job of its own would cost the simulator a reschedule per task.
    let cpuS = workerMainCostS(t, sizeBytes, storesResult, taskEvents);
    let childDelayS = t.childS;
    if (this.pool === "prefork") {
      const child = this.child(pid);
      cpuS += child.wakeOwedS;
      child.wakeOwedS = 0;
      // The rest of its last store, if it is still storing: on a child's way from one task to the
      // next, the store comes before the main process hands it the next job; waited here, after the
      // main process's work, which leaves the sum the same and the main process free for the others.
      childDelayS += Math.max(0, child.storingUntilS - this.sched.nowS);
    }
    this.host.run(this.main, cpuS, () => this.sched.schedule(childDelayS, begin));
    return true;
  }
}
