/**
 * Simulated machines with CPU cores (issue 20, first part). CPU work (`await cpu(seconds)`) runs on the
 * host of the process that asks for it and is shared among what runs there (processor sharing): with
 * n busy processes on c cores each gets min(1, c/n) of a core, so concurrency beyond the cores stops
 * helping and each task's wall time stretches, as measured (CALIBRATION.md M0/M4). A process is a
 * lane: a prefork child, a threads or solo worker (one interpreter: its threads share one lane, the
 * GIL, and take turns within it), the client. `await sleep(s)` stays I/O: no core used.
 */
import type { ExecContext, Sim } from "../engine/sim";
import type { Pending } from "../engine/sim";
import type { SimEvent } from "../kernel/scheduler";

/** The calibrated constants of CPU work, each with its source measurement. */
export const CPU_MODEL = {
  /** Cores of the default host: this kind of machine (CALIBRATION.md M0: 2 vCPUs deliver 2 full cores). */
  defaultCores: 2,
  /**
   * A body's CPU time inside a prefork child against the same loop in the client: 24.7 ms for
   * 20.8 ms (M4, "≈ 1.13–1.18× its stand-alone CPU time under prefork"; cause not investigated).
   */
  preforkFactor: 1.15,
} as const;

export type LaneKind = "client" | "prefork-child" | "interpreter";

/** One process's claim on its host's cores (a GIL'd interpreter is one lane for all its threads). */
export interface Lane {
  readonly host: Host;
  readonly kind: LaneKind;
  readonly label: string;
}

interface Job {
  pending: Pending<void>;
  lane: Lane;
  remainingS: number;
  seq: number;
}

export class Host {
  private jobs: Job[] = [];
  private lastS = 0;
  private timer: SimEvent | null = null;
  private seq = 0;

  constructor(
    private readonly sim: Sim,
    readonly name: string,
    readonly cores: number,
  ) {
    if (!(cores >= 1) || !Number.isInteger(cores)) throw new RangeError(`host ${name}: cores must be a whole number of at least 1 (got ${cores})`);
  }

  lane(kind: LaneKind, label: string): Lane {
    return { host: this, kind, label };
  }

  /** How many lanes are burning CPU now (for views: "CPU busy"). */
  get busyLanes(): number {
    return new Set(this.live().map((j) => j.lane)).size;
  }

  /** Burn `cpuS` seconds of one core's CPU time as `lane`, on behalf of `ctx`'s code. */
  burn(ctx: ExecContext, lane: Lane, cpuS: number): Promise<void> {
    this.progress();
    const pending = this.sim.pending<void>(ctx);
    // Interrupted (a soft time limit) or its process killed: the cores go to the others from now on.
    pending.onDrop = () => {
      this.progress();
      this.reschedule();
    };
    const factor = lane.kind === "prefork-child" ? CPU_MODEL.preforkFactor : 1;
    this.jobs.push({ pending, lane, remainingS: Math.max(0, cpuS) * factor, seq: this.seq++ });
    this.reschedule();
    return pending.promise;
  }

  /** Jobs still wanted: not settled elsewhere (a soft time limit raised there) and their process alive. */
  private live(): Job[] {
    return this.jobs.filter((j) => !j.pending.settled && j.pending.ctx.alive);
  }

  /** Each job's share of a core now: lanes share the cores, a lane's jobs take turns within it. */
  private rates(): Map<Job, number> {
    const byLane = new Map<Lane, Job[]>();
    for (const j of this.jobs) {
      const l = byLane.get(j.lane);
      if (l) l.push(j);
      else byLane.set(j.lane, [j]);
    }
    const laneRate = Math.min(1, this.cores / Math.max(1, byLane.size));
    const rates = new Map<Job, number>();
    for (const jobs of byLane.values()) for (const j of jobs) rates.set(j, laneRate / jobs.length);
    return rates;
  }

  /** Account the CPU each job received since the last change. */
  private progress(): void {
    const now = this.sim.nowS;
    const dt = now - this.lastS;
    this.lastS = now;
    // Until now every job had its share, a job dropped just now included; from now on only the live.
    if (dt > 0 && this.jobs.length) {
      const rates = this.rates();
      for (const j of this.jobs) j.remainingS -= dt * rates.get(j)!;
    }
    this.jobs = this.live();
  }

  private reschedule(): void {
    this.sim.sched.cancel(this.timer);
    this.timer = null;
    if (!this.jobs.length) return;
    const rates = this.rates();
    let nextS = Infinity;
    for (const j of this.jobs) nextS = Math.min(nextS, Math.max(0, j.remainingS) / rates.get(j)!);
    this.timer = this.sim.sched.schedule(nextS, () => {
      this.timer = null;
      this.progress();
      // Done within a nanosecond of CPU: floating point must not leave a job a hair short forever.
      const done = this.jobs.filter((j) => j.remainingS <= 1e-9).sort((a, b) => a.seq - b.seq);
      this.jobs = this.jobs.filter((j) => j.remainingS > 1e-9);
      for (const j of done) this.sim.settleNow(j.pending, true, undefined);
      this.reschedule();
    });
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
    const h = new Host(this.sim, spec.name, spec.cores ?? CPU_MODEL.defaultCores);
    this.byName.set(spec.name, h);
    return h;
  }
}
