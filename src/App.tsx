/**
 * The sandbox page: editor and console on the left, the run's views on the right, the run
 * controls and the time scrubber on top.
 */
import { createEffect, createMemo, createSignal, For, lazy, Match, on, onCleanup, onMount, Show, Suspense, Switch } from "solid-js";
import { BLANK_SOURCE, findExample } from "./examples";
import { Console } from "./features/console/Console";
import { Editor } from "./features/editor/Editor";
import { ExamplesMenu } from "./features/examples/ExamplesMenu";
import { RunControls } from "./features/controls/RunControls";
import { Scrubber } from "./features/controls/Scrubber";
import { QueuesView, WorkersView } from "./features/cluster/WorkersView";
import { StateCounts } from "./features/tasks/StateCounts";
import { TaskDetail } from "./features/tasks/TaskDetail";
import { TasksTable } from "./features/tasks/TasksTable";
import { Timeline } from "./features/timeline/Timeline";
import type { DraftStore } from "./lib/drafts";
import type { AppLab } from "./features/labs/app-lab";
import { createPlayground, type Playground, type Speed } from "./state/playground";
import { installTestHook } from "./test-hook";
import { createCanvasStore } from "./features/graph/canvas-store";
import { createDashboardStore } from "./features/dashboard/store";
import { ShareButton } from "./lib/share-button";
import { LANGUAGE_LABEL, scenarioFile, type Language } from "./lib/language";
import { codeKey, languageKey, PYTHON_STARTER } from "./lib/language-drafts";

// The graph (cytoscape, dagre) is a chunk of its own, fetched when the Graph tab first opens.
const GraphPanel = lazy(() => import("./features/graph/GraphPanel"));
// The monitoring dashboard (and uPlot) likewise, when its tab first opens.
const Dashboard = lazy(() => import("./features/dashboard/Dashboard"));
// The Experiments panel (sweeps on parallel workers, counterfactual diffs), when first opened.
const ExperimentsPanel = lazy(() => import("./features/experiments/ExperimentsPanel"));

const TABS = ["Tasks", "Timeline", "Workers", "Queues", "Graph", "Dashboard"] as const;
type Tab = (typeof TABS)[number];

export interface AppProps {
  drafts: DraftStore;
  exampleId: string;
  initialCode: string;
  seed?: number;
  speed?: Speed;
  /** Set on a lab page: the lab's panel goes beside the editor, and drafts use the lab's key. */
  lab?: AppLab;
  /** Embedded in another page (src/embed): minimal chrome, no links away from the lab. */
  embed?: boolean;
  /** The simulated cut-off outside a lab (a share link carries it). */
  untilS?: number;
  /** A notice for the learner above the panes until dismissed (a share link that was refused). */
  notice?: string;
  /** The language of `initialCode` (a share link's, or the one last chosen for this scenario). */
  language?: Language;
  /** Called once with the run controller (the embed's postMessage API drives it). */
  onPlayground?: (pg: Playground) => void;
}

const exampleSource = (id: string) => findExample(id)?.source ?? BLANK_SOURCE;

export function App(props: AppProps) {
  const pg = createPlayground(props.initialCode, { ...(props.language !== undefined ? { language: props.language } : {}), ...(props.seed !== undefined ? { seed: props.seed } : {}), ...(props.speed !== undefined ? { speed: props.speed } : {}), ...(props.lab?.untilS !== undefined ? { untilS: props.lab.untilS } : props.untilS !== undefined ? { untilS: props.untilS } : {}) });
  onCleanup(() => pg.dispose());
  props.onPlayground?.(pg);
  installTestHook(pg);
  // Collects the run's canvases from the first frame, so the lazy Graph tab can draw runs it did not watch.
  const canvases = createCanvasStore(pg);
  onCleanup(() => canvases.dispose());
  // Folds every frame from the first, so the lazy Dashboard tab charts the whole run.
  const dashboard = createDashboardStore(pg);

  const [exampleId, setExampleId] = createSignal(props.exampleId);
  const [notice, setNotice] = createSignal(props.notice);
  const [tab, setTab] = createSignal<Tab>("Tasks");
  const [selected, setSelected] = createSignal<number | null>(null);
  const [experiments, setExperiments] = createSignal(new URLSearchParams(location.search).get("view") === "experiments");

  // Save as you type (debounced a little), and lint the same way.
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let lintTimer: ReturnType<typeof setTimeout> | undefined;
  const saveNow = () => void props.drafts.save(codeKey(exampleId(), pg.language()), pg.code());
  /** What a scenario starts from in a language: the lab's starter, else the example (Python: the Python starter). */
  const sourceOf = (id: string, language: Language = pg.language()) =>
    language === "python" ? (props.lab ? (props.lab.starterPy ?? PYTHON_STARTER) : (findExample(id)?.sourcePy ?? PYTHON_STARTER)) : props.lab ? props.lab.starter : exampleSource(id);
  /** The languages offered: Python where there is Python to start from (every sandbox example; labs with starter.py). */
  const languages = (): Language[] => (!props.lab || props.lab.starterPy !== undefined ? ["typescript", "python"] : ["typescript"]);
  createEffect(
    on(pg.code, () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveNow, 150);
      clearTimeout(lintTimer);
      lintTimer = setTimeout(() => void pg.lint(), 300);
    }),
  );
  const flush = () => {
    clearTimeout(saveTimer);
    saveNow();
  };
  addEventListener("pagehide", flush);
  onCleanup(() => removeEventListener("pagehide", flush));

  /** Switch the scenario's language: its text in that language comes in (the draft, else the starter). */
  async function switchLanguage(language: Language) {
    if (language === pg.language()) return;
    flush();
    const id = exampleId();
    pg.setLanguage(language);
    void props.drafts.save(languageKey(id), language);
    const draft = await props.drafts.load(codeKey(id, language));
    if (pg.language() === language) pg.setCode(draft ?? sourceOf(id, language));
  }

  async function switchExample(id: string) {
    flush();
    setExampleId(id);
    const draft = await props.drafts.load(codeKey(id, pg.language()));
    pg.setCode(draft ?? sourceOf(id));
    const url = new URL(location.href);
    url.searchParams.set("example", id);
    history.replaceState(null, "", url);
  }

  // Another run (other code or seed) has other tasks under the same indices: drop the old choice.
  createEffect(on(pg.runGeneration, () => setSelected(null), { defer: true }));

  const selectedTask = createMemo(() => {
    const i = selected();
    void pg.run().version;
    return i === null ? undefined : pg.run().tasks.get(i);
  });

  const phaseLabel = () => pg.phase();

  // Sheets over the panes (Experiments) start below the top bar, which wraps to more lines on narrow screens.
  let topbar!: HTMLElement;
  onMount(() => {
    const ro = new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-bottom", `${Math.round(topbar.getBoundingClientRect().bottom)}px`));
    ro.observe(topbar);
    onCleanup(() => ro.disconnect());
  });

  return (
    <div class="app" classList={{ embed: !!props.embed }}>
      <header class="topbar" ref={topbar}>
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          Celery Playground
          <span class="tag">{props.lab ? "lab" : "sandbox"}</span>
        </div>
        <Show when={!props.embed}>
          <a class="btn small ghost" href="?view=labs">
            Labs
          </a>
          <button class="btn small ghost" aria-pressed={experiments()} onClick={() => setExperiments(!experiments())}>
            Experiments
          </button>
        </Show>
        <Show when={!props.lab}>
          <ExamplesMenu value={exampleId()} onChange={(id) => void switchExample(id)} />
        </Show>
        <RunControls pg={pg} />
        <ShareButton pg={pg} untilS={props.lab?.untilS ?? props.untilS} />
      </header>
      {/* The run's status sits on the time row: the top bar then fits one line at 1280 px. */}
      <Scrubber pg={pg}>
        <div class="status" aria-live="polite">
          <span class={`phase ph-${pg.phase()}`} data-testid="phase">
            {phaseLabel()}
          </span>
          <span class="muted mono" title="Trace events so far">
            {pg.run().traceLength} ev
          </span>
          <span class="muted mono" title="Trace hash: same file + same seed = same hash" data-testid="trace-hash">
            {pg.run().traceHash || "–"}
          </span>
        </div>
      </Scrubber>
      <Show when={notice()}>
        {(text) => (
          <div class="banner error notice" role="alert" data-testid="page-notice">
            <span>{text()}</span>
            <button class="btn small ghost" onClick={() => setNotice(undefined)}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
      <Show when={pg.message()}>
        {(m) => (
          <div class={`banner ${m().kind}`} role={m().kind === "error" ? "alert" : "status"} data-testid="message">
            {m().text}
          </div>
        )}
      </Show>
      <main class="panes" classList={{ "with-lab": !!props.lab }}>
        <Show when={props.lab}>{(lab) => lab().panel(pg)}</Show>
        <section class="left">
          <div class="pane-title">
            <span data-testid="scenario-file">{scenarioFile(pg.language())}</span>
            <Show when={languages().length > 1}>
              <select class="language-select" aria-label="Language" data-testid="language" value={pg.language()} onChange={(e) => void switchLanguage(e.currentTarget.value as Language)}>
                <For each={languages()}>{(l) => <option value={l}>{LANGUAGE_LABEL[l]}</option>}</For>
              </select>
            </Show>
            <Show
              when={props.lab}
              fallback={
                <button class="btn small ghost" title="Replace your draft with the example's original text" onClick={() => pg.setCode(sourceOf(exampleId()))}>
                  Revert to example
                </button>
              }
            >
              {(lab) => (
                <button class="btn small ghost" title="Replace your draft with the lab's starter" onClick={() => pg.setCode(pg.language() === "python" ? (lab().starterPy ?? lab().starter) : lab().starter)}>
                  Reset to starter
                </button>
              )}
            </Show>
          </div>
          <Editor code={pg.code()} language={pg.language()} diagnostics={pg.diagnostics()} onChange={pg.setCode} onRun={() => void pg.play(true)} onFocus={pg.warmCompiler} />
          <Show when={pg.diagnostics().length > 0}>
            <ul class="problems" aria-label="Problems" data-testid="problems">
              <For each={pg.diagnostics()}>
                {(d) => (
                  <li class={`problem ${d.severity}`}>
                    <span aria-hidden="true">{d.severity === "error" ? "✕" : "⚠"}</span> Line {d.line}, column {d.column}: {d.message}
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <div class="pane-title">Console</div>
          <Console run={pg.run()} />
        </section>
        <section class="right">
          <StateCounts counts={pg.run().stateCounts} />
          <div class="tabs" role="tablist" aria-label="Views">
            <For each={TABS}>
              {(t) => (
                <button role="tab" class="tab" aria-selected={tab() === t} onClick={() => setTab(t)}>
                  {t}
                </button>
              )}
            </For>
          </div>
          <div class="tabpanel" role="tabpanel" aria-label={tab()}>
            <Switch>
              <Match when={tab() === "Tasks"}>
                <div class="tasks-split">
                  <TasksTable run={pg.run()} selected={selected()} onSelect={setSelected} />
                  <Show when={selectedTask()}>
                    {(t) => <TaskDetail task={t()} history={pg.taskHistory} onClose={() => setSelected(null)} />}
                  </Show>
                </div>
              </Match>
              <Match when={tab() === "Timeline"}>
                <Timeline
                  run={pg.run()}
                  onSelect={(i) => {
                    setSelected(i);
                    setTab("Tasks");
                  }}
                />
              </Match>
              <Match when={tab() === "Workers"}>
                <WorkersView run={pg.run()} />
              </Match>
              <Match when={tab() === "Queues"}>
                <QueuesView run={pg.run()} />
              </Match>
              <Match when={tab() === "Graph"}>
                <Suspense fallback={<p class="empty">Loading the graph…</p>}>
                  <GraphPanel pg={pg} store={canvases} />
                </Suspense>
              </Match>
              <Match when={tab() === "Dashboard"}>
                <Suspense fallback={<p class="empty">Loading the dashboard…</p>}>
                  <Dashboard pg={pg} store={dashboard} />
                </Suspense>
              </Match>
            </Switch>
          </div>
        </section>
      </main>
      <Show when={experiments()}>
        <Suspense fallback={<p class="empty">Loading experiments…</p>}>
          <ExperimentsPanel code={pg.code} onClose={() => setExperiments(false)} />
        </Suspense>
      </Show>
    </div>
  );
}
