/**
 * The lab's side of the lab page: goals that tick when a finished run passes its checks, the
 * instructions, hints one at a time, the Python equivalent, the solution on request, and notes.
 *
 * Grading runs on this thread against the finished run's report and trace (fetched from the sim
 * worker), with the same check modules the headless labs test uses. Only runs with the lab's seed
 * count towards progress, and they are graded on every seed of the lab (the others run beside the
 * shown one in the sim worker): a check passes when it holds on all of them, else it names the seed.
 */
import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch, untrack } from "solid-js";
import { gradedSeeds, makeLabRun, mergeSeedResults, runChecks, type CheckResult } from "../../../sim/check/define";
import { statusOf, type ProgressStore } from "../../state/progress";
import type { Playground } from "../../state/playground";
import { isAbort } from "../../workers/protocol";
import { StatusChip } from "./Catalogue";
import { labChecklist } from "./checklist";
import { forLanguage, labNumber, type LabContent } from "./content";
import { Markdown } from "./Markdown";
import { StorageNotice } from "./StorageNotice";
import { useProgress } from "./use-progress";

const TABS = ["Instructions", "Python", "Solution", "Notes"] as const;
type Tab = (typeof TABS)[number];

export function LabPanel(props: { pg: Playground; lab: LabContent; store: ProgressStore }) {
  const { pg, lab } = props;
  const id = lab.meta.id;
  const store = useProgress(props.store);
  const rec = () => store().lab(id);
  const [tab, setTab] = createSignal<Tab>("Instructions");
  let body: HTMLDivElement | undefined;
  const [results, setResults] = createSignal<CheckResult[] | null>(null);
  const [grading, setGrading] = createSignal<string | null>(null);

  // ---------------------------------------------------------------- grading
  let lastGraded = "";
  async function grade() {
    const run = pg.run();
    const key = `${pg.seed()}\u0000${run.traceHash}\u0000${pg.code()}`;
    if (key === lastGraded) return;
    lastGraded = key;
    setGrading("Checking the run…");
    try {
      const data = await pg.labRun();
      const first = runChecks(lab.suite, makeLabRun(data.report, data.trace));
      if (pg.seed() !== lab.suite.seed) {
        setResults(first);
        const passed = first.filter((c) => c.passed).length;
        setGrading(`${passed} of ${first.length} goals met with seed ${pg.seed()}. Not recorded: graded runs use the lab's seeds ${gradedSeeds(lab.suite).join(", ")}.`);
        return;
      }
      // A graded run must pass on every seed of the lab: the others run beside the shown one.
      const seeds = gradedSeeds(lab.suite);
      const perSeed = [{ seed: seeds[0]!, results: first }];
      for (const [i, seed] of seeds.slice(1).entries()) {
        setGrading(`Checking the run with seed ${seed} (${i + 2} of ${seeds.length})…`);
        const other = await pg.gradeRun(seed);
        if (lastGraded !== key) return; // another run started meanwhile: its grading takes over
        perSeed.push({ seed, results: runChecks(lab.suite, makeLabRun(other.report, other.trace)) });
      }
      const out = mergeSeedResults(perSeed);
      setResults(out);
      const passed = out.filter((c) => c.passed).length;
      props.store.recordRun(id, out);
      const failedSeeds = [...new Set(out.flatMap((c) => (c.seed != null ? [c.seed] : [])))];
      setGrading(
        passed === out.length
          ? `All ${out.length} goals met on seeds ${seeds.join(", ")}. Lab complete!`
          : `${passed} of ${out.length} goals met on every seed (${seeds.join(", ")}); failed with seed ${failedSeeds.join(", ")}.`,
      );
    } catch (e) {
      lastGraded = "";
      setGrading(isAbort(e) ? null : `The run could not be checked: ${(e as Error)?.message ?? e}`);
    }
  }
  createEffect(
    on(
      () => [pg.phase(), pg.run().done] as const,
      ([phase, done]) => {
        if (done && (phase === "done" || phase === "error")) void grade();
        else if (phase === "compiling") setGrading(null);
      },
    ),
  );

  function runChecksNow() {
    pg.setSeed(lab.suite.seed);
    pg.setSpeed("max");
    void pg.play(true);
  }

  /** A goal's state: this visit's latest run, else the stored best run. */
  const goalState = (checkId: string): "pass" | "fail" | "todo" => {
    const r = results();
    if (r) return r.find((c) => c.id === checkId)?.passed ? "pass" : "fail";
    return rec().passed.includes(checkId) ? "pass" : "todo";
  };

  // ---------------------------------------------------------------- notes (debounced save)
  let notesTimer: ReturnType<typeof setTimeout> | undefined;
  let pendingNotes: string | null = null;
  const saveNotes = () => {
    clearTimeout(notesTimer);
    if (pendingNotes !== null) props.store.setNotes(id, pendingNotes);
    pendingNotes = null;
  };
  onCleanup(saveNotes);
  addEventListener("pagehide", saveNotes);
  onCleanup(() => removeEventListener("pagehide", saveNotes));

  const total = lab.suite.checks.length;
  /** The seed's completion checklist, ticked from the record and this visit's latest run. */
  const checklist = () =>
    labChecklist(rec(), { goals: total, seeds: gradedSeeds(lab.suite), lastRun: pg.phase() === "error" ? "error" : results() ? "ok" : null });
  const hintsShown = () => Math.min(rec().hintsRevealed, lab.sections.hints.length);

  return (
    <aside class="lab-panel" aria-label="Lab">
      <div class="lab-head">
        <div class="lab-crumbs small">
          <a href="?view=labs">← All labs</a>
          <span class="muted">
            {lab.meta.path} · Lab {labNumber(id)} · {lab.meta.minutes} min
          </span>
        </div>
        <h1 class="lab-h1">{lab.meta.title}</h1>
        <div class="lab-score">
          <StatusChip status={statusOf(rec())} />
          <span class="muted small" data-testid="lab-score">
            <Show when={rec().attempts > 0} fallback="No graded run yet">
              Best {Math.round(rec().bestScore * total)}/{total} ({Math.round(rec().bestScore * 100)}%) · {rec().attempts} {rec().attempts === 1 ? "run" : "runs"}
            </Show>
          </span>
        </div>
        <StorageNotice store={store()} />
      </div>

      <section class="goals" aria-labelledby="goals-h">
        <div class="goals-head">
          <h2 id="goals-h">Goals</h2>
          <button class="btn small primary" onClick={runChecksNow} title={`Run from the start at full speed with seed ${lab.suite.seed}, then check on seeds ${gradedSeeds(lab.suite).join(", ")}`}>
            Run checks
          </button>
        </div>
        <Show when={grading()}>
          <p class="grading small" role="status" data-testid="grading">
            {grading()}
          </p>
        </Show>
        <Show when={!results() && rec().attempts > 0}>
          <p class="muted small">Ticks from your best run. Run again to check your current code.</p>
        </Show>
        <ul class="goal-list" aria-label="Goals">
          <For each={lab.suite.checks}>
            {(c) => {
              const st = () => goalState(c.id);
              const res = () => results()?.find((r) => r.id === c.id);
              return (
                <li class={`goal g-${st()}`} data-goal={c.id} data-state={st()}>
                  <span class="goal-icon" aria-hidden="true">
                    {st() === "pass" ? "✓" : st() === "fail" ? "✕" : "○"}
                  </span>
                  <div>
                    <span class="goal-title">
                      {c.title}
                      <span class="sr-only">{st() === "pass" ? " (met)" : st() === "fail" ? " (not met)" : " (not checked yet)"}</span>
                    </span>
                    <Show when={st() === "fail" && res()}>
                      <div class="goal-detail small">
                        <div class="goal-what">{res()!.detail}</div>
                        <Markdown class="goal-explain" text={res()!.explain} />
                      </div>
                    </Show>
                  </div>
                </li>
              );
            }}
          </For>
        </ul>
      </section>

      <div class="tabs lab-tabs" role="tablist" aria-label="Lab sections">
        <For each={TABS}>
          {(t) => (
            <button
              role="tab"
              class="tab"
              aria-selected={tab() === t}
              onClick={() => {
                setTab(t);
                // Another tab's text starts at its top, not where the last one was scrolled to.
                if (body) body.scrollTop = 0;
              }}
            >
              {t}
            </button>
          )}
        </For>
      </div>
      <div class="lab-body" role="tabpanel" aria-label={tab()} ref={body}>
        <Switch>
          <Match when={tab() === "Instructions"}>
            <h2>Objective</h2>
            <Markdown text={forLanguage(lab.sections.objective, pg.language())} />
            <h2>Steps</h2>
            <Markdown text={forLanguage(lab.sections.steps, pg.language())} />
            <h2>Hints</h2>
            <ol class="hints" aria-label="Hints">
              <For each={lab.sections.hints.slice(0, hintsShown())}>
                {(h, i) => (
                  <li class="hint">
                    <div class="hint-n small muted">Hint {i() + 1}</div>
                    <Markdown text={forLanguage(h, pg.language())} />
                  </li>
                )}
              </For>
            </ol>
            <Show when={hintsShown() < lab.sections.hints.length} fallback={<p class="muted small">No more hints.</p>}>
              <button class="btn small" onClick={() => props.store.revealHint(id, hintsShown() + 1)}>
                Show hint {hintsShown() + 1} of {lab.sections.hints.length}
              </button>
            </Show>
            <h2>Discussion questions</h2>
            <Markdown text={forLanguage(lab.sections.discussion, pg.language())} />
            <h2>Lab completion checklist</h2>
            <ul class="checklist" aria-label="Lab completion checklist" data-testid="checklist">
              <For each={checklist()}>
                {(item) => (
                  <li class={`check-item c-${item.state}`} data-state={item.state}>
                    <span class="goal-icon" aria-hidden="true">
                      {item.state === "done" ? "✓" : item.state === "todo" ? "○" : "·"}
                    </span>
                    <div>
                      <span class="muted small">{item.group}: </span>
                      {item.text}
                      <span class="sr-only">{item.state === "done" ? " (done)" : item.state === "todo" ? " (not yet)" : " (your call)"}</span>
                      <div class="muted small">{item.how}</div>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Match>
          <Match when={tab() === "Python"}>
            <p class="muted small">The same exercise in Python Celery, as you would write it against a real broker.</p>
            <Markdown text={lab.sections.python} />
          </Match>
          <Match when={tab() === "Solution"}>
            <Show
              when={rec().solutionRevealed}
              fallback={
                <div class="reveal">
                  <p>Stuck? The reference solution passes every goal. Revealing it does not complete the lab: your own run still has to pass.</p>
                  <button class="btn small" onClick={() => props.store.revealSolution(id)}>
                    Reveal solution
                  </button>
                </div>
              }
            >
              <p class="muted small">The reference solution. Revealing it does not complete the lab.</p>
              <pre class="solution mono" data-testid="solution">
                {lab.solution}
              </pre>
            </Show>
          </Match>
          <Match when={tab() === "Notes"}>
            <label class="notes-label" for="lab-notes">
              Your notes on this lab (saved as you type, exported with your progress)
            </label>
            <textarea
              id="lab-notes"
              class="notes"
              value={untrack(() => rec().notes)}
              onInput={(e) => {
                pendingNotes = e.currentTarget.value;
                clearTimeout(notesTimer);
                notesTimer = setTimeout(saveNotes, 300);
              }}
              onBlur={saveNotes}
            />
          </Match>
        </Switch>
      </div>
    </aside>
  );
}
