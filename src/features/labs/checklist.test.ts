import { describe, expect, it } from "vitest";
import { emptyLab } from "../../state/progress";
import { labChecklist } from "./checklist";

const states = (items: ReturnType<typeof labChecklist>) => Object.fromEntries(items.map((i) => [i.text, i.state]));

describe("the lab completion checklist", () => {
  it("ticks nothing for a lab not yet run, and leaves the learner's own items to them", () => {
    const s = states(labChecklist(emptyLab("p1"), { goals: 3, seeds: [1, 2, 3], lastRun: null }));
    expect(s["All exercises completed"]).toBe("todo");
    expect(s["Code runs without errors"]).toBe("todo");
    expect(s["Expected outputs verified"]).toBe("todo");
    expect(s["Results documented"]).toBe("todo");
    expect(s["Performance analyzed, bottlenecks identified"]).toBe("self");
  });

  it("ticks from the record and the latest run: goals, completion on every seed, notes, a recorded run", () => {
    const rec = { ...emptyLab("p1"), passed: ["a", "b", "c"], completedAt: 1, attempts: 2, notes: "prefetch 1 fixed it" };
    const items = labChecklist(rec, { goals: 3, seeds: [1, 2, 3], lastRun: "ok" });
    expect(items.filter((i) => i.state === "todo")).toEqual([]);
    expect(items.find((i) => i.text === "Expected outputs verified")!.how).toContain("1, 2, 3");
    expect(states(labChecklist(rec, { goals: 3, seeds: [1, 2, 3], lastRun: "error" }))["Code runs without errors"]).toBe("todo");
    expect(states(labChecklist({ ...rec, passed: ["a"] }, { goals: 3, seeds: [1, 2, 3], lastRun: "ok" }))["All exercises completed"]).toBe("todo");
  });
});
