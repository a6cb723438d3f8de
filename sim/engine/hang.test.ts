/**
 * The one hang rule (sim/engine/hang.ts), on a fake clock: silence for the budget is a hang, any sign
 * of life gives the whole budget back, a loaded machine's late heartbeats are not a hang, and the
 * sentence names what hung the way a learner recognises it.
 */
import { describe, expect, it } from "vitest";
import { HANG_BUDGET_S, SilenceWatchdog, hangSentence, type Timers } from "./hang";

/** A clock the test moves by hand. */
function fakeTimers() {
  let nowMs = 0;
  let seq = 0;
  const pending = new Map<number, { atMs: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => (pending.set(++seq, { atMs: nowMs + ms, fn }), seq),
    clear: (h) => void pending.delete(h as number),
  };
  const advance = (ms: number) => {
    const until = nowMs + ms;
    for (;;) {
      const next = [...pending.entries()].sort((a, b) => a[1].atMs - b[1].atMs)[0];
      if (!next || next[1].atMs > until) break;
      pending.delete(next[0]);
      nowMs = next[1].atMs;
      next[1].fn();
    }
    nowMs = until;
  };
  return { timers, advance, now: () => nowMs };
}

describe("the hang rule", () => {
  it("silence for the budget is a hang, reported once, at the budget", () => {
    const c = fakeTimers();
    const hangs: number[] = [];
    const w = new SilenceWatchdog(c.timers, HANG_BUDGET_S.page * 1000, () => hangs.push(c.now()));
    w.arm();
    c.advance(1999);
    expect(hangs).toEqual([]);
    c.advance(10_000);
    expect(hangs).toEqual([2000]);
    w.arm();
    c.advance(10_000);
    expect(hangs).toEqual([2000]);
  });

  it("work that keeps giving signs of life is never a hang, even on a loaded machine", () => {
    const c = fakeTimers();
    let hung = false;
    const w = new SilenceWatchdog(c.timers, HANG_BUDGET_S.page * 1000, () => (hung = true));
    w.arm();
    // Heartbeats every 250 ms, some delayed by a busy machine up to 1.9 s: a minute of work.
    const delays = [250, 250, 1900, 250, 1200, 1900, 250];
    for (let t = 0; t < 60_000; ) {
      const d = delays[(t / 250) % delays.length | 0]!;
      c.advance(d);
      t += d;
      w.kick();
    }
    expect(hung).toBe(false);
    // Then the code spins (no more heartbeats): stopped within the budget.
    const spinFrom = c.now();
    c.advance(HANG_BUDGET_S.page * 1000);
    expect(hung).toBe(true);
    expect(c.now() - spinFrom).toBeLessThanOrEqual(HANG_BUDGET_S.page * 1000);
  });

  it("a stopped or unarmed watchdog never fires; kick() does not arm it; a budget of 0 disables it", () => {
    const c = fakeTimers();
    let fired = 0;
    const w = new SilenceWatchdog(c.timers, 1000, () => fired++);
    w.kick();
    c.advance(5000);
    w.arm();
    w.stop();
    c.advance(5000);
    const off = new SilenceWatchdog(c.timers, 0, () => fired++);
    off.arm();
    c.advance(5000);
    expect(fired).toBe(0);
    expect(off.armed).toBe(false);
  });

  it("one sentence names the task as the learner wrote it, or main, or the scenario", () => {
    expect(hangSentence("spin[97d60fcd-9d92-4260-a522-8a3446348e18]", 2)).toBe("Stopped: task spin did not yield for 2 s (infinite loop?)");
    expect(hangSentence("main", 3.5)).toBe("Stopped: main did not yield for 3.5 s (infinite loop?)");
    expect(hangSentence(null, 10)).toBe("Stopped: the scenario did not yield for 10 s (infinite loop?)");
    expect(hangSentence("the scenario", 3.5)).toBe("Stopped: the scenario did not yield for 3.5 s (infinite loop?)");
    // Stopped within the CLI's promise of 5 s, the page's of 2 s.
    expect(HANG_BUDGET_S.cli).toBeLessThan(5);
    expect(HANG_BUDGET_S.page).toBeLessThanOrEqual(2);
  });
});
