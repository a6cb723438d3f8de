/**
 * Celery beat (celery/beat.py, 5.2.6): a process that sends the tasks of `beatSchedule` when due.
 * - Each beat has its own schedule and its own state file (PersistentScheduler's
 *   celerybeat-schedule: every entry's last_run_at). Two beats both send every entry: duplicates.
 * - A fresh entry's last_run_at is beat's start time: an interval entry first runs one interval
 *   after start (ScheduleEntry._default_now), a crontab entry at its next matching minute.
 * - Restarted with its state file, an entry that missed runs while beat was down is due at once and
 *   runs once (is_due compares with last_run_at only), then keeps its interval from then.
 * - The state file is written (PersistentScheduler.sync) at start, after the first send, after a send
 *   more than sync_every (180 s) after the last write, and on a graceful stop. A killed beat loses
 *   what it sent since: restarted, it sends those entries again at once.
 * - Beat sleeps until the next entry is due (no lag modelled; Celery caps a sleep at
 *   beat_max_loop_interval, which changes nothing on an ideal clock).
 * Simulated time 0 is Thursday 1970-01-01 00:00 UTC for crontab.
 */
import type { BeatApp } from "./ports";
import type { SimEvent } from "../kernel/scheduler";
import { ValueError } from "./errors";

/** celery.schedules.crontab: fields as strings ("*", "*\/15", "0,30", "9-17") or numbers. */
export interface CrontabSpec {
  minute?: string | number;
  hour?: string | number;
  dayOfWeek?: string | number;
  dayOfMonth?: string | number;
  monthOfYear?: string | number;
}

export class Crontab {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  constructor(readonly spec: CrontabSpec = {}) {
    this.minutes = expand(spec.minute ?? "*", 0, 59, "minute");
    this.hours = expand(spec.hour ?? "*", 0, 23, "hour");
    this.daysOfWeek = expand(spec.dayOfWeek ?? "*", 0, 6, "dayOfWeek");
    this.daysOfMonth = expand(spec.dayOfMonth ?? "*", 1, 31, "dayOfMonth");
    this.months = expand(spec.monthOfYear ?? "*", 1, 12, "monthOfYear");
  }

  /** The first matching minute strictly after `afterS` (simulated seconds). */
  nextAfter(afterS: number): number {
    let t = (Math.floor(afterS / 60) + 1) * 60;
    // At most a few years of minutes; a spec that never matches (Feb 31) is refused.
    for (let i = 0; i < 60 * 24 * 366 * 5; i++, t += 60) {
      const d = new Date(t * 1000);
      if (this.months.has(d.getUTCMonth() + 1) && this.daysOfMonth.has(d.getUTCDate()) && this.daysOfWeek.has(d.getUTCDay()) && this.hours.has(d.getUTCHours()) && this.minutes.has(d.getUTCMinutes())) return t;
    }
    throw new ValueError(`crontab(${JSON.stringify(this.spec)}) never matches`);
  }

  toString(): string {
    const f = (v: string | number | undefined) => String(v ?? "*");
    return `<crontab: ${f(this.spec.minute)} ${f(this.spec.hour)} ${f(this.spec.dayOfWeek)} ${f(this.spec.dayOfMonth)} ${f(this.spec.monthOfYear)} (m/h/dM/MY/d)>`;
  }
}

function expand(field: string | number, lo: number, hi: number, name: string): Set<number> {
  const out = new Set<number>();
  for (const part of String(field).split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let [a, b] = range === "*" ? [lo, hi] : range.split("-").map(Number);
    if (b === undefined) b = stepText === undefined ? a : hi;
    if (![a, b, step].every(Number.isInteger) || a < lo || b > hi || a > b || step < 1) throw new ValueError(`crontab ${name}: invalid field ${JSON.stringify(field)}`);
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return out;
}

export function crontab(spec: CrontabSpec = {}): Crontab {
  return new Crontab(spec);
}

export interface BeatEntry {
  task: string;
  /** Seconds between runs, or a crontab. */
  schedule: number | Crontab;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  options?: Record<string, unknown>;
}

export interface BeatOptions {
  /** A name for logs and the trace (default "beat", "beat2"…). */
  name?: string;
  /** The state file; beats sharing one share their last_run_at (default: each beat its own). */
  scheduleFile?: string;
}

/** Scheduler.sync_every: seconds between writes of the state file while sending. */
export const BEAT_SYNC_EVERY_S = 3 * 60;

/** What `app.beat()` returns. */
export class Beat {
  status: "running" | "stopped" = "stopped";
  private timer: SimEvent | null = null;
  /** Entry name → last_run_at (simulated s), as the running process holds it. */
  private state = new Map<string, number>();
  /** When beat last wrote its state file (null: not since it started). */
  private lastSyncS: number | null = null;

  constructor(
    private readonly app: BeatApp,
    readonly name: string,
    /** The celerybeat-schedule file: what survives the process. */
    private readonly file: Map<string, number>,
  ) {}

  private sync(): void {
    this.file.clear();
    for (const [k, v] of this.state) this.file.set(k, v);
    this.lastSyncS = this.sim.nowS;
  }

  private get sim() {
    return this.app._sim;
  }

  private entries(): [string, BeatEntry][] {
    return Object.entries((this.app._processConf.beatSchedule ?? {}) as Record<string, BeatEntry>);
  }

  start(): void {
    if (this.status === "running") return;
    this.status = "running";
    this.app._log("info", "beat: Starting...", this.name);
    // setup_schedule: the file's entries keep their last_run_at, a new one's is now; then sync.
    this.state = new Map(this.file);
    for (const [key] of this.entries()) if (!this.state.has(key)) this.state.set(key, this.sim.nowS);
    this.sync();
    this.lastSyncS = null; // _last_sync is only set by a sync after a send: the first send syncs
    this.tick();
  }

  /** Graceful stop (SIGTERM): Service.stop → scheduler.close() → sync. */
  stop(): void {
    if (this.status === "running") this.sync();
    this.halt();
  }

  /** SIGKILL: no sync; what was sent since the last write is forgotten. */
  kill(): void {
    this.halt();
  }

  /** A graceful restart (stop, then start with the state file). */
  restart(): void {
    this.stop();
    this.start();
  }

  private halt(): void {
    if (this.timer) this.sim.sched.cancel(this.timer);
    this.timer = null;
    this.status = "stopped";
  }

  private dueAt(entry: BeatEntry, lastRunS: number): number {
    if (typeof entry.schedule === "number") {
      if (!(entry.schedule > 0)) throw new ValueError(`beat: schedule must be a positive number of seconds or a crontab, got ${entry.schedule}`);
      return lastRunS + entry.schedule;
    }
    return entry.schedule.nextAfter(lastRunS);
  }

  /** Send every due entry once, then sleep until the next one is due. */
  private tick(): void {
    this.timer = null;
    if (this.status !== "running") return;
    const now = this.sim.nowS;
    let nextS = Infinity;
    for (const [key, entry] of this.entries()) {
      const last = this.state.get(key) ?? now;
      if (!this.state.has(key)) this.state.set(key, now);
      if (this.dueAt(entry, last) <= now + 1e-9) {
        this.app._log("info", `Scheduler: Sending due task ${key} (${entry.task})`, this.name);
        this.state.set(key, now);
        this.app._callHandler(`beat ${this.name}`, () => void this.app.sendTask(entry.task, entry.args ?? [], { ...(entry.options ?? {}), kwargs: entry.kwargs ?? {} }));
        if (this.lastSyncS === null || now - this.lastSyncS > BEAT_SYNC_EVERY_S) this.sync();
      }
      nextS = Math.min(nextS, this.dueAt(entry, this.state.get(key)!));
    }
    // Daemon: beat alone does not keep a run going (the run ends when main settles, as with heartbeats).
    if (nextS < Infinity) this.timer = this.sim.sched.scheduleAt(Math.max(nextS, now), () => this.tick(), true);
  }
}
