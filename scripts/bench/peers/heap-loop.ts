/**
 * The bench's second peer (issue 21): a bare discrete-event loop, a binary heap of (time, seq,
 * callback) events and nothing else, run in the same process as the simulator so the two share the
 * machine's mood. Each fired event schedules one more at a pseudo-random delay, so the heap holds
 * `pending` events throughout (the simulator's own heap, in the trivial-task run, holds a few
 * hundred to a few thousand). This is the floor a JavaScript event loop costs per event: the
 * simulator's events/s as a fraction of it is the figure.
 */
interface Ev {
  atS: number;
  seq: number;
  fn: () => void;
}

export class BareHeap {
  private h: Ev[] = [];
  private seq = 0;
  nowS = 0;

  schedule(delayS: number, fn: () => void): void {
    const ev: Ev = { atS: this.nowS + delayS, seq: this.seq++, fn };
    const h = this.h;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = h[p]!;
      if (q.atS < ev.atS || (q.atS === ev.atS && q.seq < ev.seq)) break;
      h[i] = q;
      i = p;
    }
    h[i] = ev;
  }

  /** Fire the earliest event; false when none is left. */
  step(): boolean {
    const h = this.h;
    const top = h[0];
    if (!top) return false;
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && (h[r]!.atS < h[l]!.atS || (h[r]!.atS === h[l]!.atS && h[r]!.seq < h[l]!.seq)) ? r : l;
        const cv = h[c]!;
        if (last.atS < cv.atS || (last.atS === cv.atS && last.seq < cv.seq)) break;
        h[i] = cv;
        i = c;
      }
      h[i] = last;
    }
    this.nowS = top.atS;
    top.fn();
    return true;
  }
}

/** Fire `events` events with `pending` in the heap throughout; events per wall second. */
export function heapLoopEventsPerS(events: number, pending = 1024): { events: number; wallS: number; eventsPerS: number } {
  const loop = new BareHeap();
  let x = 0x9e3779b9; // xorshift32: the delays, deterministic
  let left = events;
  const next = (): void => {
    if (--left < pending) return; // the last `pending` events schedule nothing: the loop drains
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    loop.schedule((x >>> 0) / 4294967296, next);
  };
  for (let i = 0; i < Math.min(pending, events); i++) loop.schedule(i / pending, next);
  const t0 = performance.now();
  let fired = 0;
  while (loop.step()) fired++;
  const wallS = (performance.now() - t0) / 1000;
  return { events: fired, wallS: Math.round(wallS * 1000) / 1000, eventsPerS: Math.round(fired / wallS) };
}
