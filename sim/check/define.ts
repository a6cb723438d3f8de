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
  /**
   * The other seeds a graded run must also pass (default: the two after `seed`). One seed can hide a
   * wrong mechanism behind a lucky schedule; three make the checks hold for the mechanism.
   */
  otherSeeds?: number[];
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
  /** The seed it failed with, when graded on several (null: passed, or graded on one seed). */
  seed?: number | null;
}

/** Every seed a graded run uses, the lab's own first. */
export function gradedSeeds(suite: CheckSuite): number[] {
  return [suite.seed, ...(suite.otherSeeds ?? [suite.seed + 1, suite.seed + 2])];
}

/**
 * One result per check over runs on several seeds: a check passes when it passed on every seed;
 * otherwise it carries the first failing seed, and its detail says which ("seed 2: …").
 */
export function mergeSeedResults(perSeed: { seed: number; results: CheckResult[] }[]): CheckResult[] {
  const first = perSeed[0];
  if (!first) return [];
  return first.results.map((c, i) => {
    const failed = perSeed.find((s) => s.results[i] && !s.results[i]!.passed);
    if (!failed) return { ...c, passed: true, detail: null, seed: null };
    const f = failed.results[i]!;
    return { ...c, passed: false, detail: `seed ${failed.seed}: ${f.detail}`, seed: failed.seed };
  });
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
  const cut = cutShort(run.report);
  return suite.checks.map((c) => {
    let outcome: CheckOutcome;
    try {
      outcome = c.run(run);
    } catch (e) {
      outcome = `the check could not read the run: ${(e as Error)?.message ?? String(e)}`;
    }
    const detail = outcome === true ? null : cut ? `${outcome} (${cut})` : outcome;
    return { id: c.id, title: c.title, passed: outcome === true, detail, explain: c.explain };
  });
}

/**
 * Why the run did not get to do what the goals read, when that is so: the scenario threw (its own
 * error and where), or `main` was still waiting when the run was cut. A goal that fails then says
 * it, so a learner is not sent after a wrong mechanism when their code stopped first ("the pipeline
 * returned undefined" when `main` had thrown a TypeError a line before).
 */
export function cutShort(report: Pick<Report, "endReason" | "endMessage">): string | null {
  const first = report.endMessage.split("\n")[0]!;
  if (report.endReason === "error") return `the run ended early: ${first}`;
  if (report.endReason === "until" && first.includes("main() was still waiting")) return `the run was cut: ${first}`;
  return null;
}
