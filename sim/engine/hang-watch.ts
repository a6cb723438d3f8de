/**
 * The one rule that calls a run hung, shared by the page's worker bridge (2 s), the Experiments
 * pool and the CLI's sandbox host (5 s by default): learner code that does not yield to the
 * simulator for `limitMs` of real time. The side that runs the code sends a heartbeat while work is
 * being done (the simulator's own phases included, so they are never blamed); the watching side
 * calls `beat()` for each one, and the watch fires `onHang` once `limitMs` passed with none.
 *
 * A loaded machine must not turn a healthy run into a hang: when the watcher's own timer runs late
 * (its thread was starved, so heartbeats may be queued behind the timer, unread), the verdict is
 * put off by one more short look instead of being given on a gap the watcher itself caused.
 *
 * No real clock here (sim/ has none): the clock and timers are handed in.
 */
export interface WatchClock {
  nowMs(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's real clock and timers (the page and Node both have these globals). */
export function realWatchClock(): WatchClock {
  const g = globalThis as unknown as {
    performance: { now(): number };
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(h: unknown): void;
  };
  return { nowMs: () => g.performance.now(), setTimeout: (fn, ms) => g.setTimeout(fn, ms), clearTimeout: (h) => g.clearTimeout(h) };
}

/** How often the working side sends a heartbeat (well under every limit, so a few may be late). */
export const HEARTBEAT_EVERY_MS = 250;

/**
 * The working side's half: call the result as often as you like while work is being done; it runs
 * `send` at most every `everyMs`.
 */
export function throttledHeartbeat(send: () => void, nowMs: () => number, everyMs = HEARTBEAT_EVERY_MS): () => void {
  let lastMs = -Infinity;
  return () => {
    const t = nowMs();
    if (t - lastMs < everyMs) return;
    lastMs = t;
    send();
  };
}

/** A timer that ran this much later than asked means the watcher was starved: look once more. */
export const LATE_TIMER_MS = 200;
/** How soon the second look comes after a late check (time for queued heartbeats to be read). */
const SECOND_LOOK_MS = 50;

/**
 * Whether the silence since the last heartbeat is a hang. `lateMs` is how late the check itself ran:
 * a late check cannot tell silence from heartbeats it has not read yet, so it never convicts.
 */
export function isHang(silenceMs: number, limitMs: number, lateMs: number): boolean {
  return silenceMs >= limitMs && lateMs < LATE_TIMER_MS;
}

export class HangWatch {
  private lastBeatMs = 0;
  private handle: unknown = null;
  private dueMs = 0;
  private armed = false;

  constructor(
    private readonly limitMs: number,
    private readonly onHang: (silentMs: number) => void,
    private readonly clock: WatchClock = realWatchClock(),
  ) {}

  /** Start counting (again) from now. */
  start(): void {
    this.armed = true;
    this.lastBeatMs = this.clock.nowMs();
    this.schedule(this.limitMs);
  }

  /** Work was seen: the silence starts again. Cheap (no timer churn), so it can run per message. */
  beat(): void {
    if (this.armed) this.lastBeatMs = this.clock.nowMs();
  }

  /** No more watching (the call answered, the run ended, or the worker was killed). */
  stop(): void {
    this.armed = false;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  get running(): boolean {
    return this.armed;
  }

  private schedule(inMs: number): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.dueMs = this.clock.nowMs() + inMs;
    this.handle = this.clock.setTimeout(() => this.check(), inMs);
  }

  private check(): void {
    this.handle = null;
    if (!this.armed) return;
    const now = this.clock.nowMs();
    const silenceMs = now - this.lastBeatMs;
    const lateMs = now - this.dueMs;
    if (isHang(silenceMs, this.limitMs, lateMs)) {
      this.armed = false;
      this.onHang(silenceMs);
      return;
    }
    // Not yet silent long enough: wait out the rest. Silent but seen late: one short look, after
    // whatever heartbeats were queued behind this timer have been read.
    this.schedule(silenceMs >= this.limitMs ? SECOND_LOOK_MS : this.limitMs - silenceMs);
  }
}
