/**
 * A scenario loaded into a fresh world, played event by event. Same code + same seed = the same
 * trace, in Node and in every browser.
 */
import { ExecContext, Sim, type EndReason, type Host, type LateFlow } from "./sim";
import { World } from "../celery/world";
import { createCeleryModule } from "../celery/api";
import { makeScenarioGlobals } from "./globals";
import { celeryEvents, plain, queueViews, serializeError, taskPatch, taskView, workerViews } from "./report";
import { reportHead, reportTail } from "./report-stream";
import { StateCounts } from "./state-counts";
import type { Frame, LogLine, Report, SerializedError, Session, SessionOptions, TaskPatch, TaskView } from "./types";
import { eventsOf, traceKindCode, type TraceEvent } from "../kernel/trace";
import { FlowerMetrics } from "../world/metrics/flower";
import { runCommand, type ControlCommand } from "./commands";
import { inlineSourceMap, learnerFrames } from "./sourcemap";
import { READY_STATES } from "../celery/states";
import { ProcessImage } from "../celery/process";
import type { CeleryApp } from "../celery/app";
import { reprError } from "../celery/errors";

export const DEFAULT_UNTIL_S = 3600;
const MAX_EVENTS_AT_ONE_INSTANT = 20_000_000;

/**
 * A scenario that is not compiled JavaScript (the Python front, sim/python): run once per process
 * as a compiled module is, with that process's `require("celery")`, its module object and the
 * simulation's globals.
 */
export type ModuleProgram = ((require: (name: string) => unknown, module: { exports: Record<string, unknown> }, globals: ReturnType<typeof makeScenarioGlobals>, runtime: ProgramRuntime) => void) & {
  /**
   * Host macrotask turns a woken context may take to wait again or end (Sim.resumeTurns); set by a
   * program whose code resumes through its runtime's own scheduling (Python under JSPI).
   */
  resumeTurns?: number;
  /** Code entered from inside other code starts in a later host turn (Sim.nestedStartsLate). */
  nestedStartsLate?: boolean;
};


/** What the simulator offers a program's runtime beyond the learner's API. */
export interface ProgramRuntime {
  /** Sim.hold: the running context has a flow about to start; the flush waits for it until released. */
  hold(): () => void;
  /** Sim.lateFlow: a flow of the running context's code that starts on a later host turn. */
  flow(): LateFlow;
}

const LOG_KIND = traceKindCode("log");

class ScenarioSession implements Session {
  readonly sim: Sim;
  readonly world: World;
  private mainSettled = false;
  private mainStarted = false;
  returned: unknown = null;
  error: SerializedError | null = null;
  endReason: EndReason = "running";
  endMessage = "";
  untilS: number;
  private exports: Record<string, unknown> = {};

  constructor(
    code: string,
    readonly opts: SessionOptions & { host: Host; program?: ModuleProgram },
  ) {
    this.sim = new Sim(opts.seed, opts.host);
    if (opts.program?.resumeTurns) this.sim.resumeTurns = opts.program.resumeTurns;
    if (opts.program?.nestedStartsLate) this.sim.nestedStartsLate = true;
    this.world = new World(this.sim);
    if (opts.costs) this.world.costs.mode = opts.costs;
    this.untilS = opts.untilS ?? DEFAULT_UNTIL_S;
    this.load(code);
  }

  get seed(): number {
    return this.opts.seed;
  }
  get nowS(): number {
    return this.sim.nowS;
  }
  get done(): boolean {
    return this.endReason !== "running";
  }
  get traceLength(): number {
    return this.sim.trace.length;
  }
  get eventsFired(): number {
    return this.sim.sched.fired;
  }

  /**
   * Run the compiled module once, as one process imports it: its own `"celery"` module and exports,
   * the simulation's globals as parameters (they shadow the host's inside it). Throws what its top
   * level throws. The client's import and every worker process's go through here.
   */
  private evaluate(fn: Function, g: ReturnType<typeof makeScenarioGlobals>, label: string): Record<string, unknown> {
    const celery = createCeleryModule(this.world);
    const module = { exports: {} as Record<string, unknown> };
    const require = (name: string) => {
      if (name === "celery") return celery;
      throw new Error(`Cannot find module '${name}': a scenario can import only "celery"`);
    };
    this.sim.enter(new ExecContext("module", label), () => fn(require, module, module.exports, g.Math, g.Date, g.setTimeout, g.setInterval, g.clearTimeout, g.clearInterval, g.console, g.performance));
    return module.exports;
  }

  private load(code: string): void {
    const g = makeScenarioGlobals(this.sim, this.world);
    const map = inlineSourceMap(code);
    const file = this.opts.file ?? "scenario.ts";
    this.world.formatFrames = (stack) => learnerFrames(stack, map, file);
    let fn: Function;
    try {
      // The learner's compiled module, compiled once; each process runs it (evaluate).
      const program = this.opts.program;
      fn = program ? (require: (name: string) => unknown, module: { exports: Record<string, unknown> }) => program(require, module, g, { hold: () => this.sim.hold(), flow: () => this.sim.lateFlow() }) : new Function("require", "module", "exports", "Math", "Date", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "console", "performance", code);
      this.exports = this.evaluate(fn, g, "module top level");
    } catch (e) {
      this.fail(e, "the scenario's top level threw");
      return;
    }
    if (!this.opts.oneProcess) {
      this.world.loadProcess = (label) => this.loadProcess(fn, g, label);
      // What main() changes in app.conf from here on stays in the client (CeleryApp._sealImportedConf).
      for (const app of this.world.apps) app._sealImportedConf();
    }
    const until = this.exports.until;
    if (this.opts.untilS === undefined && typeof until === "number" && until > 0) this.untilS = until;
    const main = this.exports.default;
    const mainCtx = new ExecContext("main", "main");
    this.sim.sched.schedule(0, () => {
      this.mainStarted = true;
      if (typeof main !== "function") {
        this.mainSettled = true;
        return;
      }
      let out: unknown;
      try {
        out = this.sim.enter(mainCtx, () => (main as () => unknown)());
      } catch (e) {
        this.fail(e, "main() threw");
        return;
      }
      Promise.resolve(out).then(
        (v) => {
          this.returned = plain(v);
          this.mainSettled = true;
          this.sim.kill(mainCtx);
        },
        (e) => {
          this.fail(e, "main() threw");
          this.sim.kill(mainCtx);
        },
      );
    });
  }

  /**
   * The module evaluated again for one worker process (compiled once, run once per process): its
   * own module-level state, its own apps and tasks, bound to the same world. Its `main` is not run.
   */
  private loadProcess(fn: Function, g: ReturnType<typeof makeScenarioGlobals>, label: string): ProcessImage {
    const apps: CeleryApp[] = [];
    const outer = this.world.loadingProcess;
    this.world.loadingProcess = apps;
    try {
      this.evaluate(fn, g, `module top level in ${label}`);
    } catch (e) {
      // The client's import succeeded; a worker's can fail where the code depends on the process.
      this.world.log("error", `importing the module in ${label} raised ${reprError(e)}`, label);
    } finally {
      this.world.loadingProcess = outer;
    }
    return new ProcessImage(label, apps);
  }

  private fail(e: unknown, what: string): void {
    this.mainSettled = true;
    const frames = e instanceof Error ? this.world.formatFrames(e.stack ?? "") : [];
    // A Python scenario's error brings its own traceback (sim/python).
    const own = (e as { traceback?: unknown } | null)?.traceback;
    this.error = serializeError(e, typeof own === "string" ? own : frames.length ? frames.join("\n") : null);
    if (frames.length) what += ` (${frames[0]!.replace(/^at .*\((.*)\)$/, "$1")})`;
    this.endReason = "error";
    this.endMessage = `${what}: ${this.error.type}: ${this.error.message}`;
  }

  taskNames(): string[] {
    const names = new Set<string>();
    for (const app of this.world.apps) for (const n of app._registry.keys()) if (!n.startsWith("celery.")) names.add(n);
    return [...names];
  }

  private finishedNow(): boolean {
    if (this.done) return true;
    if (this.mainStarted && this.mainSettled && this.sim.sched.pendingNonDaemon === 0) {
      this.endReason = "completed";
      this.endMessage = "main() returned and nothing is left to run";
      return true;
    }
    if (this.sim.sched.peekTime() > this.untilS) {
      this.sim.sched.nowS = Math.max(this.sim.sched.nowS, this.untilS);
      this.endReason = "until";
      this.endMessage = this.mainSettled ? `stopped at until = ${this.untilS} s with work still scheduled` : `stopped at until = ${this.untilS} s; main() was still waiting${this.waitingOn()}`;
      return true;
    }
    return false;
  }

  private sameTimeS = -1;
  private sameTimeEvents = 0;

  /**
   * Events that keep coming at one instant (`while (true) await sleep(0)`) never let the clock move:
   * the run ends with an error that says so, rather than spinning forever.
   */
  private livelocked(): boolean {
    const t = this.sim.nowS;
    if (t !== this.sameTimeS) {
      this.sameTimeS = t;
      this.sameTimeEvents = this.sim.sched.fired;
      return false;
    }
    if (this.sim.sched.fired - this.sameTimeEvents < MAX_EVENTS_AT_ONE_INSTANT) return false;
    this.error = { type: "SimulationLivelock", message: `more than ${MAX_EVENTS_AT_ONE_INSTANT} events at t = ${t} s without the clock moving (a loop of sleep(0) or setTimeout(…, 0)?)`, traceback: null };
    this.endReason = "error";
    this.endMessage = `stopped: ${this.error.message}`;
    return true;
  }

  private waitingOn(): string {
    const ids = this.world.backend.waitedIds();
    if (!ids.length) return "";
    const names = ids.slice(0, 3).map((id) => {
      const rec = this.world.tasks.get(id);
      return rec ? `${rec.name}[${id}] (${rec.state}${rec.lostReason ? `, lost: ${rec.lostReason}` : ""})` : id;
    });
    return ` on the result of ${names.join(", ")}`;
  }

  async advance(o: { toS?: number; maxEvents?: number; shouldYield?: () => boolean } = {}): Promise<void> {
    const toS = o.toS ?? Infinity;
    const maxEvents = o.maxEvents ?? Infinity;
    let n = 0;
    while (true) {
      // About to stop at `until` with main unsettled: main may have resumed from a plain promise a
      // synchronous hook settled (an `app.events.on` handler), in microtasks after the last event's
      // step, and be about to return or schedule more. Let them run before deciding (once per call).
      if (this.mainStarted && !this.mainSettled && !this.done && this.sim.sched.peekTime() > this.untilS) await this.sim.host.yieldMacrotask();
      if (this.finishedNow()) break;
      if (this.livelocked()) return;
      if (this.sim.sched.peekTime() > toS) {
        if (toS > this.sim.nowS && toS <= this.untilS) this.sim.sched.nowS = toS;
        return;
      }
      if (n >= maxEvents) return;
      // As `await this.sim.stepOne()` without its promise: the same microtask turns (one after an
      // event that woke nothing, one more after a flush), so what other promises do in between
      // is unchanged (a lab's handlers depend on it: same-output).
      if (this.sim.stepSync().mustFlush) await this.sim.flush();
      await null;
      n++;
      if ((n & 255) === 0 && o.shouldYield?.()) return;
    }
  }

  async step(): Promise<void> {
    if (!this.finishedNow() && !this.livelocked()) await this.sim.stepOne();
    this.finishedNow();
  }

  /**
   * Everything new in trace [fromTrace, fromTrace + maxEvents): the events, the tasks they touch (as
   * they are now) and the log lines among them. No state is kept between calls: asking twice for
   * the same range gives the same frame, and two views can read side by side.
   */
  /** By task index: the trace index of the first event about it (filled as the trace grows). */
  private readonly firstEvent: number[] = [];
  private firstEventScanned = 0;
  private readonly stateCounts = new StateCounts();

  private scanFirstEvents(): void {
    const tr = this.sim.trace;
    for (let i = this.firstEventScanned; i < tr.length; i++) {
      const t = tr.taskAt(i);
      if (t >= 0 && this.firstEvent[t] === undefined) this.firstEvent[t] = i;
    }
    this.firstEventScanned = tr.length;
  }

  /** See Session.frame; `columns`: the events in `eventColumns` (the page's worker sends them so), `events` empty. */
  frame(fromTrace: number, maxEvents = 5000, o: { columns?: boolean } = {}): Frame {
    const tr = this.sim.trace;
    const from = Math.max(0, fromTrace);
    const to = Math.min(tr.length, from + maxEvents);
    // By column, as the page's worker sends them (plain data, shared data once); as objects otherwise.
    const cols = tr.columns(from, to, plain);
    const touched = new Set<number>();
    const logs: LogLine[] = [];
    for (let k = 0; k < cols.tasks.length; k++) if (cols.tasks[k]! >= 0) touched.add(cols.tasks[k]!);
    for (let j = 0; j < cols.dataAt.length; j++) {
      const k = cols.dataAt[j]!;
      if (cols.kinds[k] !== LOG_KIND) continue;
      const d = cols.dataValues[cols.dataCode[j]!] as { level: LogLine["level"]; text: string; source: string };
      logs.push({ atS: cols.times[k]!, level: d.level, text: d.text, source: d.source });
    }
    // Eager tasks (apply()) have no events of their own: the first frame shows them all.
    if (fromTrace === 0) for (const r of this.world.tasks.all) if (r.eager) touched.add(r.index);
    // A task whose first event is before `fromTrace` was shown whole by an earlier frame.
    this.scanFirstEvents();
    // Views and patches in arrays grown from a literal, as every frame's are: an array `map` made holey
    // or packed by its length gives the page's worker's packer arrays of several shapes, and V8 threw its
    // optimised code away at each new one.
    const tasks: TaskView[] = [];
    const taskPatches: TaskPatch[] = [];
    for (const i of [...touched].sort((a, b) => a - b)) {
      const rec = this.world.tasks.at(i)!;
      if ((this.firstEvent[i] ?? Infinity) >= fromTrace || fromTrace <= 0) tasks.push(taskView(rec));
      else taskPatches.push(taskPatch(rec));
    }
    const counts = this.stateCounts.update(this.world.tasks.all, tr);
    return {
      nowS: this.sim.nowS,
      done: this.done,
      endReason: this.endReason,
      endMessage: this.endMessage,
      traceLength: tr.length,
      traceHash: tr.hash(),
      // No `data` key when there is none: each frame is structured-cloned to the page.
      events: o.columns ? [] : eventsOf(cols),
      ...(o.columns ? { eventColumns: cols } : {}),
      truncated: to < tr.length,
      tasks,
      taskPatches,
      workers: workerViews(this.world),
      queues: queueViews(this.world),
      logs,
      stateCounts: counts,
      returned: this.returned,
      error: this.error,
    };
  }

  report(o: { events?: boolean } = {}): Report {
    // Key for key in the order reportPieces streams them (the CLI's --json prints that text).
    return {
      ...reportHead(this),
      tasks: this.world.tasks.all.map(taskView),
      events: o.events === false ? [] : celeryEvents(this.world),
      ...reportTail(this),
    };
  }


  /** Every trace event of one task, in order (a task's detail view). */
  taskEvents(index: number): TraceEvent[] {
    const tr = this.sim.trace;
    const out: TraceEvent[] = [];
    for (let i = 0; i < tr.length; i++) if (tr.taskAt(i) === index) out.push(tr.get(i));
    return out.map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
  }

  task(index: number): TaskView | null {
    const rec = this.world.tasks.at(index);
    return rec ? taskView(rec) : null;
  }

  private metrics: FlowerMetrics | null = null;

  /** Flower's metrics as Prometheus text at the current simulated time (attached on first use). */
  metricsText(): string {
    if (!this.metrics) {
      const w = this.world;
      this.metrics = new FlowerMetrics(this.sim, {
        taskName: (i) => w.tasks.at(i)?.name ?? "",
        workerHostname: (i) => w.workers[i]?.name ?? "",
        queueOf: (i) => w.tasks.at(i)?.queue ?? "celery",
      });
      this.metrics.attach();
    }
    return this.metrics.render();
  }

  /**
   * A control action from the page (Flower's buttons), applied at `atS` (default: now) in an event
   * of its own and recorded in the trace, so a replay from the seed with the same commands repeats it.
   */
  command(cmd: ControlCommand, atS = this.sim.nowS): void {
    this.sim.sched.scheduleAt(atS, () => runCommand(this.world, cmd));
    // A finished run goes on when a command gives it more to do.
    if (this.endReason === "completed") {
      this.endReason = "running";
      this.endMessage = "";
    }
  }

  /** Ready states reached by every task (for tests). */
  allReady(): boolean {
    return this.world.tasks.all.every((t) => READY_STATES.has(t.state));
  }
}

export type { ScenarioSession };

export async function createSession(code: string, opts: SessionOptions & { host: Host; program?: ModuleProgram }): Promise<ScenarioSession> {
  return new ScenarioSession(code, opts);
}

/** Load, run to the end, report. */
export async function runScenario(code: string, opts: SessionOptions & { host: Host; program?: ModuleProgram }): Promise<{ report: Report; session: ScenarioSession }> {
  const session = await createSession(code, opts);
  await session.advance();
  return { report: session.report(), session };
}
