/** The sentence names what hung the way a learner recognises it (the rule's tests: hang-watch.test.ts). */
import { describe, expect, it } from "vitest";
import { HANG_BUDGET_S, hangSentence } from "./hang";

describe("the hang sentence and budgets", () => {
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
