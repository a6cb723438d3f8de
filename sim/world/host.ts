/**
 * Simulated machines with CPU cores (issue 20). CPU work runs on the host of the process that does it
 * and is shared among what runs there (processor sharing): with n busy processes on c cores each gets
 * min(1, c/n) of a core, so concurrency beyond the cores stops helping and each task's wall time
 * stretches, as measured (CALIBRATION.md M0/M4).
 *
 * A process is a lane. Most are single-threaded: their jobs run one after the other (a worker's
 * main process dispatching tasks, a prefork child, the client publishing). A threads or solo
 * worker's interpreter is `sliced`: its threads take turns under the GIL (together never more than
 * one core, each an equal part of it). Two kinds of job: a learner's `await cpu(s)` (a promise of
 * its context, given back when a time limit interrupts it or its process dies), and Celery's own
 * work (the cost model's: a callback at its end, or nothing).
 */
import type { ExecContext, Pending, Sim } from "../engine/sim";
import type { SimEvent } from "../kernel/scheduler";

/** The host this kind of machine is (CALIBRATION.md M0: 2 vCPUs deliver 2 full cores). */
export const DEFAULT_CORES = 2;

export type LaneKind = "client" | "worker-main" | "prefork-child" | "interpreter" | "broker";

interface Job {
  remainingS: number;
  /** Called in the event that finishes the job; null for work whose end nobody waits for (a publish). */
  done: (() => void) | null;
  /** A learner's cpu(): settled at the end, dropped when its context is interrupted or killed. */
  pending: Pending<void> | null;
  /** For a learner's cpu(): when it was asked for and how much CPU it needs (the trace's "cpu" event). */
  askedAtS?: number;
  cpuS?: number;
}

/** Below this much CPU left a job is done (floating-point residue of the shares). */
const EPS_S = 1e-12;

/** One process's claim on its host's cores. */
export class Lane {
  readonly jobs: Job[] = [];
  /** Time-sliced (a GIL'd interpreter's threads) rather than one job after the other. */
  readonly sliced: boolean;
  constructor(
    readonly host: Host,
    readonly kind: LaneKind,
    readonly label: string,
  ) {
    this.sliced = kind === "interpreter";
  }
}

export class Host {
  /** Lanes with work, in the order they got it. */
  private active: Lane[] = [];
  private lastS: number;
  private next: SimEvent | null = null;
  private readonly onComplete = (): void => this.complete();
  /** CPU seconds consumed on this host so far (all lanes), for views. */
  private busyTotalS = 0;

  constructor(
    private readonly sim: Sim,
    readonly name: string,
    readonly cores: number,
  ) {
    if (!(cores >= 1) || !Number.isInteger(cores)) throw new RangeError(`host ${name}: cores must be a whole number of at least 1 (got ${cores})`);
    this.lastS = sim.nowS;
  }

  lane(kind: LaneKind, label: string): Lane {
    return new Lane(this, kind, label);
  }

  /** How many lanes are burning CPU now (for views: "CPU busy"). */
  get busyLanes(): number {
    return this.active.length;
  }

  /** CPU seconds burnt on this host up to now. */
  get cpuUsedS(): number {
    this.advance();
    return this.busyTotalS;
  }

  /**
   * Celery's own work: `cpuS` seconds of `lane`'s CPU, then `done` (in an event of its own). Back to
   * back jobs nobody waits for (publishes) are one job, so a burst of a million sends is one entry.
   */
  run(lane: Lane, cpuS: number, done: (() => void) | null = null): void {
    const jobs = lane.jobs;
    if (!lane.sliced && jobs.length > 0) {
      // Queued behind the running job of a one-at-a-time process: no share changes, nothing to replan.
      const last = jobs[jobs.length - 1]!;
      if (jobs.length > 1 && last.done === null && last.pending === null && done === null) last.remainingS += Math.max(0, cpuS);
      else jobs.push({ remainingS: Math.max(0, cpuS), done, pending: null });
      return;
    }
    this.add(lane, { remainingS: Math.max(0, cpuS), done, pending: null });
  }

  /** A learner's `await cpu(s)`: `cpuS` seconds of `lane`'s CPU on behalf of `ctx`'s code. */
  burn(ctx: ExecContext, lane: Lane, cpuS: number): Promise<void> {
    const pending = this.sim.pending<void>(ctx);
    const job: Job = { remainingS: Math.max(0, cpuS), done: null, pending, askedAtS: this.sim.nowS, cpuS: Math.max(0, cpuS) };
    // Interrupted (a soft time limit) or its process killed: the cores go to the others from now on.
    pending.onDrop = () => {
      this.remove(lane, job);
      this.recordCpu(job);
    };
    if (!lane.sliced && lane.jobs.length > 0) lane.jobs.push(job);
    else this.add(lane, job);
    return pending.promise;
  }

  /** A process that died: its queued and running work is gone. */
  forget(lane: Lane): void {
    if (!lane.jobs.length) return;
    this.advance();
    lane.jobs.length = 0;
    this.active = this.active.filter((l) => l !== lane);
    this.reschedule();
  }

  /**
   * The trace's "cpu" event for a learner's cpu() that ended (or was cut short): num = the seconds it
   * waited for a core (wall time beyond the CPU it got), for the timeline and the Dashboard.
   */
  private recordCpu(j: Job): void {
    const wallS = this.sim.nowS - j.askedAtS!;
    const usedS = j.cpuS! - Math.max(0, j.remainingS);
    this.sim.record("cpu", j.pending!.ctx.taskIndex, -1, Math.max(0, wallS - usedS), { host: this.name, cores: this.cores, cpuS: usedS, wallS });
  }

  private add(lane: Lane, job: Job): void {
    this.advance();
    lane.jobs.push(job);
    if (lane.jobs.length === 1) this.active.push(lane);
    this.reschedule();
  }

  private remove(lane: Lane, job: Job): void {
    const i = lane.jobs.indexOf(job);
    if (i < 0) return;
    this.advance();
    lane.jobs.splice(i, 1);
    if (!lane.jobs.length) this.active = this.active.filter((l) => l !== lane);
    this.reschedule();
  }

  /** Share of one core each active lane gets. */
  private rate(): number {
    return Math.min(1, this.cores / this.active.length);
  }

  /** Charge the time since the last change to the running jobs. */
  private advance(): void {
    const now = this.sim.nowS;
    const dtS = now - this.lastS;
    this.lastS = now;
    if (dtS <= 0 || !this.active.length) return;
    const r = this.rate();
    for (const lane of this.active) {
      if (lane.sliced) {
        const each = (dtS * r) / lane.jobs.length;
        for (const j of lane.jobs) j.remainingS -= each;
      } else lane.jobs[0]!.remainingS -= dtS * r;
      this.busyTotalS += dtS * r;
    }
  }

  private reschedule(): void {
    if (!this.active.length) {
      this.sim.sched.cancel(this.next);
      this.next = null;
      return;
    }
    const r = this.rate();
    let soonestS = Infinity;
    for (const lane of this.active) {
      let leftS: number;
      if (lane.sliced) {
        leftS = Infinity;
        for (const j of lane.jobs) leftS = Math.min(leftS, j.remainingS);
        leftS *= lane.jobs.length;
      } else leftS = lane.jobs[0]!.remainingS;
      soonestS = Math.min(soonestS, Math.max(0, leftS) / r);
    }
    // The planned completion still holds (a lane joined while cores were free): keep its event.
    if (this.next && !this.next.cancelled && this.next.atS === this.sim.nowS + soonestS) return;
    this.sim.sched.cancel(this.next);
    this.next = this.sim.sched.schedule(soonestS, this.onComplete);
  }

  /** Finish the jobs whose CPU is spent (in the order their lanes got work), then plan the next end. */
  private complete(): void {
    this.next = null;
    this.advance();
    // What is left below the clock's resolution can never be burnt: late in a run (t ~ 16000 s) a
    // double's step is ~4e-12 s, and a completion planned closer than that lands on the same instant
    // for ever (the M/M/4 bench looped there). So "done" is relative to the clock too.
    const epsS = Math.max(EPS_S, this.sim.nowS * 1e-14);
    const finished: Job[] = [];
    for (const lane of this.active) {
      const jobs = lane.jobs;
      if (lane.sliced) {
        for (let i = 0; i < jobs.length; ) {
          if (jobs[i]!.remainingS <= epsS) finished.push(jobs.splice(i, 1)[0]!);
          else i++;
        }
      } else while (jobs.length && jobs[0]!.remainingS <= epsS) finished.push(jobs.shift()!);
    }
    if (finished.length) this.active = this.active.filter((l) => l.jobs.length > 0);
    this.reschedule();
    // Each end in an event of its own when several end at once: code started or resumed there runs
    // with its own context current (an execution's body continues in microtasks after its event).
    const alone = finished.length === 1;
    for (const j of finished) {
      if (j.pending) {
        j.pending.onDrop = null;
        this.recordCpu(j);
        this.sim.settle(j.pending, true, undefined);
      } else if (j.done) {
        if (alone) j.done();
        else this.sim.sched.schedule(0, j.done);
      }
    }
  }
}

/** The machines of a run: "localhost" (the default, where the client and the broker run) and any a worker names. */
export class Hosts {
  private readonly byName = new Map<string, Host>();
  readonly localhost: Host;
  readonly clientLane: Lane;

  constructor(private readonly sim: Sim) {
    this.localhost = this.get({ name: "localhost" });
    this.clientLane = this.localhost.lane("client", "client");
  }

  /** The host of that name, made with `cores` (default 2) the first time it is named. */
  get(spec: { name: string; cores?: number }): Host {
    const existing = this.byName.get(spec.name);
    if (existing) {
      if (spec.cores !== undefined && spec.cores !== existing.cores) throw new RangeError(`host ${spec.name} has ${existing.cores} cores; it was named again with ${spec.cores}`);
      return existing;
    }
    const h = new Host(this.sim, spec.name, spec.cores ?? DEFAULT_CORES);
    this.byName.set(spec.name, h);
    return h;
  }
}
