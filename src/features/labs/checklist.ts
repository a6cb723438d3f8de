/**
 * The seed's "Lab Completion Checklist" on every lab's page, adapted to the playground (nothing to
 * install, start or stop: the preparation and clean-up items become what the page does for you).
 * An item is ticked from the learner's record and the checks where one covers it; the others are
 * the learner's own call, shown as such rather than ticked for them.
 */
import type { LabRecord } from "../../state/progress";

/** done / todo: decided by the page; self: the learner's own judgement. */
export type ChecklistState = "done" | "todo" | "self";

export interface ChecklistItem {
  group: "Execution" | "Analysis" | "Clean-up";
  text: string;
  state: ChecklistState;
  /** What ticks it, or what to do for it. */
  how: string;
}

export interface ChecklistInputs {
  /** Goals of the lab. */
  goals: number;
  /** The seeds a graded run is checked on. */
  seeds: number[];
  /** How this visit's latest run ended: null before any run. */
  lastRun: "ok" | "error" | null;
}

export function labChecklist(rec: LabRecord, o: ChecklistInputs): ChecklistItem[] {
  const tick = (ok: boolean): ChecklistState => (ok ? "done" : "todo");
  const seeds = o.seeds.join(", ");
  return [
    { group: "Execution", text: "All exercises completed", state: tick(rec.passed.length >= o.goals && o.goals > 0), how: `every goal met in one graded run (${rec.passed.length} of ${o.goals} so far)` },
    { group: "Execution", text: "Code runs without errors", state: tick(o.lastRun === "ok"), how: o.lastRun === null ? "run your code" : "your latest run compiled and its main() returned" },
    { group: "Execution", text: "Expected outputs verified", state: tick(rec.completedAt !== null), how: `the checks passed on every graded seed (${seeds})` },
    { group: "Execution", text: "Performance metrics collected", state: "self", how: "read what your run printed and the views: throughput, waits, queue depth" },
    { group: "Analysis", text: "Results documented", state: tick(rec.notes.trim().length > 0), how: "write down what you saw in the Notes tab" },
    { group: "Analysis", text: "Performance analyzed, bottlenecks identified", state: "self", how: "answer the discussion questions" },
    { group: "Analysis", text: "Optimizations applied", state: "self", how: "change one setting at a time and compare the runs (the Experiments tab diffs two)" },
    { group: "Clean-up", text: "Code and results saved", state: tick(rec.attempts > 0), how: "a graded run is recorded and your draft saved as you type; export your progress to keep a copy" },
  ];
}
