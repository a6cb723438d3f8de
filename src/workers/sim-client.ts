/**
 * The UI's handle on the simulation worker: a WorkerBridge with the 2 s watchdog, fed by the side
 * channel that says which learner code runs, so a hang report can name the task.
 *
 * Every load and every replay (seek) gets a fresh worker in the sandbox frame (sandbox.ts): a new
 * realm, so what one run does to globals, prototypes or timers cannot reach the next, and a worker
 * still busy with a finished run's leftovers is gone (and never blamed for the next run's time).
 * A spare is started after each load, so the next run does not wait for a worker to start.
 */
import { WorkerBridge, type CallOptions, type WorkerLike } from "./bridge";
import { HangError, isAliveMessage, isEnterMessage, isLimitMessage, PYTHON_BOOT_WATCHDOG_MS, WATCHDOG_MS, type LabRunData, type LoadRequest, type RunInputs, type SimApi } from "./protocol";
import { SandboxedWorker } from "./sandbox";
import { unpackFrame } from "./frame-wire";
import type { PyodideAssets } from "./python/boot";

/**
 * A client for Python scenarios: each of its workers boots Pyodide (python.worker.ts) from the files
 * `assets` gives, before its first load, under the boot's own watchdog budget; `onBoot` hears when a
 * boot starts and ends (the page says "Loading Python…"). As for TypeScript, every run, replay and
 * grading run gets a fresh worker: the first boot of the page gives back a snapshot of Pyodide's
 * memory as it booted, and the later workers boot from it (a fraction of a full boot).
 */
export interface PythonBoot {
  assets: () => Promise<PyodideAssets>;
  onBoot?: (state: "loading" | "ready" | "failed") => void;
}

export class SimClient {
  private lastLabel: string | null = null;
  private readonly bridge: WorkerBridge<SimApi>;
  /** The last load, with the run inputs `configure` set since: what a seek replays. */
  private loaded: LoadRequest | null = null;
  /** Whether the current worker has run anything (a new one is only needed then). */
  private used = false;
  /**
   * `?maxTraceEvents=N` in the page's address lowers the trace-event limit of its runs (the worker
   * takes the smaller of it and PAGE_LIMITS): for tests, and for a course that wants small runs.
   */
  private readonly maxTraceEvents = positiveInt(new URLSearchParams(globalThis.location?.search ?? "").get("maxTraceEvents"));
  /** The resource limit the current run reached, if any (said by the worker before it is stopped). */
  private limit: string | null = null;

  constructor(
    onHang: (e: HangError) => void,
    private readonly watchdogMs = WATCHDOG_MS,
    private readonly spawn: () => WorkerLike = () => new SandboxedWorker("sim", "simulation"),
    private readonly python: PythonBoot | null = null,
  ) {
    this.bridge = new WorkerBridge<SimApi>({
      spawn,
      watchdogMs,
      watchFromFirstMessage: true,
      rpcEnvelope: true,
      onSideMessage: (d) => {
        if (isEnterMessage(d)) this.lastLabel = d.label;
        else if (isAliveMessage(d)) this.bridge.keepAlive();
        else if (isLimitMessage(d)) this.limit = d.message;
      },
      blame: () => this.lastLabel,
      onHang: (e) => {
        // The bridge started a new worker: it has run nothing.
        this.used = false;
        // Killed after a resource limit was reached: the limit is the reason, not a loop.
        const limit = this.limit;
        this.limit = null;
        onHang(limit ? new HangError(e.label, limit) : e);
      },
    });
  }

  /** A worker that has run nothing, for the next load or replay. */
  private freshWorker(): void {
    if (this.used) this.bridge.renew();
    else this.bridge.supersedeAll();
    this.used = true;
    this.lastLabel = null;
    this.limit = null;
  }

  start(): void {
    this.bridge.start();
  }

  /** Which of the bridge's workers booted Pyodide (`spawned` counts them). */
  private bootedWorker = 0;
  /** Pyodide's memory as the page's first Python worker booted (before any learner code). */
  private pySnapshot: ArrayBuffer | null = null;

  /** Boot Pyodide in the bridge's current worker unless it has been (Python clients only). */
  private async booted(bridge: WorkerBridge<SimApi>, isBooted: () => boolean, setBooted: () => void, opts?: CallOptions): Promise<void> {
    if (!this.python) return;
    bridge.start();
    if (isBooted()) return;
    this.python.onBoot?.("loading");
    try {
      const assets = await this.python.assets();
      const snapshot = this.pySnapshot;
      const out = await bridge.call("bootPython", [snapshot ? { ...assets, snapshot } : assets], { ...opts, key: "boot", watchdogMs: PYTHON_BOOT_WATCHDOG_MS });
      if (out.snapshot && !this.pySnapshot) this.pySnapshot = out.snapshot;
      this.lastBootMs = out.bootMs;
      setBooted();
      this.python.onBoot?.("ready");
    } catch (e) {
      this.python.onBoot?.("failed");
      throw e;
    }
  }

  private bootMain(opts?: CallOptions): Promise<void> {
    return this.booted(this.bridge, () => this.bootedWorker === this.bridge.spawned, () => (this.bootedWorker = this.bridge.spawned), opts);
  }

  /**
   * The next worker, started now so a run does not wait for its script. A Python spare is not booted
   * ahead: a spare booted from the snapshot in the background hung the run that took it (seen in
   * e2e/python-isolation.spec.ts on a quiet machine; cause not found), so each Python run boots its
   * worker from the snapshot when it starts (1.4–5 s).
   */
  private prepareSpare(): void {
    this.bridge.prepareSpare();
  }

  /** How long the last Python boot took in its worker (ms), for tests and the bench. */
  lastBootMs: number | null = null;

  /** Whether Python is booted in the current worker (always true for TypeScript). */
  get ready(): boolean {
    return !this.python || this.bootedWorker === this.bridge.spawned;
  }

  get workersStarted(): number {
    return this.bridge.spawned;
  }

  /** Load a fresh session in a fresh worker; answers to anything asked before are dropped. */
  async load(req: LoadRequest, opts?: CallOptions): ReturnType<SimApi["load"]> {
    this.freshWorker();
    if (this.maxTraceEvents !== undefined) req = { ...req, maxTraceEvents: this.maxTraceEvents };
    this.loaded = req;
    try {
      await this.bootMain(opts);
      const res = await this.bridge.call("load", [req], { key: "load", ...opts });
      return res.ok ? { ...res, frame: unpackFrame(res.frame) } : res;
    } finally {
      this.prepareSpare();
    }
  }

  /**
   * A pull. Pulls are latest-wins (a step or a new pull drops the answer to the last), except those
   * `afterLastFrame`: a page at max speed keeps two of them in flight, and wants both answers.
   */
  advance(req: Parameters<SimApi["advance"]>[0], opts?: CallOptions): ReturnType<SimApi["advance"]> {
    return this.bridge.call("advance", [req], { ...(req.afterLastFrame ? {} : { key: "advance" }), ...opts }).then(unpackFrame);
  }

  step(fromTrace: number, opts?: CallOptions): ReturnType<SimApi["step"]> {
    return this.bridge.call("step", [fromTrace], { key: "advance", ...opts }).then(unpackFrame);
  }

  /** Replay the last load from the seed to `req.toS`, in a fresh worker. */
  async seek(req: { toS: number; budgetMs: number; maxFrameEvents?: number }, opts?: CallOptions): ReturnType<SimApi["seek"]> {
    if (!this.loaded) throw new Error("no scenario loaded");
    this.freshWorker();
    try {
      await this.bootMain(opts);
      return unpackFrame(await this.bridge.call("seek", [{ ...req, load: this.loaded }], { key: "seek", ...opts }));
    } finally {
      this.prepareSpare();
    }
  }

  report(opts?: CallOptions): ReturnType<SimApi["report"]> {
    return this.bridge.call("report", [], { key: "report", ...opts });
  }

  taskHistory(index: number, opts?: CallOptions): ReturnType<SimApi["taskHistory"]> {
    return this.bridge.call("taskHistory", [index], { key: "history", ...opts });
  }

  labRun(opts?: CallOptions): ReturnType<SimApi["labRun"]> {
    return this.bridge.call("labRun", [], { key: "labRun", ...opts });
  }

  /**
   * The loaded code and run inputs run to their end with another seed, for grading a lab on all its
   * seeds: in a fresh sandboxed worker of its own (a realm of its own, the same watchdog), beside the
   * loaded run, which it never touches.
   */
  async gradeRun(seed: number, opts: CallOptions = {}): Promise<LabRunData> {
    if (!this.loaded) throw new Error("no scenario loaded");
    const grader = this.newGrader();
    await this.booted(grader, () => false, () => {}, opts);
    try {
      const loaded = await grader.call("load", [{ ...this.loaded, seed, maxFrameEvents: 0 }], opts);
      if (!loaded.ok) throw new Error(`${loaded.error.type}: ${loaded.error.message}`);
      // Frames from past the end of any trace carry no events: only whether the run is done.
      for (let frame = loaded.frame; !frame.done; ) frame = await grader.call("advance", [{ budgetMs: 200, fromTrace: Number.MAX_SAFE_INTEGER }], opts);
      return await grader.call("labRun", [], opts);
    } finally {
      grader.dispose();
    }
  }

  private newGrader(): WorkerBridge<SimApi> {
    let label: string | null = null;
    const grader: WorkerBridge<SimApi> = new WorkerBridge<SimApi>({
      spawn: this.spawn,
      watchdogMs: this.watchdogMs,
      watchFromFirstMessage: true,
      rpcEnvelope: true,
      onSideMessage: (d) => {
        if (isEnterMessage(d)) label = d.label;
        else if (isAliveMessage(d)) grader.keepAlive();
      },
      blame: () => label,
    });
    return grader;
  }

  /** New alert rules and commands for the loaded run: the next seek replays with them. */
  async configure(inputs: RunInputs): Promise<void> {
    if (!this.loaded) throw new Error("no scenario loaded");
    this.loaded = { ...this.loaded, alerts: inputs.alerts ?? [], commands: inputs.commands ?? [] };
  }

  metricsText(opts?: CallOptions): ReturnType<SimApi["metricsText"]> {
    return this.bridge.call("metricsText", [], { key: "metrics", ...opts });
  }

  dispose(): void {
    this.bridge.dispose();
  }
}

function positiveInt(v: string | null): number | undefined {
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}
