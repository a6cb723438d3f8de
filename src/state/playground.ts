/**
 * The playground's controller: compile → load → play, and the time controls. It owns the two
 * worker clients and exposes Solid signals the views read. The play loop pulls one frame per
 * animation frame, and never asks again before the last answer came, so a huge run cannot flood
 * the page: it just plays slower than asked.
 *
 * Learner code never reaches this thread; every failure of it (compile error, thrown error, hang)
 * arrives as data and is shown, and the editor text is never touched by any of them.
 */
import { batch, createSignal } from "solid-js";
import { compile, warmCompiler } from "../workers/compile-client";
import { isAbort, type SerializedError, type AlertRuleSpec, type ControlCommand, type Diagnostic, type Frame, type HangError, type TimedCommand } from "../workers/protocol";
import { SimClient } from "../workers/sim-client";
import { SandboxedWorker } from "../workers/sandbox";
import { WATCHDOG_MS } from "../workers/protocol";
import { pyodideAssets } from "../workers/python/assets";
import { scenarioFile, type Language } from "../lib/language";
import { pythonErrorAt } from "../lib/python-error";
import { emptyRun, foldFrameInPlace, nextCursor, type RunView } from "./run-store";
import { canTransition, isOver, nextPhase, type Phase, type PhaseEvent } from "./run-machine";
import { MAX_FRAME_EVENTS, nextFrameCap } from "./frame-cap";

/** The TypeScript scenario's file name (a Python scenario's is scenarioFile("python")). */
export const FILE = "scenario.ts";
/** Said while Pyodide boots (7-13 s here, the first time in a page). */
export const LOADING_PYTHON = "Loading Python…";
export type Speed = number | "max";
export const SPEEDS: readonly Speed[] = [0.5, 1, 2, 5, 10, 50, 100, "max"];
export type { Phase } from "./run-machine";

/** Wall-clock budget per worker call; well under the watchdog, and short enough to keep 60 fps. */
const BUDGET_MS = 24;
/** Pulls in flight at max speed (see `stream`). */
const MAX_SPEED_PULLS = 2;
/** How often the views are redrawn while a run plays (the frames themselves come every display frame). */
const VIEW_INTERVAL_MS = 100;
/** When to start esbuild-wasm if nothing else started it first (an edit, the end of a run). */
const WARM_AFTER_MS = 2500;

export function createPlayground(initialCode: string, initial: { seed?: number; speed?: Speed; untilS?: number; language?: Language } = {}) {
  const [code, setCode] = createSignal(initialCode);
  /** The language of `code` (the editor's text); the App swaps the text when it changes. */
  const [language, setLanguage] = createSignal<Language>(initial.language ?? "typescript");
  /** Code run instead of the editor's (the graph designer's Execute), while the editor still holds `base`. */
  const [override, setOverride] = createSignal<{ base: string; src: string } | null>(null);
  const frameListeners = new Set<(frame: Frame, fromTrace: number, fresh: boolean) => void>();
  /** Alert rules and page commands: part of the run, sent with every load and replayed on seek/reset. */
  const [alertRules, setAlertRulesSignal] = createSignal<AlertRuleSpec[]>([]);
  const [commands, setCommands] = createSignal<TimedCommand[]>([]);
  const [seed, setSeedSignal] = createSignal(initial.seed ?? 42);
  const [speed, setSpeed] = createSignal<Speed>(initial.speed ?? 5);
  const [phase, setPhaseSignal] = createSignal<Phase>("idle");
  /** The one place the phase changes: each change is a row of run-machine.ts's transition table. */
  const go = (event: PhaseEvent) => setPhaseSignal(nextPhase(phase(), event));
  const [run, setRun] = createSignal<RunView>(emptyRun(), { equals: false });
  const [diagnostics, setDiagnostics] = createSignal<Diagnostic[]>([]);
  const [message, setMessage] = createSignal<{ kind: "info" | "error"; text: string } | null>(null);
  /** The last Run's compile: how long it took as the page saw it, and whether the cache answered. */
  const [lastCompile, setLastCompile] = createSignal<{ ms: number; cached: boolean; workerMs?: number } | null>(null);
  /** The playhead: simulated time played to, which runs ahead of the last event during quiet gaps. */
  const [timeS, setPlayheadS] = createSignal(0);
  /**
   * The playhead as the page draws it (scrubber, clock, chart cursor): `timeS` itself moves every
   * display frame while a run plays, this one with the views (every VIEW_INTERVAL_MS), so a playing
   * run does not repaint the top bar 60 times a second.
   */
  const [shownTimeS, setShownTimeS] = createSignal(0);
  const setTimeS = (t: number) => {
    setPlayheadS(t);
    if (phase() !== "running") setShownTimeS(t);
  };
  /** The furthest simulated time reached for the loaded code and seed (the scrubber's range). */
  const [horizonS, setHorizonS] = createSignal(0);

  let loadedKey: string | null = null;
  /** Counts loads of other code or another seed (not seeks or resets): a view's choices about the old run end there. */
  const [runGeneration, setRunGeneration] = createSignal(0);
  let generationKey: string | null = null;
  let raf = 0;
  let lastWall = 0;
  let busy = false;
  let token = 0; // bumps on every command, so a command's stale continuation stops itself

  const tsSim = new SimClient(onHang);
  tsSim.start();
  /**
   * Python's client, made when a Python scenario first runs: only then are Pyodide's files fetched
   * and its worker (a lazy chunk) started. Its boot says "Loading Python…" until Pyodide is up.
   */
  let pySim: SimClient | null = null;
  const pythonClient = (): SimClient =>
    (pySim ??= new SimClient(onHang, WATCHDOG_MS, () => new SandboxedWorker("python", "python"), {
      assets: pyodideAssets,
      onBoot: (state) => {
        if (state === "loading") setMessage({ kind: "info", text: LOADING_PYTHON });
        else if (message()?.text === LOADING_PYTHON) setMessage(null);
      },
    }));
  /** The client of the loaded run (every call after a load goes to it). */
  let sim = tsSim;
  // esbuild-wasm takes ~1.5 s of CPU to start. The shipped scenarios need none of it (they come
  // precompiled), so it starts once the learner edits, after the first run, or after a short
  // while, instead of slowing the first run of the page's example on a 2-core machine.
  let warmed = false;
  const warm = () => {
    if (warmed) return;
    warmed = true;
    clearTimeout(warmTimer);
    warmCompiler().catch(() => {});
  };
  const warmTimer = setTimeout(warm, WARM_AFTER_MS);

  function onHang(e: HangError): void {
    stopLoop();
    loadedKey = null;
    batch(() => {
      go("hang");
      setMessage({ kind: "error", text: e.message });
    });
  }

  function fail(e: unknown): void {
    if (isAbort(e) || (e as Error)?.name === "HangError") return;
    stopLoop();
    batch(() => {
      go("fail");
      setMessage({ kind: "error", text: `Internal error: ${(e as Error)?.message ?? String(e)}` });
    });
    console.error(e);
  }

  /**
   * The newest folded run. Views see it through `run()`, which is published at most every
   * VIEW_INTERVAL_MS while a run plays (and at once on a new run, a seek, a pause or the end): the
   * frames still come at display rate, but the DOM is not rebuilt 60 times a second.
   */
  let latest = emptyRun();
  let lastPublish = 0;
  let publishTimer: ReturnType<typeof setTimeout> | undefined;

  function publish(): void {
    clearTimeout(publishTimer);
    publishTimer = undefined;
    lastPublish = performance.now();
    batch(() => {
      setRun(latest);
      setShownTimeS(timeS());
      // The scrubber's range: the furthest time reached (a seek back keeps it), the end once done.
      if (latest.done || latest.nowS > horizonS()) setHorizonS(latest.nowS);
    });
  }

  /** The frame cap for the next pull (frame-cap.ts): smaller while the page folds frames slowly. */
  let frameCap = MAX_FRAME_EVENTS;

  function fold(frame: Frame, from: number, fresh = false): void {
    const v = (latest = foldFrameInPlace(fresh ? emptyRun() : latest, frame, from));
    if (v.nowS > timeS() || fresh || v.done) setTimeS(v.nowS);
    if (fresh || v.done || (phase() !== "running" && phase() !== "seeking")) publish();
    // Due: redraw in a task of its own, so this frame's message and the views' DOM updates are two
    // short tasks rather than one long one.
    else if (performance.now() - lastPublish >= VIEW_INTERVAL_MS) {
      clearTimeout(publishTimer);
      publishTimer = setTimeout(publish, 0);
    }
    // A quiet spell after this frame must still show it.
    else publishTimer ??= setTimeout(publish, VIEW_INTERVAL_MS);
    // Listeners see whole task views (a frame's patches merged), as the run-store does.
    const whole = frame.taskPatches?.length ? { ...frame, tasks: v.changed, taskPatches: [] } : frame;
    for (const l of frameListeners) l(whole, from, fresh);
  }

  /** What a run compiles: the override while the editor text is unchanged since it was set, else the editor's code. */
  function runSource(): string {
    const o = override();
    if (o && o.base !== code()) setOverride(null);
    return override()?.src ?? code();
  }

  /** Python is not compiled: its text goes to the Python worker as it is (CPython compiles it there). */
  async function pythonLoad(src: string): Promise<{ code: string; file: string } | null> {
    go("compile");
    setMessage(null);
    setDiagnostics([]);
    go("compiled");
    return { code: src, file: scenarioFile("python") };
  }

  /** The TypeScript scenario compiled (esbuild-wasm), or null when it did not compile (its errors are shown). */
  async function typescriptLoad(src: string, t: number): Promise<{ code: string; file: string } | null> {
    // Ask first, then redraw: the compile worker starts while the page updates.
    const compiling = compile(src, FILE, "run");
    go("compile");
    setMessage(null);
    const out = await compiling;
    if (t !== token) return null;
    setLastCompile({ ms: out.compileMs, cached: out.cached, ...(out.workerMs !== undefined ? { workerMs: out.workerMs } : {}) });
    if (!out.ok) {
      batch(() => {
        setDiagnostics(out.diagnostics);
        go("rejected");
        const d = out.diagnostics[0]!;
        setMessage({ kind: "error", text: `${d.file}:${d.line}:${d.column}: ${d.message}` });
      });
      return null;
    }
    setDiagnostics(out.warnings);
    go("compiled");
    return { code: out.code, file: FILE };
  }

  /** A Python error (its traceback) as a marker in the editor at its line and column. */
  function showPythonError(error: SerializedError | null | undefined, src: string): void {
    if (!error || language() !== "python") return;
    const at = pythonErrorAt(error.traceback, src, scenarioFile("python"));
    if (!at) return;
    const lineText = src.split("\n")[at.line - 1] ?? "";
    setDiagnostics([{ file: scenarioFile("python"), line: at.line, column: at.column, length: Math.max(1, lineText.length - at.column + 1), severity: "error", message: `${error.type}: ${error.message}`, lineText }]);
  }

  /** Compile and load unless the loaded session is already this code, language and seed. */
  async function ensureLoaded(force: boolean, t: number): Promise<boolean> {
    const src = runSource();
    // The override (the graph designer's Execute) is TypeScript whatever the editor's language.
    const lang = override() ? "typescript" : language();
    const key = `${lang}\u0000${seed()}\u0000${src}`;
    if (!force && key === loadedKey) return true;
    const out = lang === "python" ? await pythonLoad(src) : await typescriptLoad(src, t);
    if (!out || t !== token) return false;
    sim = lang === "python" ? pythonClient() : tsSim;
    const res = await sim.load({ code: out.code, seed: seed(), file: out.file, ...(initial.untilS !== undefined ? { untilS: initial.untilS } : {}), alerts: alertRules(), commands: commands(), maxFrameEvents: MAX_FRAME_EVENTS });
    if (t !== token) return false;
    if (!res.ok) {
      batch(() => {
        go("rejected");
        setMessage({ kind: "error", text: `${res.error.type}: ${res.error.message}` });
        showPythonError(res.error, src);
      });
      return false;
    }
    if (key !== loadedKey) setHorizonS(0);
    // Not loadedKey: a respawned worker forgets it, but the same code and seed make the same tasks.
    if (key !== generationKey) {
      generationKey = key;
      setRunGeneration((g) => g + 1);
    }
    loadedKey = key;
    fold(res.frame, 0, true);
    setTimeS(0);
    return true;
  }

  function stopLoop(): void {
    cancelAnimationFrame(raf);
    raf = 0;
  }

  function tick(now: number): void {
    raf = requestAnimationFrame(tick);
    pull(now);
  }

  function pull(now: number): void {
    if (busy) return;
    const dtS = Math.min(0.1, Math.max(0, (now - lastWall) / 1000));
    lastWall = now;
    const sp = speed();
    busy = true;
    if (sp === "max") stream(latest.cursor, token);
    else request(latest.cursor, timeS() + sp * dtS, token);
  }

  /** One pull of a frame from trace index `from`, up to simulated time `target` (a playing speed). */
  function request(from: number, target: number, t: number): void {
    const started = performance.now();
    sim
      .advance({ toS: target, budgetMs: BUDGET_MS, fromTrace: from, maxFrameEvents: frameCap })
      .then((frame) => {
        if (t !== token) return;
        foldTimed(frame, from);
        // Ran out of budget before reaching the target: the sim cannot keep up, so the playhead
        // waits for it instead of running away from the events.
        setTimeS(performance.now() - started >= BUDGET_MS ? frame.nowS : Math.max(frame.nowS, target));
        if (frame.done && !frame.truncated) finish();
      })
      .catch(fail)
      .finally(() => {
        if (t === token) busy = false;
      });
  }

  /**
   * Max speed: pulls back to back, MAX_SPEED_PULLS of them in flight, each after the frame before it
   * (`afterLastFrame`), so the worker simulates and builds the next frame while this one is on its way
   * and the page folds the one before (with one pull in flight, each waited for the other: a
   * 100k-task burst's ~800 frames left both threads ~40% idle). The worker answers in the order
   * asked, so frames are folded in order; the chain ends when the run ends, pauses or restarts, or
   * the speed changes (the pulls in flight are still folded).
   */
  function stream(from: number, t: number): void {
    let next = from;
    let inFlight = 0;
    let chaining = true;
    let ended = false;
    const send = (first: boolean): void => {
      inFlight++;
      sim
        .advance({ budgetMs: BUDGET_MS, fromTrace: next, maxFrameEvents: frameCap, ...(first ? {} : { afterLastFrame: true }) })
        .then((frame) => {
          if (t !== token || ended) return;
          const at = next;
          next = nextCursor(at, frame);
          ended = frame.done && !frame.truncated;
          if (ended || !raf || speed() !== "max") chaining = false;
          else send(false);
          foldTimed(frame, at);
          if (ended) finish();
        })
        .catch((e) => {
          chaining = false;
          fail(e);
        })
        .finally(() => {
          if (--inFlight === 0 && !chaining && t === token) busy = false;
        });
    };
    for (let k = 0; k < MAX_SPEED_PULLS; k++) send(k === 0);
  }

  /** Fold a pulled frame, and size the next pull by how long that took (frame-cap.ts). */
  function foldTimed(frame: Frame, from: number): void {
    const f0 = performance.now();
    fold(frame, from);
    frameCap = nextFrameCap(frameCap, performance.now() - f0, frame.events.length);
  }

  function finish(): void {
    stopLoop();
    warm();
    publish();
    const v = run();
    batch(() => {
      go(v.endReason === "error" ? "finish-error" : "finish");
      if (v.error) setMessage({ kind: "error", text: `${v.error.type}: ${v.error.message}` });
      if (v.error) showPythonError(v.error, runSource());
      else setMessage({ kind: "info", text: v.endMessage || "Run finished" });
    });
  }

  function startLoop(): void {
    stopLoop();
    go("play");
    lastWall = performance.now();
    raf = requestAnimationFrame(tick);
  }

  /** Run: resume a paused run of this code and seed, else compile and start afresh. */
  async function play(fresh = false): Promise<void> {
    const t = ++token;
    stopLoop();
    busy = false;
    try {
      // A replay under way ends at its next answer (the token moved): play on from where it got to,
      // in the worker it replayed in, once its frame is folded.
      if (seeking) await seekRun;
      if (t !== token) return;
      const restart = fresh || isOver(phase());
      if (!(await ensureLoaded(restart, t))) return;
      if (t !== token) return;
      setMessage(null);
      if (latest.done) finish();
      else startLoop();
    } catch (e) {
      fail(e);
    }
  }

  function pause(): void {
    token++;
    stopLoop();
    publish();
    if (canTransition(phase(), "pause")) go("pause");
    // A compile or load cut short (the embed's load-scenario pauses): its result is dropped, so
    // nothing is loaded for this code; without this the phase stayed "compiling" and Run stayed off.
    else if (canTransition(phase(), "cancel")) go("cancel");
  }

  async function step(): Promise<void> {
    const t = ++token;
    stopLoop();
    try {
      if (seeking) await seekRun;
      if (t !== token) return;
      // As Run does: a run that is over starts again.
      if (!(await ensureLoaded(isOver(phase()), t))) return;
      if (latest.done) return finish();
      const from = latest.cursor;
      const frame = await sim.step(from);
      if (t !== token) return;
      fold(frame, from);
      setTimeS(frame.nowS);
      if (frame.done) finish();
      else go("ready");
    } catch (e) {
      fail(e);
    }
  }

  /** Back to time 0 of the same code and seed, paused. */
  async function reset(): Promise<void> {
    const t = ++token;
    stopLoop();
    try {
      if (await ensureLoaded(true, t)) {
        go("ready");
        setMessage(null);
      }
    } catch (e) {
      fail(e);
    }
  }

  let seekTarget: number | null = null;
  let seeking = false;
  let seekRun: Promise<void> = Promise.resolve();

  /** Replay from the seed to `toS`. Rapid scrubbing coalesces: only the newest target is run. */
  function seek(toS: number): void {
    seekTarget = toS;
    setTimeS(toS);
    setShownTimeS(toS);
    if (seeking) {
      // The replay under way picks the new target up; while it compiles or loads, its phase stays.
      if (phase() !== "compiling" && phase() !== "loading") go("seek");
      return;
    }
    // Set at once, so anything watching sees the seek start with the input event.
    go("seek");
    seekRun = drainSeeks();
  }

  async function drainSeeks(): Promise<void> {
    seeking = true;
    const t = ++token;
    stopLoop();
    try {
      if (!(await ensureLoaded(phase() === "stopped", t))) return;
      while (seekTarget !== null && t === token) {
        const toS = seekTarget;
        seekTarget = null;
        go("seek");
        let frame = await sim.seek({ toS, budgetMs: 200, maxFrameEvents: 50_000 });
        fold(frame, 0, true);
        // A long replay comes in budgeted slices, so the watchdog only ever sees short calls.
        while (t === token && seekTarget === null && !frame.done && (frame.nowS < toS || frame.truncated)) {
          const from = latest.cursor;
          frame = await sim.advance({ toS, budgetMs: 200, fromTrace: from, maxFrameEvents: 50_000 });
          fold(frame, from);
        }
        setTimeS(frame.done ? frame.nowS : toS);
      }
      if (t === token) {
        if (latest.done) finish();
        else {
          publish();
          go("ready");
        }
      }
    } catch (e) {
      fail(e);
    } finally {
      seeking = false;
    }
  }

  function setSeed(s: number): void {
    if (Number.isFinite(s)) setSeedSignal(Math.trunc(s));
  }

  /** Lint as you type: compile errors become editor markers (latest edit wins). */
  async function lint(): Promise<void> {
    // Python's syntax is linted in the editor itself (its parser); run errors stay until the next run.
    if (language() === "python") return;
    try {
      const out = await compile(code(), FILE, "lint");
      setDiagnostics(out.ok ? out.warnings : out.diagnostics);
    } catch (e) {
      if (!isAbort(e)) console.warn(e);
    }
  }

  /**
   * New alert rules or commands: replay the loaded run from the seed to the playhead with them (the
   * same path a seek takes, so live and replayed runs are the same run), then go on if it was playing.
   */
  async function replayInputs(): Promise<void> {
    if (loadedKey === null) return;
    const wasPlaying = phase() === "running" || phase() === "done";
    try {
      await sim.configure({ alerts: alertRules(), commands: commands() });
    } catch (e) {
      return fail(e);
    }
    seek(timeS());
    await seekRun;
    if (wasPlaying && phase() === "paused") await play();
  }

  /** A control action (Flower's buttons) applied at the playhead's simulated time. */
  function command(cmd: ControlCommand): Promise<void> {
    setCommands([...commands(), { atS: timeS(), cmd }]);
    return replayInputs();
  }

  async function taskHistory(index: number) {
    return sim.taskHistory(index);
  }

  return {
    code,
    language,
    /** Switch the language of the editor's text (the App puts that language's text in with setCode). */
    setLanguage: (l: Language) => {
      if (l === language()) return;
      pause();
      batch(() => {
        setLanguage(l);
        setDiagnostics([]);
      });
    },
    runGeneration,
    setCode: (text: string) => {
      setCode(text);
      warm();
    },
    seed, setSeed, speed, setSpeed, phase, run, diagnostics, message, timeS, shownTimeS, horizonS, lastCompile,
    play, pause, step, reset, seek, lint, taskHistory,
    /** Start esbuild-wasm now if nothing has yet (the editor got focus: an edit is coming). */
    warmCompiler: warm,
    alertRules, commands, command,
    setAlertRules: (rules: AlertRuleSpec[]) => {
      setAlertRulesSignal(rules);
      return replayInputs();
    },
    clearCommands: () => {
      setCommands([]);
      return replayInputs();
    },
    /** Flower's /metrics at the loaded run's current simulated time. */
    metricsText: () => sim.metricsText(),
    /** The loaded run's report and trace, for grading a lab (call once the run is done). */
    labRun: () => sim.labRun(),
    /** The loaded code run to its end with another seed (beside the loaded run), for grading a lab on all its seeds. */
    gradeRun: (seed: number) => sim.gradeRun(seed),
    /** Every folded frame (`fresh`: a new run or a seek replay starts here), for views that keep their own model. */
    onFrame: (fn: (frame: Frame, fromTrace: number, fresh: boolean) => void) => {
      frameListeners.add(fn);
      return () => void frameListeners.delete(fn);
    },
    /** Run `src` instead of the editor's code (until the code is edited or `clearOverride`); the editor text is untouched. */
    runCode: (src: string) => {
      setOverride({ base: code(), src });
      return play(true);
    },
    overriding: () => override() !== null && override()!.base === code(),
    clearOverride: () => setOverride(null),
    dispose: () => {
      stopLoop();
      clearTimeout(warmTimer);
      clearTimeout(publishTimer);
      tsSim.dispose();
      pySim?.dispose();
    },
  };
}

export type Playground = ReturnType<typeof createPlayground>;
