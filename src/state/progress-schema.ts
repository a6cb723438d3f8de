/**
 * The learner's progress as data: its shape, the export file, validation and migrations. Pure (no
 * IndexedDB, no DOM), so every rule here is unit-tested in Node.
 *
 * Schema versions:
 * - v1: the seed course's `lab_progress.json` (its LabProgressTracker): path → "lab_1.3" →
 *   `{completed, score 0–100 | null, notes, completed_at?}`. The page accepts that file on import,
 *   and IndexedDB layout 1 kept it as one document (store "progress", key "tracker").
 * - v2 (current): one record per lab, keyed by the lab's folder id, plus drafts keyed by editor key.
 *
 * A file is read as untrusted input: size caps, a key whitelist, no prototype keys, and every field
 * type-checked. Validation returns a reason; it never throws and never half-applies.
 */

export const SCHEMA_VERSION = 2;
export const FILE_FORMAT = "celery-playground-progress";

export const LIMITS = {
  fileChars: 5_000_000,
  draftChars: 200_000,
  notesChars: 20_000,
  records: 500,
} as const;

export interface LabRecord {
  labId: string;
  /** First opened (ms since epoch). */
  startedAt: number | null;
  /** First run that passed every check; null until then. Revealing the solution never sets it. */
  completedAt: number | null;
  /** Best share of checks passed in one run, 0..1. */
  bestScore: number;
  /** Share passed in the latest graded run, or null before the first. */
  lastScore: number | null;
  /** Graded runs. */
  attempts: number;
  /** Check ids passed in the best run. */
  passed: string[];
  notes: string;
  hintsRevealed: number;
  solutionRevealed: boolean;
  /** Content hash (starter + check) of the lab when the learner started it. */
  contentHash: string | null;
  updatedAt: number;
}

export interface ProgressDoc {
  schemaVersion: typeof SCHEMA_VERSION;
  labs: Map<string, LabRecord>;
  drafts: Map<string, string>;
}

/** The JSON written by Export (maps as plain objects). */
export interface ProgressFile {
  format: typeof FILE_FORMAT;
  schemaVersion: typeof SCHEMA_VERSION;
  exportedAt: string;
  labs: Record<string, LabRecord>;
  drafts: Record<string, string>;
}

export type Parsed = { ok: true; doc: ProgressDoc; notes: string[] } | { ok: false; reason: string };

const KEY = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

export function emptyDoc(): ProgressDoc {
  return { schemaVersion: SCHEMA_VERSION, labs: new Map(), drafts: new Map() };
}

export function emptyLab(labId: string, now = 0): LabRecord {
  return {
    labId,
    startedAt: null,
    completedAt: null,
    bestScore: 0,
    lastScore: null,
    attempts: 0,
    passed: [],
    notes: "",
    hintsRevealed: 0,
    solutionRevealed: false,
    contentHash: null,
    updatedAt: now,
  };
}

export function validKey(k: string): boolean {
  return KEY.test(k) && !FORBIDDEN.has(k);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number | null => v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e9;
const isShare = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 1;

/** Own enumerable entries, refusing prototype keys outright (a hostile file is refused, not cleaned). */
function entries(o: Record<string, unknown>, what: string): [string, unknown][] | string {
  const ks = Object.keys(o);
  if (ks.length > LIMITS.records) return `${what} has ${ks.length} entries (at most ${LIMITS.records})`;
  for (const k of ks) if (!validKey(k)) return `${what} has an invalid key ${JSON.stringify(k.slice(0, 40))}`;
  return ks.map((k) => [k, o[k]]);
}

/** Checks one v2 lab record; returns it rebuilt from known fields only, or why it is wrong. */
export function checkLabRecord(id: string, v: unknown): LabRecord | string {
  const at = `lab ${id}`;
  if (!isObj(v)) return `${at} is not an object`;
  if (v.labId !== id) return `${at}: labId does not match its key`;
  if (!isTime(v.startedAt) || !isTime(v.completedAt) || !isTime(v.updatedAt) || v.updatedAt === null) return `${at}: a timestamp is not a number`;
  if (!isShare(v.bestScore)) return `${at}: bestScore must be between 0 and 1`;
  if (v.lastScore !== null && !isShare(v.lastScore)) return `${at}: lastScore must be between 0 and 1`;
  if (!isCount(v.attempts) || !isCount(v.hintsRevealed)) return `${at}: attempts and hintsRevealed must be whole numbers`;
  if (!Array.isArray(v.passed) || v.passed.length > 200 || !v.passed.every((p) => typeof p === "string" && p.length <= 100)) return `${at}: passed must be a list of check ids`;
  if (typeof v.notes !== "string") return `${at}: notes must be text`;
  if (v.notes.length > LIMITS.notesChars) return `${at}: notes are longer than ${LIMITS.notesChars} characters`;
  if (typeof v.solutionRevealed !== "boolean") return `${at}: solutionRevealed must be true or false`;
  if (v.contentHash !== null && (typeof v.contentHash !== "string" || v.contentHash.length > 100)) return `${at}: contentHash must be text`;
  return {
    labId: id,
    startedAt: v.startedAt,
    completedAt: v.completedAt,
    bestScore: v.bestScore,
    lastScore: v.lastScore as number | null,
    attempts: v.attempts,
    passed: [...(v.passed as string[])],
    notes: v.notes,
    hintsRevealed: v.hintsRevealed,
    solutionRevealed: v.solutionRevealed,
    contentHash: v.contentHash as string | null,
    updatedAt: v.updatedAt,
  };
}

function parseV2(o: Record<string, unknown>): Parsed {
  if (!isObj(o.labs)) return { ok: false, reason: "labs is missing or not an object" };
  if (!isObj(o.drafts)) return { ok: false, reason: "drafts is missing or not an object" };
  const doc = emptyDoc();
  const labs = entries(o.labs, "labs");
  if (typeof labs === "string") return { ok: false, reason: labs };
  for (const [id, v] of labs) {
    const r = checkLabRecord(id, v);
    if (typeof r === "string") return { ok: false, reason: r };
    doc.labs.set(id, r);
  }
  const drafts = entries(o.drafts, "drafts");
  if (typeof drafts === "string") return { ok: false, reason: drafts };
  for (const [k, v] of drafts) {
    if (typeof v !== "string") return { ok: false, reason: `draft ${k} is not text` };
    if (v.length > LIMITS.draftChars) return { ok: false, reason: `draft ${k} is longer than ${LIMITS.draftChars} characters` };
    doc.drafts.set(k, v);
  }
  return { ok: true, doc, notes: [] };
}

/** Does this look like the seed course's tracker (path → "lab_X.Y" → {completed, …})? */
function looksLikeV1(o: Record<string, unknown>): boolean {
  const paths = Object.keys(o);
  return paths.length > 0 && paths.every((p) => isObj(o[p]) && Object.keys(o[p] as object).every((k) => /^lab_/.test(k)));
}

/**
 * v1 → v2. Lab keys "lab_1.3" map to the lab whose id starts with "1.3-"; a key no lab matches is
 * skipped and named in `notes`. Scores were percentages.
 */
export function migrateV1(tracker: Record<string, unknown>, labIds: readonly string[], now: number): Parsed {
  const doc = emptyDoc();
  const notes: string[] = [];
  const paths = entries(tracker, "the tracker");
  if (typeof paths === "string") return { ok: false, reason: paths };
  for (const [path, labsV] of paths) {
    if (!isObj(labsV)) return { ok: false, reason: `path ${path} is not an object` };
    const labs = entries(labsV, `path ${path}`);
    if (typeof labs === "string") return { ok: false, reason: labs };
    for (const [key, v] of labs) {
      if (!isObj(v)) return { ok: false, reason: `${path}.${key} is not an object` };
      const short = key.replace(/^lab_/, "");
      const id = labIds.find((l) => l === short || l.startsWith(`${short}-`));
      if (!id) {
        notes.push(`${key} matches no lab in this course; skipped`);
        continue;
      }
      if (typeof v.completed !== "boolean") return { ok: false, reason: `${path}.${key}: completed must be true or false` };
      if (v.score !== null && v.score !== undefined && !(typeof v.score === "number" && v.score >= 0 && v.score <= 100)) return { ok: false, reason: `${path}.${key}: score must be 0–100` };
      if (v.notes !== undefined && typeof v.notes !== "string") return { ok: false, reason: `${path}.${key}: notes must be text` };
      const notesText = (v.notes as string | undefined) ?? "";
      if (notesText.length > LIMITS.notesChars) return { ok: false, reason: `${path}.${key}: notes are too long` };
      const when = typeof v.completed_at === "string" ? Date.parse(v.completed_at) : NaN;
      const score = typeof v.score === "number" ? v.score / 100 : v.completed ? 1 : 0;
      doc.labs.set(id, {
        ...emptyLab(id, now),
        startedAt: v.completed ? (Number.isFinite(when) ? when : now) : null,
        completedAt: v.completed ? (Number.isFinite(when) ? when : now) : null,
        bestScore: score,
        lastScore: typeof v.score === "number" ? score : null,
        notes: notesText,
      });
    }
  }
  return { ok: true, doc, notes };
}

/** Any supported file (v1 tracker, bare or wrapped; v2 export) → the current doc, or why not. */
export function parseProgress(raw: unknown, labIds: readonly string[], now: number): Parsed {
  if (!isObj(raw)) return { ok: false, reason: "the file is not a JSON object" };
  if (raw.format === FILE_FORMAT || typeof raw.schemaVersion === "number") {
    const v = raw.schemaVersion;
    if (v === SCHEMA_VERSION) return parseV2(raw);
    if (v === 1 && isObj(raw.progress)) return migrateV1(raw.progress, labIds, now);
    if (typeof v === "number" && v > SCHEMA_VERSION) return { ok: false, reason: `the file has schema version ${v}; this page reads up to ${SCHEMA_VERSION} (made by a newer version?)` };
    return { ok: false, reason: `unsupported schema version ${JSON.stringify(v)}` };
  }
  if (looksLikeV1(raw)) return migrateV1(raw, labIds, now);
  return { ok: false, reason: "this is not a Celery Playground progress file" };
}

/** Parses the text of an imported file. */
export function parseProgressText(text: string, labIds: readonly string[], now: number): Parsed {
  if (text.length > LIMITS.fileChars) return { ok: false, reason: `the file is larger than ${LIMITS.fileChars / 1_000_000} MB` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `the file is not valid JSON (${(e as Error).message})` };
  }
  return parseProgress(raw, labIds, now);
}

export function toFile(doc: ProgressDoc, now: number): ProgressFile {
  const labs: Record<string, LabRecord> = {};
  for (const [k, v] of doc.labs) labs[k] = v;
  const drafts: Record<string, string> = {};
  for (const [k, v] of doc.drafts) drafts[k] = v;
  return { format: FILE_FORMAT, schemaVersion: SCHEMA_VERSION, exportedAt: new Date(now).toISOString(), labs, drafts };
}

export type LabStatus = "not-started" | "in-progress" | "complete";

export function statusOf(r: LabRecord | undefined): LabStatus {
  if (!r) return "not-started";
  if (r.completedAt !== null) return "complete";
  return r.startedAt !== null || r.attempts > 0 ? "in-progress" : "not-started";
}

/** Overall completion over the course's labs (records of labs no longer in the course don't count). */
export function overall(doc: ProgressDoc, labIds: readonly string[]): { completed: number; total: number; percent: number } {
  const completed = labIds.filter((id) => statusOf(doc.labs.get(id)) === "complete").length;
  const total = labIds.length;
  return { completed, total, percent: total ? Math.round((completed / total) * 100) : 0 };
}

/** 32-bit FNV-1a over the text, as 8 hex digits: a content version that changes with the text. */
export function contentHash(...parts: string[]): string {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
