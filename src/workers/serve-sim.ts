/**
 * The simulation API a sandboxed worker serves (sim.worker.ts for TypeScript, python.worker.ts for
 * Python): one Session at a time, answering the UI's pulls. Only how a session is made differs
 * between the languages (`SessionMaker`).
 */
import { acceptPort, hostChannel, type PrivateEndpoint } from "./lockdown-core";
import * as Comlink from "comlink";
import type { Session } from "../../sim/engine/types";
import type { ScenarioSession } from "../../sim/engine/session";
import { ALIVE_CHANNEL, atTraceRecord, LIMIT_CHANNEL, nextCursor, PAGE_LIMITS, type AliveMessage, traceLimitMessage, type AdvanceRequest, type CeleryEventView, type Frame, type LimitMessage, type LoadRequest, type LoadResult, type SerializedError, type SimApi } from "./protocol";
import { createWorkerHost } from "./worker-host";
import { plain } from "../../sim/engine/report";
import type { TraceEvent } from "../../sim/kernel/trace";
import { installRunInputs } from "../../sim/world/metrics/run-inputs";
import { packFrame } from "./frame-wire";
import { oneAtATime } from "./one-at-a-time";

/** What the worker hands every session it makes. */
export interface SessionOptions {
  seed: number;
  file: string;
  host: ReturnType<typeof createWorkerHost>;
  untilS?: number;
}

let endpoint: PrivateEndpoint | null = null;
// The side channel goes out on the page's private port (never the global postMessage).
const host = createWorkerHost((m) => endpoint?.postSide(m), undefined, hostChannel);

let session: Session | null = null;

function need(): Session {
  if (!session) throw new Error("no scenario loaded");
  return session;
}

function deadline(budgetMs: number): () => boolean {
  const end = performance.now() + budgetMs;
  return () => performance.now() >= end;
}

function toError(e: unknown): SerializedError {
  const err = e as { name?: string; message?: string; stack?: string; traceback?: string } | null;
  return {
    type: err?.name && err.name !== "Error" ? err.name : (e as object)?.constructor?.name || "Error",
    message: err?.message ?? String(e),
    traceback: err?.traceback ?? err?.stack ?? null,
  };
}

/** The page's resource limit this run reached (the run ends with it), or null. */
let limitHit: string | null = null;
/** Where the last frame sent ended (`nextCursor`): what an `afterLastFrame` pull starts from. */
let lastFrameEnd = 0;

async function open(req: LoadRequest): Promise<Session> {
  session = null;
  limitHit = null;
  lastFrameEnd = 0;
  const opts = { seed: req.seed, file: req.file, host, ...(req.untilS !== undefined ? { untilS: req.untilS } : {}) };
  const s = await makeSession!(req, opts);
  installRunInputs(s, { alerts: req.alerts ?? [], commands: req.commands ?? [] });
  const maxTraceEvents = Math.min(PAGE_LIMITS.maxTraceEvents, req.maxTraceEvents ?? Infinity);
  // Every ALIVE_EVERY_RECORDS trace records: the simulator is working (the watchdog starts again),
  // unless the run is past its limit, which is then said once; a loop that goes on recording is
  // stopped by the watchdog 2 s later, and the page names the limit as the reason.
  s.sim.onRecord((i) => {
    const what = atTraceRecord(i, maxTraceEvents);
    if (what === null) return;
    if (what === "alive") return host.alive();
    if (limitHit) return;
    limitHit = traceLimitMessage(maxTraceEvents);
    endpoint?.postSide({ channel: LIMIT_CHANNEL, message: limitHit } satisfies LimitMessage);
  });
  session = s;
  return s;
}

/** A frame of the session; past a resource limit, the run's last one, ended by the limit. */
function frameOf(s: Session, fromTrace: number, maxEvents?: number): Frame {
  // Building a big frame is the simulator's own work, not a hang.
  host.alive();
  const f = s.frame(fromTrace, maxEvents, { columns: true });
  lastFrameEnd = nextCursor(fromTrace, f);
  if (!limitHit) return f;
  return { ...f, done: true, endReason: "error", endMessage: limitHit, error: { type: "ResourceLimit", message: limitHit, traceback: null } };
}

/** `frame` as sent to the page: its events in columns, their buffers transferred (frame-wire.ts). */
function wire(frame: Frame): Frame {
  const p = packFrame(frame);
  return Comlink.transfer(p.frame, p.transfer);
}

const api: SimApi = {
  async bootPython() {
    throw new Error("this worker runs TypeScript");
  },
  async load(req: LoadRequest): Promise<LoadResult> {
    try {
      const s = await open(req);
      const p = packFrame(frameOf(s, 0, req.maxFrameEvents));
      return Comlink.transfer({ ok: true as const, taskNames: s.taskNames(), frame: p.frame }, p.transfer);
    } catch (e) {
      return { ok: false, error: toError(e) };
    }
  },

  async advance(req: AdvanceRequest): Promise<Frame> {
    const s = need();
    const fromTrace = req.afterLastFrame ? lastFrameEnd : req.fromTrace;
    const due = deadline(req.budgetMs);
    const opts: { toS?: number; maxEvents?: number; shouldYield: () => boolean } = { shouldYield: () => limitHit !== null || due() };
    if (req.toS !== undefined) opts.toS = req.toS;
    if (req.maxEvents !== undefined) opts.maxEvents = req.maxEvents;
    // The page has not yet seen a whole frame's worth of events: show those before simulating
    // more, so the simulation never runs ahead of the views (and leaves the CPU to the page).
    if (!limitHit && (req.maxFrameEvents === undefined || s.traceLength - fromTrace < req.maxFrameEvents)) await s.advance(opts);
    return wire(frameOf(s, fromTrace, req.maxFrameEvents));
  },

  async step(fromTrace: number): Promise<Frame> {
    const s = need();
    if (!limitHit) await s.step();
    return wire(frameOf(s, fromTrace));
  },

  async frame(fromTrace: number, maxEvents?: number): Promise<Frame> {
    return wire(frameOf(need(), fromTrace, maxEvents));
  },

  async report() {
    return need().report({ events: true });
  },

  async seek(req): Promise<Frame> {
    const s = await open(req.load);
    const due = deadline(req.budgetMs);
    await s.advance({ toS: req.toS, shouldYield: () => limitHit !== null || due() });
    return wire(frameOf(s, 0, req.maxFrameEvents));
  },

  async taskHistory(taskIndex: number): Promise<CeleryEventView[]> {
    const s = need();
    const r = s.report({ events: true });
    const id = r.tasks[taskIndex]?.id;
    return id ? r.events.filter((e) => e.uuid === id) : [];
  },

  async labRun() {
    const s = need();
    // Building the report and copying the trace is the simulator's own work, not a hang.
    host.alive();
    // As the headless lab runner does (sim/testing/labs.ts): event data made plain for cloning.
    const trace = (s as unknown as { sim: { trace: { slice(): TraceEvent[] } } }).sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
    return { report: s.report({ events: true }), trace: trace as TraceEvent[] };
  },

  async metricsText() {
    return (need() as unknown as { metricsText(): string }).metricsText();
  },
};

/** What makes a session from a load request: the language's half of the worker. */
export type SessionMaker = (req: LoadRequest, opts: SessionOptions) => Promise<ScenarioSession>;

let makeSession: SessionMaker | null = null;

/** Serve the simulation API on the page's private port; `extra` overrides methods (the Python worker's boot). */
export function serveSim(make: SessionMaker, extra: Partial<SimApi> = {}): void {
  makeSession = make;
  void acceptPort().then((ep) => {
    endpoint = ep;
    Comlink.expose(oneAtATime({ ...api, ...extra }), ep as unknown as Comlink.Endpoint);
    // Up: the page's watchdog starts counting from here (not from a slow start on a busy machine).
    ep.postSide({ channel: ALIVE_CHANNEL } satisfies AliveMessage);
  });
}
