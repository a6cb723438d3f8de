/**
 * Lab checks are data: a title shown as a goal, an explanation shown when it fails, and a function
 * over the finished run. A check says what it expected and what happened; it never throws on bad
 * learner output (a throw is reported as a failed check with the error).
 */
import type { Report, TaskView, CeleryEventView } from "../engine/types";
import type { TraceEvent } from "../kernel/trace";

export interface LabRun {
  report: Report;
  /** The whole trace (every simulator event, not only Celery's). */
  trace: TraceEvent[];
  /** Tasks whose name is `name`, in send order. */
  tasksNamed(name: string): TaskView[];
  /** Celery events of a type, in order. */
  events(type: string): CeleryEventView[];
  /** Log lines that contain `text`. */
  logsContaining(text: string): string[];
}

/** `true` when met; otherwise what happened, in words ("2 tasks succeeded, expected 5"). */
export type CheckOutcome = true | string;

export interface Check {
  id: string;
  title: string;
  /** Shown when the check fails: what the goal means and how to get there. */
  explain: string;
  run(r: LabRun): CheckOutcome;
}

export interface CheckSuite {
  /** Seed the lab runs with (the learner can change it in the page; checks must hold for this one). */
  seed: number;
  /** Simulated seconds at which the run is cut, if the lab needs one. */
  untilS?: number;
  checks: Check[];
}

export function defineChecks(suite: CheckSuite): CheckSuite {
  const ids = new Set<string>();
  for (const c of suite.checks) {
    if (ids.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
    ids.add(c.id);
  }
  return suite;
}

export interface CheckResult {
  id: string;
  title: string;
  passed: boolean;
  /** What happened, when it failed. */
  detail: string | null;
  explain: string;
}

export function makeLabRun(report: Report, trace: TraceEvent[]): LabRun {
  return {
    report,
    trace,
    tasksNamed: (name) => report.tasks.filter((t) => t.name === name),
    events: (type) => report.events.filter((e) => e.type === type),
    logsContaining: (text) => report.logs.filter((l) => l.includes(text)),
  };
}

export function runChecks(suite: CheckSuite, run: LabRun): CheckResult[] {
  return suite.checks.map((c) => {
    let outcome: CheckOutcome;
    try {
      outcome = c.run(run);
    } catch (e) {
      outcome = `the check could not read the run: ${(e as Error)?.message ?? String(e)}`;
    }
    return { id: c.id, title: c.title, passed: outcome === true, detail: outcome === true ? null : outcome, explain: c.explain };
  });
}
