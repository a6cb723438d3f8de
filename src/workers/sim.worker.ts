/**
 * The simulation worker: owns one Session at a time and answers the UI's pulls.
 *
 * `./no-network` is the first import on purpose: ES modules evaluate in import order, so the network
 * globals are gone before the simulator (and later the learner's code) is even evaluated.
 */
import "./no-network";
import * as Comlink from "comlink";
// Same imports as the headless runner (cli/run-worker.ts), so both build the same "celery" module.
import { createSession } from "../../sim/engine/session";
import type { Session } from "../../sim/engine/types";
import type { AdvanceRequest, CeleryEventView, Frame, LoadRequest, LoadResult, SerializedError, SimApi } from "./protocol";
import { createWorkerHost } from "./worker-host";
import { plain } from "../../sim/engine/report";
import type { TraceEvent } from "../../sim/kernel/trace";
import { installRunInputs } from "../../sim/world/metrics/run-inputs";

const host = createWorkerHost((m) => (self as unknown as Worker).postMessage(m));

let session: Session | null = null;
let loaded: LoadRequest | null = null;
/** A run of the loaded code on another seed, for grading (see SimApi.gradeRun). */
let grading: { seed: number; of: LoadRequest; session: Session } | null = null;

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

async function start(req: LoadRequest): Promise<Session> {
  const opts = { seed: req.seed, file: req.file, host, ...(req.untilS !== undefined ? { untilS: req.untilS } : {}) };
  const s = await createSession(req.code, opts);
  installRunInputs(s, { alerts: req.alerts ?? [], commands: req.commands ?? [] });
  return s;
}

async function open(req: LoadRequest): Promise<Session> {
  loaded = req;
  session = null;
  session = await start(req);
  return session;
}

/** A session's report (with events) and whole trace, as plain data for cloning (as sim/testing/labs.ts reads them). */
function labData(s: Session) {
  const trace = (s as unknown as { sim: { trace: { slice(): TraceEvent[] } } }).sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
  return { report: s.report({ events: true }), trace: trace as TraceEvent[] };
}

const api: SimApi = {
  async load(req: LoadRequest): Promise<LoadResult> {
    try {
      const s = await open(req);
      return { ok: true, taskNames: s.taskNames(), frame: s.frame(0, req.maxFrameEvents) };
    } catch (e) {
      return { ok: false, error: toError(e) };
    }
  },

  async advance(req: AdvanceRequest): Promise<Frame> {
    const s = need();
    const opts: { toS?: number; maxEvents?: number; shouldYield: () => boolean } = { shouldYield: deadline(req.budgetMs) };
    if (req.toS !== undefined) opts.toS = req.toS;
    if (req.maxEvents !== undefined) opts.maxEvents = req.maxEvents;
    // The page has not yet seen a whole frame's worth of events: show those before simulating
    // more, so the simulation never runs ahead of the views (and leaves the CPU to the page).
    if (req.maxFrameEvents === undefined || s.traceLength - req.fromTrace < req.maxFrameEvents) await s.advance(opts);
    return s.frame(req.fromTrace, req.maxFrameEvents);
  },

  async step(fromTrace: number): Promise<Frame> {
    const s = need();
    await s.step();
    return s.frame(fromTrace);
  },

  async frame(fromTrace: number, maxEvents?: number): Promise<Frame> {
    return need().frame(fromTrace, maxEvents);
  },

  async report() {
    return need().report({ events: true });
  },

  async seek(req): Promise<Frame> {
    if (!loaded) throw new Error("no scenario loaded");
    const s = await open(loaded);
    await s.advance({ toS: req.toS, shouldYield: deadline(req.budgetMs) });
    return s.frame(0, req.maxFrameEvents);
  },

  async taskHistory(taskIndex: number): Promise<CeleryEventView[]> {
    const s = need();
    const r = s.report({ events: true });
    const id = r.tasks[taskIndex]?.id;
    return id ? r.events.filter((e) => e.uuid === id) : [];
  },

  async labRun() {
    return labData(need());
  },

  async gradeRun(req) {
    if (!loaded) throw new Error("no scenario loaded");
    if (!grading || grading.seed !== req.seed || grading.of !== loaded) grading = { seed: req.seed, of: loaded, session: await start({ ...loaded, seed: req.seed }) };
    const s = grading.session;
    await s.advance({ shouldYield: deadline(req.budgetMs) });
    if (!s.done) return null;
    grading = null;
    return labData(s);
  },

  async configure(inputs) {
    if (!loaded) throw new Error("no scenario loaded");
    loaded = { ...loaded, alerts: inputs.alerts ?? [], commands: inputs.commands ?? [] };
  },

  async metricsText() {
    return (need() as unknown as { metricsText(): string }).metricsText();
  },
};

Comlink.expose(api);
