import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket";

function bucket(fillRatePerS: number, capacity?: number) {
  const clock = { nowS: 0 };
  const b = new TokenBucket({ fillRatePerS, capacity, clock });
  return { b, at: (t: number) => ((clock.nowS = t), b) };
}

describe("TokenBucket (kombu's)", () => {
  it("'10/m' with capacity 1: starts full, then one token every 6 s", () => {
    const { at } = bucket(10 / 60);
    expect(at(0).consume()).toBe(true);
    expect(at(0).consume()).toBe(false);
    expect(at(0).expectedTimeS()).toBe(6);
    expect(at(3).consume()).toBe(false);
    expect(at(3).expectedTimeS()).toBeCloseTo(3, 12);
    expect(at(6).consume()).toBe(true);
    expect(at(11.9).consume()).toBe(false);
    expect(at(12).consume()).toBe(true);
  });

  it("takes all n tokens or none, and says how long n will take", () => {
    const { at } = bucket(2, 5);
    expect(at(0).consume(5)).toBe(true);
    expect(at(0).consume(1)).toBe(false);
    expect(at(1).tokens).toBe(2);
    expect(at(1).consume(3)).toBe(false);
    expect(at(1).tokens).toBe(2);
    expect(at(1).expectedTimeS(3)).toBe(0.5);
    expect(at(1.5).consume(3)).toBe(true);
    expect(at(1.5).expectedTimeS(0)).toBe(0);
    expect(at(100).tokens).toBe(5); // never above capacity
    expect(at(100).canConsume(5)).toBe(true);
  });

  it("keeps kombu's stale-timestamp quirk: after idling full, two calls pass back to back", () => {
    const { at } = bucket(1, 1);
    expect(at(5).tokens).toBe(1); // reading does not touch the bucket
    expect(at(10).consume()).toBe(true);
    // The bucket was full since 0, so its timestamp is still 0: the refill credits 10 s.
    expect(at(10).consume()).toBe(true);
    expect(at(10).consume()).toBe(false);
    expect(at(10).expectedTimeS()).toBe(1);
    expect(at(11).consume()).toBe(true);
  });

  it("gives the token to a caller back exactly when expectedTimeS said, whatever the rounding", () => {
    // 5 × (2.05 − 1.85) is 0.9999999999999998 in floating point: kombu's caller, on a real clock, is
    // always a little late and finds the token; a timer on the simulated clock is exactly on time.
    const { at } = bucket(5, 1);
    expect(at(1.85).consume()).toBe(true);
    expect(at(1.85).consume()).toBe(true); // the stale-timestamp second token
    expect(at(1.85).consume()).toBe(false);
    expect(at(1.85).expectedTimeS()).toBeCloseTo(0.2, 12);
    expect(at(2.05).expectedTimeS()).toBe(0);
    expect(at(2.05).consume()).toBe(true);
    expect(at(2.05).consume()).toBe(false);
  });

  it("rejects nonsense rates", () => {
    const clock = () => 0;
    expect(() => new TokenBucket({ fillRatePerS: 0, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ fillRatePerS: 1, capacity: 0, clock })).toThrow(RangeError);
  });
});
