import { describe, expect, it } from "vitest";
import { defineChecks, gradedSeeds, mergeSeedResults, type CheckResult } from "./define";

const result = (id: string, passed: boolean, detail: string | null = null): CheckResult => ({ id, title: id, passed, detail, explain: "" });

describe("grading on several seeds", () => {
  it("uses the lab's seed first, then its other seeds (default: the next two)", () => {
    expect(gradedSeeds(defineChecks({ seed: 5, checks: [] }))).toEqual([5, 6, 7]);
    expect(gradedSeeds(defineChecks({ seed: 5, otherSeeds: [40, 41, 42], checks: [] }))).toEqual([5, 40, 41, 42]);
  });

  it("passes a check only when it passed on every seed, and names the first seed it failed on", () => {
    const merged = mergeSeedResults([
      { seed: 1, results: [result("a", true), result("b", true)] },
      { seed: 2, results: [result("a", true), result("b", false, "2 tasks lost")] },
      { seed: 3, results: [result("a", true), result("b", false, "1 task lost")] },
    ]);
    expect(merged.map((c) => [c.id, c.passed, c.detail, c.seed])).toEqual([
      ["a", true, null, null],
      ["b", false, "seed 2: 2 tasks lost", 2],
    ]);
  });
});
