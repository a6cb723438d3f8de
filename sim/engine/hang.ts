/**
 * What every watchdog says and how long it waits: the budgets of real time before learner code that
 * gives no sign of life is called hung, and the one sentence that names it. The rule itself (silence
 * since the last heartbeat, judged by a check that ran on time) is hang-watch.ts; the CLI's child
 * also has V8's own interrupt (vm `timeout`) for a synchronous loop, with the same budget.
 */

/** Seconds of real time without a sign of life before a scenario is stopped as hung. */
export const HANG_BUDGET_S = {
  /** A run in the page: the learner is looking at a frozen view. */
  page: 2,
  /** The headless runner (`--hang-timeout`): stopped within 5 s; a loaded CI machine gets more slack than the page. */
  cli: 3.5,
  /** A sweep's run in the page's experiment pool (it reports progress every few hundred events). */
  experiments: 10,
} as const;

/**
 * The sentence for a hang, wherever it is caught. Labels come from the simulator's execution
 * contexts: a task's is `name[id]` (shown as "task name", what the learner recognises); others are
 * "main", "module top level", "timer 3"…
 */
export function hangSentence(label: string | null, seconds: number): string {
  const secs = `${+seconds.toFixed(1)} s`;
  if (!label) return `Stopped: the scenario did not yield for ${secs} (infinite loop?)`;
  const l = label.trim().replace(/\[[^\]]*\]$/, "");
  const nonTask = /^(main|module|timer|handler|system|simulator|eager|the scenario)\b/i.test(l);
  const named = /^task\b/i.test(l) || nonTask ? l : `task ${l}`;
  return `Stopped: ${named} did not yield for ${secs} (infinite loop?)`;
}

/**
 * The CLI's child, after a tick of `cutMs` that V8's timeout ended `silentMs` after the simulator
 * last recorded (less than the budget: the scenario was working): how long the next run's tick may
 * be. The cut run cannot be resumed, so the run starts again (same seed, same run) with a longer tick:
 * twice as long while it was still recording to the cut (a long loop takes a few runs, ~4× its time
 * at most in all), else the silence's start plus the budget (a spin after the loop is named then).
 */
export function nextTickTimeoutMs(cutMs: number, silentMs: number, budgetMs: number): number {
  return silentMs < budgetMs / 2 ? 2 * cutMs : Math.ceil(cutMs - silentMs + budgetMs);
}
