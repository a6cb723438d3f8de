import { describe, expect, it } from "vitest";
import { atTraceRecord, ENTER_CHANNEL, EnterThrottle, hangMessage, isAbort, isEnterMessage, StaleError } from "./protocol";

describe("hangMessage", () => {
  it("names the task", () => {
    expect(hangMessage("spin")).toBe("Stopped: task spin did not yield for 2 s (infinite loop?)");
    expect(hangMessage("spin[97d60fcd-9d92-4260-a522-8a3446348e18]")).toBe("Stopped: task spin did not yield for 2 s (infinite loop?)");
  });
  it("does not call main or timers a task", () => {
    expect(hangMessage("main")).toBe("Stopped: main did not yield for 2 s (infinite loop?)");
    expect(hangMessage("module top level")).toBe("Stopped: module top level did not yield for 2 s (infinite loop?)");
    expect(hangMessage("timer 3")).toBe("Stopped: timer 3 did not yield for 2 s (infinite loop?)");
    expect(hangMessage(null)).toBe("Stopped: the scenario did not yield for 2 s (infinite loop?)");
    expect(hangMessage("x", 1500)).toContain("1.5 s");
  });
});

describe("isEnterMessage", () => {
  it("accepts only the side channel's shape", () => {
    expect(isEnterMessage({ channel: ENTER_CHANNEL, label: "a" })).toBe(true);
    expect(isEnterMessage({ channel: ENTER_CHANNEL })).toBe(false);
    expect(isEnterMessage({ id: "comlink", type: "APPLY" })).toBe(false);
    expect(isEnterMessage(null)).toBe(false);
    expect(isEnterMessage("x")).toBe(false);
  });
});

describe("EnterThrottle", () => {
  it("posts changed labels at once while under budget and skips repeats", () => {
    const t = new EnterThrottle(3, 100);
    expect(t.offer("main", 0)).toBe("main");
    expect(t.offer("main", 1)).toBeNull();
    expect(t.offer("a", 2)).toBe("a");
    expect(t.offer("b", 3)).toBe("b");
  });
  it("past the budget holds the newest label for the next yield, then resets per window", () => {
    const t = new EnterThrottle(2, 100);
    t.offer("a", 0);
    t.offer("b", 1);
    expect(t.offer("c", 2)).toBeNull();
    expect(t.offer("d", 3)).toBeNull();
    expect(t.flush()).toBe("d");
    expect(t.flush()).toBeNull();
    expect(t.offer("d", 4)).toBeNull(); // already posted by flush
    expect(t.offer("e", 150)).toBe("e"); // new window
  });
  it("a repeat of the last posted label cancels a held one (it is current again)", () => {
    const t = new EnterThrottle(1, 100);
    t.offer("a", 0);
    t.offer("b", 1);
    t.offer("a", 2);
    expect(t.flush()).toBeNull();
  });
});

describe("isAbort", () => {
  it("recognises stale and abort errors", () => {
    expect(isAbort(new StaleError())).toBe(true);
    expect(isAbort(new DOMException("x", "AbortError"))).toBe(true);
    expect(isAbort(new Error("x"))).toBe(false);
  });
});

describe("atTraceRecord", () => {
  it("a lab-sized run (1,600 records) looks at the clock to say it is alive at least every 64 records", () => {
    const looks = Array.from({ length: 1600 }, (_, i) => i).filter((i) => atTraceRecord(i, 20_000_000) === "alive");
    expect(looks.length).toBeGreaterThanOrEqual(25);
    expect(Math.max(...looks.slice(1).map((i, k) => i - looks[k]!))).toBeLessThanOrEqual(64);
  });
  it("past the limit it names the limit instead", () => {
    expect(atTraceRecord(128, 100)).toBe("limit");
    expect(atTraceRecord(64, 100)).toBe("alive");
    expect(atTraceRecord(65, 100)).toBeNull();
  });
});
