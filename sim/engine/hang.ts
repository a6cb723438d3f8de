/**
 * The one rule for "learner code hangs", shared by every watchdog (the page's worker bridge, the
 * page's experiment pool, the CLI's sandbox host): code that is stuck gives no sign of life for a
 * budget of real time; a sign of life (an answer, a heartbeat, progress) gives it the whole budget
 * again. The simulator's own phases send heartbeats too, so they are never blamed on the scenario,
 * and a loaded machine that delays heartbeats by less than the budget is not a hang.
 *
 * Real timers are injected (the simulator itself never touches them); the CLI's child also has V8's
 * own interrupt (vm `timeout`) for a synchronous loop, with the same budget and the same sentence.
 */

/** Seconds of real time without a sign of life before a scenario is stopped as hung. */
export const HANG_BUDGET_S = {
  /** A run in the page: the learner is looking at a frozen view. */
  page: 2,
  /** The headless runner (`--hang-timeout`): stopped within 5 s; a loaded CI machine gets more slack than the page. */
  cli: 3.5,
  /** A sweep's run in the page's experiment pool (it reports progress every few hundred events). */
  experiments: 10,
} as const;

/**
 * The sentence for a hang, wherever it is caught. Labels come from the simulator's execution
 * contexts: a task's is `name[id]` (shown as "task name", what the learner recognises); others are
 * "main", "module top level", "timer 3"…
 */
export function hangSentence(label: string | null, seconds: number): string {
  const secs = `${+seconds.toFixed(1)} s`;
  if (!label) return `Stopped: the scenario did not yield for ${secs} (infinite loop?)`;
  const l = label.trim().replace(/\[[^\]]*\]$/, "");
  const nonTask = /^(main|module|timer|handler|system|simulator|eager|the scenario)\b/i.test(l);
  const named = /^task\b/i.test(l) || nonTask ? l : `task ${l}`;
  return `Stopped: ${named} did not yield for ${secs} (infinite loop?)`;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Calls `onHang` once when `budgetMs` pass with no kick() while armed. */
export class SilenceWatchdog {
  private handle: unknown = null;
  private fired = false;

  constructor(
    private readonly timers: Timers,
    readonly budgetMs: number,
    private readonly onHang: () => void,
  ) {}

  get armed(): boolean {
    return this.handle !== null;
  }

  /** Start (or restart) the budget. A watchdog with a budget of 0 never fires. */
  arm(): void {
    if (this.budgetMs <= 0 || this.fired) return;
    if (this.handle !== null) this.timers.clear(this.handle);
    this.handle = this.timers.set(() => {
      this.handle = null;
      this.fired = true;
      this.onHang();
    }, this.budgetMs);
  }

  /** A sign of life: the whole budget again (only while armed). */
  kick(): void {
    if (this.handle !== null) this.arm();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clear(this.handle);
    this.handle = null;
  }
}
