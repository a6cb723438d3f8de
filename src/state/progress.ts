/**
 * The learner's progress store: drafts, lab records, notes. The whole document lives in memory and
 * is written through to IndexedDB (idb). When IndexedDB cannot be opened (blocked in a third-party
 * iframe, private mode, missing) or a write fails (quota), the store keeps working in memory, says
 * why in `mode`, and export still works, so nothing the learner did this visit is lost.
 *
 * No UI framework here; the page subscribes. Shapes, validation and migrations: progress-schema.ts.
 */
import { openDB, type IDBPDatabase } from "idb";
import { LAB_IDS } from "../../labs/index";
import {
  emptyDoc,
  emptyLab,
  migrateV1,
  overall,
  parseProgressText,
  SCHEMA_VERSION,
  toFile,
  type LabRecord,
  type ProgressDoc,
  type ProgressFile,
} from "./progress-schema";

import { cloneDoc, mergeDocs, planImport, type ImportPlan } from "./progress-import";

export * from "./progress-schema";
export type { ImportPlan } from "./progress-import";

/** A valid file, read but not applied, with what it would change. */
export interface ImportPreview {
  ok: true;
  doc: ProgressDoc;
  notes: string[];
  plan: ImportPlan;
}

export const DB_NAME = "celery-playground";
/** Give up on an open that neither succeeds nor fails (blocked by another tab, a stuck browser). */
const OPEN_TIMEOUT_MS = 3000;

export type StorageMode = { kind: "idb" } | { kind: "memory"; reason: string };

export interface OpenOptions {
  dbName?: string;
  /** The course's lab ids, for v1 migration and the overall percentage. */
  labIds: readonly string[];
  now?: () => number;
}

export interface CheckOutcomeLite {
  id: string;
  passed: boolean;
}

export class ProgressStore {
  private doc: ProgressDoc = emptyDoc();
  private db: IDBPDatabase | null = null;
  private listeners = new Set<() => void>();
  private writes: Promise<void> = Promise.resolve();
  private _mode: StorageMode = { kind: "memory", reason: "not opened" };
  /** The document before the last import, for one undo. */
  private beforeImport: ProgressDoc | null = null;
  private readonly now: () => number;

  private constructor(private readonly opts: OpenOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Opens IndexedDB, or falls back to memory; never rejects. */
  static async open(opts: OpenOptions): Promise<ProgressStore> {
    const s = new ProgressStore(opts);
    try {
      s.db = await withTimeout(openProgressDb(opts.dbName ?? DB_NAME, opts.labIds, s.now), OPEN_TIMEOUT_MS);
      s.doc = await readAll(s.db);
      s._mode = { kind: "idb" };
      // Another tab upgrading the schema asks us to step aside; keep going in memory.
      s.db.addEventListener("versionchange", () => {
        s.db?.close();
        s.fallBack("another tab upgraded the saved data; this tab now keeps progress in memory");
      });
    } catch (e) {
      s.db = null;
      s._mode = { kind: "memory", reason: describeOpenError(e) };
    }
    return s;
  }

  /** A store that never touches IndexedDB (tests, and when the page has no storage at all). */
  static memory(opts: OpenOptions, reason = "storage is not available"): ProgressStore {
    const s = new ProgressStore(opts);
    s._mode = { kind: "memory", reason };
    return s;
  }

  get mode(): StorageMode {
    return this._mode;
  }

  get labIds(): readonly string[] {
    return this.opts.labIds;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // ------------------------------------------------------------ reads

  lab(id: string): LabRecord {
    return this.doc.labs.get(id) ?? emptyLab(id);
  }

  hasLab(id: string): boolean {
    return this.doc.labs.has(id);
  }

  draft(key: string): string | null {
    return this.doc.drafts.get(key) ?? null;
  }

  overall() {
    return overall(this.doc, this.opts.labIds);
  }

  exportFile(): ProgressFile {
    return toFile(this.doc, this.now());
  }

  /** Resolves when every write so far has reached IndexedDB (or failed over to memory). */
  flush(): Promise<void> {
    return this.writes;
  }

  // ------------------------------------------------------------ writes

  saveDraft(key: string, text: string): void {
    if (this.doc.drafts.get(key) === text) return;
    this.doc.drafts.set(key, text);
    this.persist((db) => db.put("drafts", text, key));
    this.emit();
  }

  /** The learner opened the lab: set startedAt (once) and remember which content they started from. */
  startLab(id: string, hash: string): LabRecord {
    const r = this.lab(id);
    if (r.startedAt !== null && r.contentHash !== null) return r;
    return this.putLab({ ...r, startedAt: r.startedAt ?? this.now(), contentHash: r.contentHash ?? hash });
  }

  /** The learner chose how to handle a content update (kept their copy, or reset): remember the new content. */
  acceptContent(id: string, hash: string): LabRecord {
    return this.putLab({ ...this.lab(id), contentHash: hash });
  }

  /** One graded run: attempts, latest and best score, completion when every check passed. */
  recordRun(id: string, results: CheckOutcomeLite[]): LabRecord {
    const r = this.lab(id);
    const passed = results.filter((c) => c.passed).map((c) => c.id);
    const score = results.length ? passed.length / results.length : 0;
    const better = score > r.bestScore || r.attempts === 0;
    return this.putLab({
      ...r,
      startedAt: r.startedAt ?? this.now(),
      attempts: r.attempts + 1,
      lastScore: score,
      bestScore: Math.max(r.bestScore, score),
      passed: better ? passed : r.passed,
      completedAt: r.completedAt ?? (results.length > 0 && score === 1 ? this.now() : null),
    });
  }

  setNotes(id: string, notes: string): LabRecord {
    return this.putLab({ ...this.lab(id), notes });
  }

  revealHint(id: string, count: number): LabRecord {
    const r = this.lab(id);
    return count > r.hintsRevealed ? this.putLab({ ...r, hintsRevealed: count }) : r;
  }

  revealSolution(id: string): LabRecord {
    return this.putLab({ ...this.lab(id), solutionRevealed: true });
  }

  /**
   * What importing `text` would change, without changing anything: the page shows it and asks.
   * A refused file comes back with the reason.
   */
  previewImport(text: string): ImportPreview | { ok: false; reason: string } {
    const parsed = parseProgressText(text, this.opts.labIds, this.now());
    if (!parsed.ok) return parsed;
    return { ok: true, doc: parsed.doc, notes: parsed.notes, plan: planImport(this.doc, parsed.doc) };
  }

  /** Merge a previewed file in (progress-import.ts); the state before it is kept for one undo. */
  async applyImport(preview: ImportPreview): Promise<void> {
    const before = cloneDoc(this.doc);
    await this.replace(mergeDocs(this.doc, preview.doc));
    this.beforeImport = before;
    this.emit();
  }

  /** The last import can be undone (once; any later import or clear forgets it). */
  get canUndoImport(): boolean {
    return this.beforeImport !== null;
  }

  /** Put back the drafts and records as they were before the last import. */
  async undoImport(): Promise<boolean> {
    const before = this.beforeImport;
    if (!before) return false;
    this.beforeImport = null;
    await this.replace(before);
    return true;
  }

  /** Preview and apply in one step (tests, and callers that asked already). A refused file changes nothing. */
  async importText(text: string): Promise<{ ok: true; notes: string[]; plan: ImportPlan } | { ok: false; reason: string }> {
    const p = this.previewImport(text);
    if (!p.ok) return p;
    await this.applyImport(p);
    return { ok: true, notes: p.notes, plan: p.plan };
  }

  /** Forget all progress and drafts. */
  async clear(): Promise<void> {
    this.beforeImport = null;
    await this.replace(emptyDoc());
  }

  // ------------------------------------------------------------ internals

  private putLab(r: LabRecord): LabRecord {
    const rec = { ...r, updatedAt: this.now() };
    this.doc.labs.set(rec.labId, rec);
    this.persist((db) => db.put("labs", rec));
    this.emit();
    return rec;
  }

  private async replace(doc: ProgressDoc): Promise<void> {
    await this.writes;
    const db = this.db;
    if (db) {
      try {
        // One transaction: either the whole file lands or nothing does.
        const tx = db.transaction(["labs", "drafts"], "readwrite");
        const labs = tx.objectStore("labs");
        const drafts = tx.objectStore("drafts");
        await Promise.all([labs.clear(), drafts.clear()]);
        await Promise.all([...[...doc.labs.values()].map((r) => labs.put(r)), ...[...doc.drafts].map(([k, v]) => drafts.put(v, k))]);
        await tx.done;
      } catch (e) {
        this.fallBack(describeWriteError(e));
      }
    }
    this.doc = doc;
    this.emit();
  }

  private persist(write: (db: IDBPDatabase) => Promise<unknown>): void {
    const db = this.db;
    if (!db) return;
    this.writes = this.writes.then(async () => {
      if (this.db !== db) return;
      try {
        await write(db);
      } catch (e) {
        this.fallBack(describeWriteError(e));
      }
    });
  }

  private fallBack(reason: string): void {
    if (this._mode.kind === "memory") return;
    this.db = null;
    this._mode = { kind: "memory", reason };
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (e) {
        console.error(e);
      }
    }
  }
}

/**
 * Opens (creating or upgrading) the database. IndexedDB's version is the schema version. Layout 1
 * held the seed's tracker document in store "progress" under key "tracker"; it is migrated to one
 * record per lab inside the upgrade transaction, so a failed migration leaves layout 1 untouched.
 */
export function openProgressDb(name: string, labIds: readonly string[], now: () => number = Date.now): Promise<IDBPDatabase> {
  if (typeof indexedDB === "undefined" || indexedDB === null) return Promise.reject(new Error("IndexedDB is not available in this browser"));
  return openDB(name, SCHEMA_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      const labs = db.createObjectStore("labs", { keyPath: "labId" });
      db.createObjectStore("drafts");
      if (oldVersion === 1 && db.objectStoreNames.contains("progress")) {
        tx.done.catch(() => {}); // an abort below rejects the open itself; that is the error we report
        const old = tx.objectStore("progress");
        void old.get("tracker").then((tracker) => {
          const m = tracker && typeof tracker === "object" ? migrateV1(tracker as Record<string, unknown>, labIds, now()) : null;
          if (m && !m.ok) {
            tx.abort(); // keep the old data rather than lose it; the page runs in memory
            return;
          }
          if (m) for (const r of m.doc.labs.values()) void labs.put(r);
          db.deleteObjectStore("progress");
        });
      }
    },
  });
}

async function readAll(db: IDBPDatabase): Promise<ProgressDoc> {
  const doc = emptyDoc();
  const tx = db.transaction(["labs", "drafts"], "readonly");
  const labs = (await tx.objectStore("labs").getAll()) as LabRecord[];
  for (const r of labs) doc.labs.set(r.labId, r);
  let cursor = await tx.objectStore("drafts").openCursor();
  while (cursor) {
    if (typeof cursor.value === "string") doc.drafts.set(String(cursor.key), cursor.value);
    cursor = await cursor.continue();
  }
  await tx.done;
  return doc;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("opening IndexedDB timed out (blocked by another tab?)")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

function describeOpenError(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  if ((e as Error)?.name === "SecurityError") return "the browser blocks storage for this page (private mode or a third-party iframe)";
  return msg.startsWith("IndexedDB") || msg.startsWith("opening") ? msg : `IndexedDB could not be opened (${msg})`;
}

function describeWriteError(e: unknown): string {
  const name = (e as Error)?.name;
  if (name === "QuotaExceededError") return "browser storage is full";
  return `saving failed (${(e as Error)?.message ?? String(e)})`;
}

let shared: Promise<ProgressStore> | null = null;

/** The page's one store (drafts and labs share it), opened on first use. */
export function sharedProgress(): Promise<ProgressStore> {
  shared ??= ProgressStore.open({ labIds: LAB_IDS });
  return shared;
}
