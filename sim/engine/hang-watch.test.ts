import { describe, expect, it } from "vitest";
import { HangWatch, HEARTBEAT_EVERY_MS, isHang, LATE_TIMER_MS, throttledHeartbeat, type WatchClock } from "./hang-watch";

/** A clock whose timers fire when the test says, as late as it says (a starved thread). */
class FakeClock implements WatchClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  nowMs(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** Move time on to `toMs`, firing due timers on time. */
  advance(toMs: number): void {
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= toMs).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = toMs;
  }
  /** The thread was busy until `toMs`: every timer due meanwhile fires only now, late. */
  stallUntil(toMs: number): void {
    this.t = toMs;
    for (const [id, x] of [...this.timers.entries()].filter(([, x]) => x.at <= toMs)) {
      this.timers.delete(id);
      x.fn();
    }
  }
}

/** A 2 s watch on a fake clock, started at 0, and the silences it reported. */
function started2s() {
  const clock = new FakeClock();
  const hangs: number[] = [];
  const w = new HangWatch(2000, (ms) => hangs.push(ms), clock);
  w.start();
  return { clock, hangs, w };
}

describe("the hang rule", () => {
  it("is silence of the whole limit, judged by a check that ran on time", () => {
    expect(isHang(2000, 2000, 0)).toBe(true);
    expect(isHang(1999, 2000, 0)).toBe(false);
    expect(isHang(5000, 2000, LATE_TIMER_MS)).toBe(false);
    expect(isHang(5000, 2000, LATE_TIMER_MS - 1)).toBe(true);
  });

  it("fires once the limit passes with no heartbeat, and not before", () => {
    const { clock, hangs } = started2s();
    clock.advance(1999);
    expect(hangs).toEqual([]);
    clock.advance(2000);
    expect(hangs).toEqual([2000]);
    clock.advance(10_000);
    expect(hangs).toHaveLength(1);
  });

  it("starts the silence again at each heartbeat: long work that beats is never a hang", () => {
    const { clock, hangs, w } = started2s();
    for (let t = 250; t <= 60_000; t += 250) {
      clock.advance(t);
      w.beat();
    }
    expect(hangs).toEqual([]);
    // The beats stop (learner code loops without yielding): 2 s later it is a hang.
    clock.advance(62_000);
    expect(hangs).toEqual([2000]);
  });

  it("does not call a healthy run hung when the watcher's thread is starved (a loaded machine)", () => {
    const { clock, hangs, w } = started2s();
    clock.advance(1000);
    w.beat();
    // The watching thread is busy for 4 s: the worker's heartbeats queue up unread, and the timer
    // (due at 3 s) runs at 5 s, seeing 4 s of apparent silence.
    clock.stallUntil(5000);
    expect(hangs).toEqual([]);
    // The queued heartbeats are read before the second look.
    w.beat();
    clock.advance(5000 + 1000);
    expect(hangs).toEqual([]);
    // A real hang is still caught once the watcher runs on time.
    clock.advance(9000);
    expect(hangs).toEqual([2000]);
  });

  it("convicts a real hang on the second look even after a late check", () => {
    const { clock, hangs } = started2s();
    clock.stallUntil(4000);
    expect(hangs).toEqual([]);
    clock.advance(4100);
    expect(hangs).toHaveLength(1);
    expect(hangs[0]).toBeGreaterThanOrEqual(4000);
  });

  it("says nothing once stopped", () => {
    const { clock, hangs, w } = started2s();
    w.stop();
    clock.advance(10_000);
    expect(hangs).toEqual([]);
    expect(w.running).toBe(false);
  });
});

describe("the working side's heartbeat", () => {
  it("sends at most once per HEARTBEAT_EVERY_MS, however often work is reported", () => {
    let t = 0;
    let sent = 0;
    const beat = throttledHeartbeat(() => sent++, () => t);
    for (; t <= 1000; t += 10) beat();
    expect(sent).toBe(1000 / HEARTBEAT_EVERY_MS + 1);
  });
});
