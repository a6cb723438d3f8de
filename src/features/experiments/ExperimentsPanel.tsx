/**
 * The Experiments panel: pick an experiment (a built-in one, or the editor's scenario), edit its
 * parameters and seeds, run every point × seed on parallel Web Workers with a progress bar and
 * cancel; read the results as a table (mean ± sd across seeds) and plots (spread as min–max bands);
 * export CSV and JSON; and diff two points on one seed (counterfactual).
 */
import { createMemo, createSignal, For, Show } from "solid-js";
import { BUILTIN_EXPERIMENTS } from "../../../sim/experiment/builtin";
import { buildResults, describeParams, formatNumber, formatSpread, resultsJson, runsCsv, summaryCsv } from "../../../sim/experiment/aggregate";
import { expandPoints, expandRuns, formatValue } from "../../../sim/experiment/spec";
import { FIGURE_HELP, figureLabel, type ExperimentResults, type ExperimentSpec, type RunResult } from "../../../sim/experiment/types";
import type { DiffResult } from "../../../sim/experiment/diff";
import { compile } from "../../workers/compile-client";
import { formatDiagnostic } from "../../../sim/engine/compile";
import { isAbort, StaleError } from "../../workers/protocol";
import { SandboxedWorker } from "../../workers/sandbox";
import { ExperimentChart } from "./ExperimentChart";
import { DiffView } from "./DiffView";
import { defaultPoolSize, ExperimentPool, type PoolWorker, type SweepHandle } from "./pool";
import { fileSlug, parametersToText, parseParametersText, parseSeedsText, plotModel, seedsToText } from "./form";
import "./experiments.css";

const EDITOR = "editor";

/** Experiment workers run learner code: they live in the sandbox frame, as the simulation worker does. */
function spawn(): PoolWorker {
  return new SandboxedWorker("experiment", "experiment") as unknown as PoolWorker;
}

async function compileOnce(source: string, file: string): Promise<string> {
  // The compile worker is shared with the editor: a Run pressed meanwhile supersedes this compile; ask again.
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await compile(source, file, "run");
      if (!out.ok) throw new Error(out.diagnostics.map(formatDiagnostic).join("\n"));
      return out.code;
    } catch (e) {
      if (!(e instanceof StaleError) || attempt >= 3) throw e;
    }
  }
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function ExperimentsPanel(props: { code: () => string; onClose: () => void }) {
  const [choice, setChoice] = createSignal(BUILTIN_EXPERIMENTS[0]!.id);
  const base = (): ExperimentSpec => {
    const b = BUILTIN_EXPERIMENTS.find((x) => x.id === choice());
    if (b) return b.spec;
    return { name: "my scenario", source: props.code(), file: "scenario.ts", parameters: [{ key: "conf.taskAcksLate", values: [false, true] }], seeds: [1, 2, 3] };
  };
  const [paramsText, setParamsText] = createSignal(parametersToText(base().parameters));
  const [seedsText, setSeedsText] = createSignal(seedsToText(base().seeds));
  const [figuresText, setFiguresText] = createSignal((base().figures ?? []).join(", "));
  const [workers, setWorkers] = createSignal(defaultPoolSize());
  const [running, setRunning] = createSignal(false);
  const [done, setDone] = createSignal(0);
  const [total, setTotal] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal("");
  const [results, setResults] = createSignal<ExperimentResults | null>(null);
  const [code, setCode] = createSignal<{ code: string; file: string; spec: ExperimentSpec } | null>(null);
  let handle: SweepHandle | null = null;

  const pick = (id: string) => {
    setChoice(id);
    const s = base();
    setParamsText(parametersToText(s.parameters));
    setSeedsText(seedsToText(s.seeds));
    setFiguresText((s.figures ?? []).join(", "));
    setResults(null);
    setDiff(null);
    setError(null);
    setDiffA(0);
    setDiffB(1);
  };

  /** The experiment as the form says now (throws with the reason when it cannot be read). */
  const currentSpec = (): ExperimentSpec => {
    const b = base();
    const labels = Object.fromEntries(b.parameters.filter((p) => p.label).map((p) => [p.key, p.label!]));
    const figures = figuresText().split(",").map((s) => s.trim()).filter(Boolean);
    return { ...b, source: choice() === EDITOR ? props.code() : b.source!, parameters: parseParametersText(paramsText(), labels), seeds: parseSeedsText(seedsText()), ...(figures.length ? { figures } : { figures: undefined }) };
  };

  async function run() {
    setError(null);
    let spec: ExperimentSpec;
    try {
      spec = currentSpec();
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    setRunning(true);
    setResults(null);
    setDiff(null);
    const runs = expandRuns(spec);
    setDone(0);
    setTotal(runs.length);
    const t0 = performance.now();
    try {
      setStatus("compiling…");
      const file = spec.file ?? "scenario.ts";
      const compiled = await compileOnce(spec.source!, file);
      setCode({ code: compiled, file, spec });
      const pool = new ExperimentPool({ spawn, size: workers() });
      const got: RunResult[] = [];
      setStatus(`running ${runs.length} runs on ${Math.min(workers(), runs.length)} workers…`);
      handle = pool.sweep({
        code: compiled,
        file,
        runs,
        ...(spec.untilS !== undefined ? { untilS: spec.untilS } : {}),
        onResult: (r, n) => {
          got.push(r);
          setDone(n);
        },
      });
      const out = await handle.done;
      handle = null;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      setResults(buildResults(spec, out.results));
      setStatus(out.cancelled ? `cancelled after ${out.results.length} of ${runs.length} runs (${secs} s)` : `${runs.length} runs on ${Math.min(workers(), runs.length)} workers in ${secs} s`);
    } catch (e) {
      if (!isAbort(e)) setError((e as Error).message);
      setStatus("");
    } finally {
      setRunning(false);
    }
  }

  const cancel = () => handle?.cancel();

  // ---------------------------------------------------------------- counterfactual diff
  const points = createMemo(() => {
    try {
      return expandPoints({ parameters: parseParametersText(paramsText()) });
    } catch {
      return [];
    }
  });
  const [diffA, setDiffA] = createSignal(0);
  const [diffB, setDiffB] = createSignal(1);
  const [diffSeed, setDiffSeed] = createSignal(1);
  const [diff, setDiff] = createSignal<DiffResult | null>(null);
  const [diffing, setDiffing] = createSignal(false);
  let diffAbort: AbortController | null = null;

  async function runDiff() {
    setError(null);
    let spec: ExperimentSpec;
    try {
      spec = currentSpec();
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const ps = expandPoints(spec);
    const a = ps[diffA()];
    const b = ps[diffB()];
    if (!a || !b) return;
    setDiffing(true);
    setDiff(null);
    diffAbort = new AbortController();
    try {
      const file = spec.file ?? "scenario.ts";
      const compiled = code()?.spec.source === spec.source ? code()!.code : await compileOnce(spec.source!, file);
      const pool = new ExperimentPool({ spawn, size: 1 });
      setDiff(await pool.diff({ code: compiled, file, seed: diffSeed(), a: a.params, b: b.params, ...(spec.untilS !== undefined ? { untilS: spec.untilS } : {}) }, diffAbort.signal));
    } catch (e) {
      if (!isAbort(e)) setError((e as Error).message);
    } finally {
      setDiffing(false);
      diffAbort = null;
    }
  }

  const res = results;
  const name = () => fileSlug(res()?.name ?? "experiment");
  const pct = () => (total() ? Math.round((done() / total()) * 100) : 0);

  return (
    <section class="experiments" aria-label="Experiments" data-testid="experiments">
      <header class="exp-head">
        <h2>Experiments</h2>
        <label>
          Experiment
          <select aria-label="Experiment" value={choice()} onChange={(e) => pick(e.currentTarget.value)} disabled={running()}>
            <For each={BUILTIN_EXPERIMENTS}>{(b) => <option value={b.id}>{b.spec.name}</option>}</For>
            <option value={EDITOR}>the editor's scenario</option>
          </select>
        </label>
        <span class="grow" />
        <button class="btn small ghost" onClick={() => props.onClose()} aria-label="Close experiments">
          ✕
        </button>
      </header>
      <div class="exp-body">
        <div class="exp-form">
          <Show when={base().description}>
            <p class="muted exp-desc">{base().description}</p>
          </Show>
          <label class="exp-field">
            Parameters <span class="muted">(one a line: key = value, value · conf.* pins a setting, worker.* an app.worker option, the rest reaches the scenario as params)</span>
            <textarea aria-label="Parameters" rows={3} value={paramsText()} onInput={(e) => setParamsText(e.currentTarget.value)} spellcheck={false} />
          </label>
          <div class="exp-row">
            <label class="exp-field">
              Seeds
              <input aria-label="Seeds" value={seedsText()} onInput={(e) => setSeedsText(e.currentTarget.value)} />
            </label>
            <label class="exp-field">
              Workers
              <input aria-label="Parallel workers" type="number" min="1" max="16" value={workers()} onInput={(e) => setWorkers(Math.max(1, Number(e.currentTarget.value) || 1))} />
            </label>
          </div>
          <label class="exp-field">
            Figures <span class="muted">(empty: all)</span>
            <input aria-label="Figures" value={figuresText()} onInput={(e) => setFiguresText(e.currentTarget.value)} />
          </label>
          <div class="exp-actions">
            <button class="btn primary" onClick={() => void run()} disabled={running()}>
              Run experiment
            </button>
            <button class="btn" onClick={cancel} disabled={!running()}>
              Cancel
            </button>
          </div>
          <Show when={running() || done() > 0}>
            <div class="exp-progress">
              <progress aria-label="Experiment progress" max={total() || 1} value={done()} />
              <span class="mono" data-testid="exp-progress">
                {done()}/{total()} runs · {pct()}%
              </span>
            </div>
          </Show>
          <p class="muted" data-testid="exp-status">
            {status()}
          </p>
          <Show when={error()}>
            <pre class="banner error exp-error" role="alert">
              {error()}
            </pre>
          </Show>
        </div>

        <Show when={res()}>
          {(r) => (
            <div class="exp-results">
              <div class="exp-actions">
                <button class="btn small" onClick={() => download(`${name()}.csv`, summaryCsv(r()), "text/csv")}>
                  Export CSV
                </button>
                <button class="btn small ghost" onClick={() => download(`${name()}.runs.csv`, runsCsv(r()), "text/csv")}>
                  Export runs CSV
                </button>
                <button class="btn small ghost" onClick={() => download(`${name()}.json`, resultsJson(r()), "application/json")}>
                  Export JSON
                </button>
              </div>
              <div class="exp-table-wrap">
                <table class="exp-table" aria-label="Experiment results">
                  <thead>
                    <tr>
                      <For each={r().parameters}>{(p) => <th title={p.key}>{p.label ?? p.key}</th>}</For>
                      <th>runs</th>
                      <For each={r().figures}>{(f) => <th title={FIGURE_HELP[f as keyof typeof FIGURE_HELP] ?? "returned by the scenario"}>{figureLabel(f)}</th>}</For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().summary}>
                      {(s) => (
                        <tr>
                          <For each={r().parameters}>{(p) => <td class="mono">{formatValue(s.params[p.key] ?? null)}</td>}</For>
                          <td class="num" classList={{ bad: s.errors > 0 }} title={s.errors ? `${s.errors} failed` : ""}>
                            {s.runs}
                            {s.errors ? ` (${s.errors} failed)` : ""}
                          </td>
                          <For each={r().figures}>
                            {(f) => {
                              const x = s.figures[f];
                              return (
                                <td class="num" title={x && x.n ? `n=${x.n} mean=${formatNumber(x.mean)} sd=${formatNumber(x.sd)} min=${formatNumber(x.min)} max=${formatNumber(x.max)}` : "no data"}>
                                  {formatSpread(x)}
                                </td>
                              );
                            }}
                          </For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={r().runs.some((x) => x.error)}>
                <ul class="exp-errors">
                  <For each={r().runs.filter((x) => x.error).slice(0, 10)}>
                    {(x) => (
                      <li>
                        {describeParams(x.params)} seed {x.seed}: {x.error}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <div class="exp-plots">
                <For each={r().figures}>{(f) => <ExperimentChart model={plotModel(r(), f)} />}</For>
              </div>
            </div>
          )}
        </Show>

        <div class="exp-diff-form">
          <h3>Counterfactual diff</h3>
          <p class="muted">The same seed run twice, with one point's settings and then another's: what changes, and where the runs part.</p>
          <div class="exp-row">
            <label class="exp-field">
              A
              <select aria-label="Diff A" value={diffA()} onChange={(e) => setDiffA(Number(e.currentTarget.value))}>
                <For each={points()}>
                  {(p) => (
                    <option value={p.index} selected={p.index === diffA()}>
                      {describeParams(p.params)}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label class="exp-field">
              B
              <select aria-label="Diff B" value={diffB()} onChange={(e) => setDiffB(Number(e.currentTarget.value))}>
                <For each={points()}>
                  {(p) => (
                    <option value={p.index} selected={p.index === diffB()}>
                      {describeParams(p.params)}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label class="exp-field">
              Seed
              <input aria-label="Diff seed" type="number" value={diffSeed()} onInput={(e) => setDiffSeed(Number(e.currentTarget.value) || 0)} />
            </label>
            <button class="btn" onClick={() => void runDiff()} disabled={diffing()}>
              {diffing() ? "Comparing…" : "Compare"}
            </button>
            <Show when={diffing()}>
              <button class="btn small ghost" onClick={() => diffAbort?.abort()}>
                Cancel
              </button>
            </Show>
          </div>
          <Show when={diff()}>{(d) => <DiffView diff={d()} />}</Show>
        </div>
      </div>
    </section>
  );
}
