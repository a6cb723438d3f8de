/**
 * The runner inside the sandbox: bundled with the simulator into one script that the child process
 * evaluates in a `vm` context holding no host object. It defines one frozen global, `__cp`, which
 * the child drives with short scripts; every call takes and returns strings only.
 *
 * The simulation runs as promises in the context's own microtask queue (microtaskMode
 * "afterEvaluate"): each `tick()` resumes it, and it runs until it hands back to the child, after
 * TICK_BUDGET_MS of real time or when a scenario awaits a promise of its own (the host's macrotask turn). Each
 * call runs under the child's `timeout`, which V8 enforces from outside the context: scenario code
 * can neither stop it nor forge it.
 */
import { createSession } from "../../sim/engine/session";
import { plain } from "../../sim/engine/report";
import { reportPieces, reportSummary } from "../../sim/engine/report-stream";
import { TaskTable } from "../../sim/celery/records";
import type { Report } from "../../sim/engine/types";
import { figuresOf } from "../../sim/experiment/run";
import { exactStringify, type RunLimits, type SandboxJob, type SweepPoint, type TickState } from "./protocol";

type Session = Awaited<ReturnType<typeof createSession>>;

/** Node's own globals a scenario might reach for: using one ends the run with a clear message. */
const NODE_GLOBALS = ["process", "require", "Buffer", "global", "setImmediate", "fetch", "WebSocket", "XMLHttpRequest"];

class LimitReached extends Error {}

/**
 * Real milliseconds one tick may simulate before handing back to the child (its heartbeat and
 * checks). Every tick is one vm call under a timeout, which costs the child ~0.5 ms of its own (a
 * watchdog thread): at 256 events a tick that was a fifth of a big run's time. A scenario that
 * replaces Date.now cannot stretch a tick: the clock is taken before any scenario code runs, and a
 * tick that never ends is a hang all the same.
 */
const TICK_BUDGET_MS = 20;
const realNowMs = Date.now;
/** This realm's TypeError, taken before any scenario code runs (which may replace the global). */
const RealmTypeError = TypeError;

let label = "the scenario";
let state: TickState = { state: "running" };
let resume: (() => void) | null = null;
let session: Session | null = null;
let job: SandboxJob | null = null;
let pieces: Iterator<string> | null = null;

function stop(s: TickState): void {
  if (state.state === "running" || state.state === "ready") state = s;
}

for (const name of NODE_GLOBALS) {
  Object.defineProperty(globalThis, name, {
    configurable: false,
    enumerable: false,
    get() {
      stop({ state: "sandbox", name });
      throw new ReferenceError(`${name} is not available: a scenario runs in a sandbox without Node (no process, require, file system or network)`);
    },
  });
}

/**
 * Error stacks are formatted here, in this realm. V8 asks Node's formatter (a function of the
 * child's realm) for every error's `.stack`, and what went wrong in there (a `name` that is a Symbol,
 * a revoked proxy on the prototype chain) was thrown into the scenario as an error of the child's
 * realm. Node's formatter first calls `globalThis.Error.prepareStackTrace` when it is a function:
 * that is this one, which formats as V8 does (or calls the scenario's own, set through the same
 * property, as V8's stack API allows), so whatever it throws is of this realm. `Error` and the
 * property cannot be replaced or removed (a proxy there failed inside Node's lookup too).
 */
const RealmError = Error;
const errorToString = Error.prototype.toString;
let scenarioPrepare: unknown;
function prepareStackTrace(error: unknown, sites: unknown[]): unknown {
  if (typeof scenarioPrepare === "function") return (scenarioPrepare as (e: unknown, s: unknown[]) => unknown)(error, sites);
  let head: string;
  try {
    head = errorToString.call(error);
  } catch {
    head = "Error"; // a name or message that does not convert, as V8's own formatter shows it
  }
  let text = head;
  for (const s of sites) text += "\n    at " + String(s);
  return text;
}
Object.defineProperty(RealmError, "prepareStackTrace", {
  configurable: false,
  enumerable: false,
  get: () => prepareStackTrace,
  set: (f: unknown) => {
    scenarioPrepare = f;
  },
});
Object.defineProperty(globalThis, "Error", { value: RealmError, writable: false, configurable: false, enumerable: false });
// A FinalizationRegistry's callback runs in the child's own turn, outside any tick and its timeout
// (an exception there ended the child, a spin was caught only by the CLI's backstop); a simulation
// has no use for one.
delete (globalThis as { FinalizationRegistry?: unknown }).FinalizationRegistry;

/** The host's macrotask turn: the promise settles at the next tick(), after every microtask ran. */
const host = {
  yieldMacrotask: () => new Promise<void>((r) => (resume = r)),
  onEnter: (l: string) => {
    label = l;
  },
};

function checkEvents(s: Session, limits: RunLimits): void {
  if (s.traceLength > limits.maxEvents) {
    stop({ state: "limit", limit: "maxEvents", value: limits.maxEvents });
    throw new LimitReached(`resource limit: more than ${limits.maxEvents} trace events`);
  }
}

// Tasks run by apply() record no event, and a module's top level runs before a listener can be
// attached: the task limit is checked where every task record is made (this realm's copy of the
// class, which only this run uses).
const createTask = TaskTable.prototype.create;
TaskTable.prototype.create = function (this: TaskTable, ...args: Parameters<TaskTable["create"]>) {
  const limits = job?.limits;
  if (limits && this.all.length >= limits.maxTasks) {
    stop({ state: "limit", limit: "maxTasks", value: limits.maxTasks });
    throw new LimitReached(`resource limit: more than ${limits.maxTasks} tasks`);
  }
  return createTask.apply(this, args);
};

/**
 * Real time the simulator last recorded something (taken every 64 records, as the page's worker
 * does): a tick the child's timeout cut while this is recent was a scenario calling the simulator in
 * one long synchronous loop, which is work, not a hang.
 */
let progressMs = realNowMs();
let records = 0;

async function run(j: SandboxJob): Promise<void> {
  const s = await createSession(j.code, { seed: j.seed, untilS: j.untilS, file: j.file, host, ...(j.costs ? { costs: j.costs } : {}) });
  session = s;
  // Checked as events are recorded, so one long synchronous loop of delay() stops too.
  s.sim.onRecord(() => {
    checkEvents(s, j.limits);
    if ((++records & 63) === 0) progressMs = realNowMs();
  });
  while (!s.done && state.state === "running") {
    const tickStartMs = realNowMs();
    await s.advance({ shouldYield: () => realNowMs() - tickStartMs >= TICK_BUDGET_MS });
    if (!s.done && state.state === "running") await host.yieldMacrotask();
  }
  if (state.state === "running") state = { state: "ready" };
}

const api = Object.freeze({
  /** Load the scenario (its top level runs in the first tick). */
  start(jobJson: string): void {
    job = JSON.parse(jobJson) as SandboxJob;
    const j = job;
    resume = () => {
      run(j).catch((e: unknown) => stop({ state: "crash", message: String((e as Error)?.stack ?? e) }));
    };
  },
  /** Let the simulation go on until it hands back; returns the TickState as JSON. */
  tick(): string {
    const r = resume;
    resume = null;
    if (state.state !== "running") return JSON.stringify(state);
    // Between ticks the run always waits on `resume`; anything else means it was broken from inside.
    if (!r) return JSON.stringify({ state: "crash", message: "the runner stopped without finishing (was a builtin such as Promise replaced?)" } satisfies TickState);
    progressMs = realNowMs();
    r();
    return JSON.stringify(state);
  },
  /**
   * What `import()` rejects with (the child throws it from Node's import callback, unread): the one
   * call whose answer is no string, an error of this realm so that nothing of the child's reaches here.
   */
  importRefusal(): TypeError {
    return new RealmTypeError("import() is not available: a scenario runs in a sandbox with no modules, files or network");
  },
  /** Real milliseconds since the simulator last recorded something (or the last tick began). */
  sinceProgressMs(): string {
    return String(realNowMs() - progressMs);
  },
  /** The TickState as JSON, without resuming anything (read after a tick timed out). */
  status(): string {
    return JSON.stringify(state);
  },
  /** The code that ran last (the task or timer a hang is blamed on). */
  label(): string {
    return String(label).slice(0, 300);
  },
  /** The report (and the trace, for checks) as one JSON string; with output "summary", the summary's. */
  report(): string {
    if (!session || !job) throw new Error("no session");
    if (job.output === "summary") return JSON.stringify({ summary: reportSummary(session) });
    if (job.output === "figures") {
      const rep = session.report({ events: false });
      const point: SweepPoint = { figures: figuresOf(rep), traceHash: rep.traceHash, endReason: rep.endReason, error: rep.error ? rep.endMessage : null };
      return exactStringify({ point });
    }
    const rep: Report = session.report({ events: job.events });
    if (!job.trace) return job.exact ? exactStringify({ report: rep }) : JSON.stringify({ report: rep });
    const trace = session.sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
    return exactStringify({ report: rep, trace });
  },
  /** Output "stream": how the run ended, as JSON ({failed, endMessage}); the pieces follow. */
  streamStart(): string {
    if (!session || !job) throw new Error("no session");
    pieces = reportPieces(session, { events: job.events });
    return JSON.stringify({ failed: session.error !== null, endMessage: String(session.endMessage) });
  },
  /** The report's next piece of JSON text; "" after the last. */
  streamPiece(): string {
    const next = pieces?.next();
    return !next || next.done ? "" : next.value;
  },
});
Object.defineProperty(globalThis, "__cp", { value: api, writable: false, enumerable: false, configurable: false });
