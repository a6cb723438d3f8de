import { describe, expect, it } from "vitest";
import { FRAME_FOLD_TARGET_MS, MAX_FRAME_EVENTS, MIN_FRAME_EVENTS, nextFrameCap } from "./frame-cap";

describe("nextFrameCap", () => {
  it("shrinks after a slow full frame, never below the minimum", () => {
    let cap = MAX_FRAME_EVENTS;
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) seen.push((cap = nextFrameCap(cap, FRAME_FOLD_TARGET_MS * 4, cap)));
    expect(seen[0]).toBe(Math.round(MAX_FRAME_EVENTS * 0.7));
    expect(seen[1]).toBe(Math.round(Math.round(MAX_FRAME_EVENTS * 0.7) * 0.7));
    expect(Math.min(...seen)).toBe(MIN_FRAME_EVENTS);
    expect(cap).toBe(MIN_FRAME_EVENTS);
  });

  it("grows back after quick full frames, never above the maximum", () => {
    let cap = MIN_FRAME_EVENTS;
    for (let i = 0; i < 40; i++) cap = nextFrameCap(cap, 1, cap);
    expect(cap).toBe(MAX_FRAME_EVENTS);
    expect(nextFrameCap(200, 1, 200)).toBe(230);
  });

  it("ignores frames that were not nearly full (a quiet run says nothing about cost)", () => {
    expect(nextFrameCap(1000, 100, 10)).toBe(1000);
    expect(nextFrameCap(300, 0.1, 100)).toBe(300);
  });

  it("keeps the cap while the fold time is in the band", () => {
    expect(nextFrameCap(600, FRAME_FOLD_TARGET_MS * 0.75, 600)).toBe(600);
  });
});
