/**
 * The embed's postMessage API, version 1: the one contract between an embedded playground (the
 * frame) and the course page around it (the host). Pure (no DOM), so Node tests cover it.
 *
 * Every message is `{ source: "celery-playground", version: 1, type, ...fields }`.
 *   frame → host: ready, resize, run-finished, check-passed, lab-completed, progress
 *   host → frame: load-scenario, run, reset, set-seed
 * Anything else — another source, another version, an unknown type, a field of the wrong shape —
 * is not a message of this API and is ignored by both sides. public/embed.js (the web component,
 * plain JS for hosts) mirrors the host side of these shapes; keep the two in step.
 *
 * What the commands do (host-gate.ts enforces it):
 *   load-scenario  puts `code` (in `language`, "typescript" when absent, or "python") in the editor, not run; over code the learner wrote, the frame asks
 *                  first. The host's code is not saved as the learner's draft until they run it.
 *   run            runs the editor's code — unless it is host code the learner has not yet started
 *                  with a click inside the frame: then nothing runs, the frame asks for the click,
 *                  and the refusal is counted (`window.__embed.refused`). No reply is sent.
 *   reset          back to time 0; it loads (executes) the code, so it is refused like `run`.
 *   set-seed       sets the seed; runs nothing.
 *
 * `origins=` (parseOrigins) is not a security boundary: the page that frames the playground writes
 * it into the frame's URL itself. It only decides who hears the frame's events and whose commands
 * are read at all; the learner's click is what lets host code run.
 */
import { isLanguage, type Language } from "../lib/language";

export const SOURCE = "celery-playground";
export const VERSION = 1;

/** Text limits: a host cannot make the frame allocate without bound. */
export const LIMITS = { code: 200_000, labId: 100, text: 500 } as const;

export interface RunStats {
  events: number;
  tasks: number;
  /** Tasks by state (PENDING, STARTED, SUCCESS, FAILURE, RETRY, …). */
  states: Record<string, number>;
}

/** An xAPI-shaped statement, so an LMS wrapper can forward it (the host fills in the actor). */
export interface XapiStatement {
  actor: { objectType: "Agent"; name: string; account: { homePage: string; name: string } };
  verb: { id: "http://adlnet.gov/expapi/verbs/completed"; display: { "en-US": "completed" } };
  object: { objectType: "Activity"; id: string; definition: { name: { "en-US": string }; type: string } };
  result: { score: { scaled: number; raw: number; min: 0; max: number }; completion: boolean; success: boolean };
  timestamp: string;
}

interface Base {
  source: typeof SOURCE;
  version: typeof VERSION;
}

export type OutMessage = Base &
  (
    | { type: "ready"; labId: string | null; seed: number }
    | { type: "resize"; height: number }
    | { type: "run-finished"; traceHash: string; simTime: number; stats: RunStats }
    | { type: "check-passed"; labId: string; checkId: string; title: string }
    | { type: "lab-completed"; labId: string; score: number; statement: XapiStatement }
    | { type: "progress"; labId: string; score: number; completed: boolean }
  );

export type InMessage = Base &
  (
    | { type: "load-scenario"; code: string; seed?: number; language?: Language }
    | { type: "run" }
    | { type: "reset" }
    | { type: "set-seed"; seed: number }
  );

export type OutType = OutMessage["type"];
export type InType = InMessage["type"];

type Payload<M, T> = M extends { type: T } ? Omit<M, "source" | "version" | "type"> : never;

export function outMessage<T extends OutType>(type: T, payload: Payload<OutMessage, T>): OutMessage {
  return { source: SOURCE, version: VERSION, type, ...payload } as OutMessage;
}

export function inMessage<T extends InType>(type: T, payload: Payload<InMessage, T>): InMessage {
  return { source: SOURCE, version: VERSION, type, ...payload } as InMessage;
}

// ------------------------------------------------------------------ validation

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number = LIMITS.text): v is string => typeof v === "string" && v.length <= max;
const isSeed = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isScore = (v: unknown): v is number => isNum(v) && v >= 0 && v <= 1;

/** The keys each type may carry besides source, version and type; any other key refuses the message. */
const IN_KEYS: Record<InType, readonly string[]> = {
  "load-scenario": ["code", "seed", "language"],
  run: [],
  reset: [],
  "set-seed": ["seed"],
};

function envelope(v: unknown): v is Rec & Base & { type: string } {
  return isRec(v) && v.source === SOURCE && v.version === VERSION && typeof v.type === "string";
}

/** A host's message, checked field by field; null for anything that is not exactly one. */
export function parseIn(v: unknown): InMessage | null {
  if (!envelope(v) || !Object.hasOwn(IN_KEYS, v.type)) return null;
  const type = v.type as InType;
  const allowed = new Set(["source", "version", "type", ...IN_KEYS[type]]);
  if (Object.keys(v).some((k) => !allowed.has(k))) return null;
  switch (type) {
    case "load-scenario":
      if (!isStr(v.code, LIMITS.code)) return null;
      if (v.seed !== undefined && !isSeed(v.seed)) return null;
      // No language: TypeScript, as every host written before Python sends.
      if (v.language !== undefined && !isLanguage(v.language)) return null;
      return inMessage("load-scenario", { code: v.code, ...(v.seed !== undefined ? { seed: v.seed } : {}), ...(v.language !== undefined ? { language: v.language } : {}) });
    case "set-seed":
      return isSeed(v.seed) ? inMessage("set-seed", { seed: v.seed }) : null;
    case "run":
      return inMessage("run", {});
    case "reset":
      return inMessage("reset", {});
  }
}

/** A frame's message as the host sees it; null for anything else. (Hosts in TypeScript can use this.) */
export function parseOut(v: unknown): OutMessage | null {
  if (!envelope(v)) return null;
  const m = v as unknown as OutMessage;
  switch (v.type) {
    case "ready":
      return (v.labId === null || isStr(v.labId, LIMITS.labId)) && isSeed(v.seed) ? m : null;
    case "resize":
      return isNum(v.height) && v.height >= 0 && v.height < 1e6 ? m : null;
    case "run-finished":
      return isStr(v.traceHash) && isNum(v.simTime) && isRec(v.stats) && isNum(v.stats.events) && isNum(v.stats.tasks) && isRec(v.stats.states) ? m : null;
    case "check-passed":
      return isStr(v.labId, LIMITS.labId) && isStr(v.checkId) && isStr(v.title) ? m : null;
    case "lab-completed":
      return isStr(v.labId, LIMITS.labId) && isScore(v.score) && isRec(v.statement) ? m : null;
    case "progress":
      return isStr(v.labId, LIMITS.labId) && isScore(v.score) && typeof v.completed === "boolean" ? m : null;
    default:
      return null;
  }
}

// ------------------------------------------------------------------ origins

/**
 * The allow-list the host passes as `origins=` (comma-separated). Only exact http(s) origins are
 * kept (`https://course.example.org`, `http://127.0.0.1:8080`); a wildcard, a path or anything
 * unparsable is dropped, so a mistake allows less, never more.
 */
export function parseOrigins(param: string | null): string[] {
  if (!param) return [];
  const out: string[] = [];
  for (const raw of param.split(",")) {
    const s = raw.trim();
    if (!s) continue;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      continue;
    }
    if ((u.protocol !== "http:" && u.protocol !== "https:") || u.origin !== s.replace(/\/$/, "")) continue;
    if (!/^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(u.hostname)) continue; // no wildcards
    if (!out.includes(u.origin)) out.push(u.origin);
  }
  return out;
}

// ------------------------------------------------------------------ xAPI

/**
 * The `completed` statement for a lab. The actor is a placeholder: the frame does not know the
 * learner; the LMS wrapper on the host replaces it. `activityBase` is the playground's URL.
 */
export function completedStatement(p: { labId: string; title: string; score: number; checks: number; activityBase: string; now: number }): XapiStatement {
  const raw = Math.round(p.score * p.checks);
  const id = new URL(`?lab=${encodeURIComponent(p.labId)}`, p.activityBase).href;
  return {
    actor: { objectType: "Agent", name: "learner", account: { homePage: "urn:celery-playground:host", name: "anonymous" } },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed" } },
    object: { objectType: "Activity", id, definition: { name: { "en-US": p.title }, type: "http://adlnet.gov/expapi/activities/assessment" } },
    result: { score: { scaled: p.score, raw, min: 0, max: p.checks }, completion: true, success: p.score === 1 },
    timestamp: new Date(p.now).toISOString(),
  };
}
