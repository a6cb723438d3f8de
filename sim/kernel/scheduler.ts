/**
 * The discrete-event kernel: a simulated clock in seconds and a binary heap of events ordered by
 * (atS, seq). The sequence number makes equal-time events fire in the order they were scheduled,
 * which is what makes a run reproducible (SimPy's `schedule`).
 *
 * Daemon events (worker heartbeats, periodic broker checks) never keep a run alive on their own:
 * `pendingNonDaemon` counts only the others.
 */
export interface SimEvent {
  atS: number;
  seq: number;
  fn: () => void;
  daemon: boolean;
  cancelled: boolean;
}

export class Scheduler {
  nowS = 0;
  private heap: SimEvent[] = [];
  private seq = 0;
  /** Scheduled, not yet fired or cancelled, non-daemon events. */
  pendingNonDaemon = 0;
  /** Events fired so far (for progress reporting and watchdogs). */
  fired = 0;

  /** Schedule `fn` at `nowS + delayS`. A negative or NaN delay is a bug in the caller. */
  schedule(delayS: number, fn: () => void, daemon = false): SimEvent {
    if (!(delayS >= 0)) throw new RangeError(`cannot schedule ${delayS} s from now`);
    return this.scheduleAt(this.nowS + delayS, fn, daemon);
  }

  scheduleAt(atS: number, fn: () => void, daemon = false): SimEvent {
    if (atS < this.nowS) atS = this.nowS; // an ETA in the past fires now, as Celery does
    const ev: SimEvent = { atS, seq: this.seq++, fn, daemon, cancelled: false };
    if (!daemon) this.pendingNonDaemon++;
    this.push(ev);
    return ev;
  }

  cancel(ev: SimEvent | null | undefined): void {
    if (!ev || ev.cancelled) return;
    ev.cancelled = true;
    if (!ev.daemon) this.pendingNonDaemon--;
  }

  /** Time of the next live event, or Infinity. */
  peekTime(): number {
    this.dropCancelled();
    return this.heap.length ? this.heap[0]!.atS : Infinity;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Fire the next live event. Returns false when nothing is scheduled. */
  step(): boolean {
    this.dropCancelled();
    const ev = this.pop();
    if (!ev) return false;
    this.nowS = ev.atS;
    if (!ev.daemon) this.pendingNonDaemon--;
    ev.cancelled = true; // fired: a later cancel() must not count it twice
    this.fired++;
    ev.fn();
    return true;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    return a.atS < b.atS || (a.atS === b.atS && a.seq < b.seq);
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
