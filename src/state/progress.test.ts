import "fake-indexeddb/auto";
import { openDB } from "idb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { contentHash, LIMITS, parseProgressText, ProgressStore, SCHEMA_VERSION, statusOf, type ProgressFile } from "./progress";

const LABS = ["1.1-broker-comparison", "1.2-task-execution", "1.3-error-handling", "p1-eta-visibility-timeout"];
let n = 0;
const fresh = () => `progress-test-${++n}`;
let clock = 1_000;
const now = () => clock;
const open = (dbName: string) => ProgressStore.open({ dbName, labIds: LABS, now });
const ok = (ids: string[], fail: string[] = []) => [...ids.map((id) => ({ id, passed: true })), ...fail.map((id) => ({ id, passed: false }))];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("progress in IndexedDB", () => {
  it("keeps drafts, runs, notes and hints across a reopen", async () => {
    const name = fresh();
    const a = await open(name);
    expect(a.mode).toEqual({ kind: "idb" });
    a.saveDraft("lab:1.3-error-handling", "my code");
    a.startLab("1.3-error-handling", "h1");
    a.recordRun("1.3-error-handling", ok(["a"], ["b"]));
    a.setNotes("1.3-error-handling", "retry needs exc");
    a.revealHint("1.3-error-handling", 2);
    await a.flush();

    const b = await open(name);
    expect(b.draft("lab:1.3-error-handling")).toBe("my code");
    const r = b.lab("1.3-error-handling");
    expect(r).toMatchObject({ attempts: 1, bestScore: 0.5, lastScore: 0.5, passed: ["a"], notes: "retry needs exc", hintsRevealed: 2, contentHash: "h1", completedAt: null });
    expect(statusOf(r)).toBe("in-progress");
  });

  it("scores the best run, completes only when every check passes, and never un-completes", async () => {
    const s = await open(fresh());
    const id = "1.2-task-execution";
    expect(statusOf(s.hasLab(id) ? s.lab(id) : undefined)).toBe("not-started");
    s.recordRun(id, ok(["a", "b"], ["c", "d"]));
    s.recordRun(id, ok(["a"], ["b", "c", "d"]));
    expect(s.lab(id)).toMatchObject({ attempts: 2, bestScore: 0.5, lastScore: 0.25, passed: ["a", "b"], completedAt: null });
    clock = 5_000;
    s.recordRun(id, ok(["a", "b", "c", "d"]));
    expect(s.lab(id).completedAt).toBe(5_000);
    s.recordRun(id, ok([], ["a", "b", "c", "d"]));
    expect(s.lab(id)).toMatchObject({ completedAt: 5_000, bestScore: 1, lastScore: 0, attempts: 4 });
    expect(s.overall()).toEqual({ completed: 1, total: 4, percent: 25 });
  });

  it("revealing the solution does not complete the lab", async () => {
    const s = await open(fresh());
    s.revealSolution("1.1-broker-comparison");
    expect(s.lab("1.1-broker-comparison")).toMatchObject({ solutionRevealed: true, completedAt: null });
    expect(s.overall().completed).toBe(0);
  });

  it("remembers the content a lab was started from until the learner accepts a new one", async () => {
    const s = await open(fresh());
    s.startLab("1.1-broker-comparison", "old");
    s.startLab("1.1-broker-comparison", "new");
    expect(s.lab("1.1-broker-comparison").contentHash).toBe("old");
    s.acceptContent("1.1-broker-comparison", "new");
    expect(s.lab("1.1-broker-comparison").contentHash).toBe("new");
    expect(contentHash("a", "b")).not.toBe(contentHash("ab", ""));
    expect(contentHash("starter", "check")).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe("export and import", () => {
  async function seeded() {
    const s = await open(fresh());
    s.saveDraft("lab:1.3-error-handling", "draft 1.3");
    s.saveDraft("retry-explorer", "sandbox draft");
    s.recordRun("1.3-error-handling", ok(["x"]));
    s.setNotes("1.1-broker-comparison", "AOF keeps it");
    await s.flush();
    return s;
  }

  it("round-trips through a file, into IndexedDB, after a clear", async () => {
    const s = await seeded();
    const file = JSON.stringify(s.exportFile());
    await s.clear();
    expect(s.overall().completed).toBe(0);
    expect(s.draft("lab:1.3-error-handling")).toBeNull();
    const res = await s.importText(file);
    expect(res.ok).toBe(true);
    expect(s.draft("lab:1.3-error-handling")).toBe("draft 1.3");
    expect(s.lab("1.3-error-handling").completedAt).not.toBeNull();
    expect(s.overall().completed).toBe(1);
  });

  it("an import is stored, not only shown", async () => {
    const name = fresh();
    const s = await open(name);
    const src = await seeded();
    await s.importText(JSON.stringify(src.exportFile()));
    const again = await open(name);
    expect(again.lab("1.1-broker-comparison").notes).toBe("AOF keeps it");
    expect(again.draft("retry-explorer")).toBe("sandbox draft");
  });

  const valid = (): ProgressFile => ({
    format: "celery-playground-progress",
    schemaVersion: 2,
    exportedAt: "2025-01-01T00:00:00.000Z",
    labs: {},
    drafts: {},
  });
  const rec = (over: Record<string, unknown> = {}) => ({
    labId: "1.1-broker-comparison",
    startedAt: 1,
    completedAt: null,
    bestScore: 0.5,
    lastScore: 0.5,
    attempts: 1,
    passed: ["a"],
    notes: "",
    hintsRevealed: 0,
    solutionRevealed: false,
    contentHash: null,
    updatedAt: 2,
    ...over,
  });
  const hostile: [string, string, RegExp][] = [
    ["not JSON", "{labs:", /not valid JSON/],
    ["an array", "[]", /not a JSON object/],
    ["another app's file", JSON.stringify({ hello: "world" }), /not a Celery Playground progress file/],
    ["a newer schema", JSON.stringify({ ...valid(), schemaVersion: 9 }), /schema version 9.*newer/],
    ["a prototype key", `{"format":"celery-playground-progress","schemaVersion":2,"labs":{"__proto__":{"labId":"__proto__"}},"drafts":{}}`, /invalid key/],
    ["a bad key", JSON.stringify({ ...valid(), drafts: { "../../etc": "x" } }), /invalid key/],
    ["a draft that is not text", JSON.stringify({ ...valid(), drafts: { a: 1 } }), /draft a is not text/],
    ["a huge draft", JSON.stringify({ ...valid(), drafts: { a: "x".repeat(LIMITS.draftChars + 1) } }), /longer than/],
    ["a score above 1", JSON.stringify({ ...valid(), labs: { "1.1-broker-comparison": rec({ bestScore: 7 }) } }), /bestScore/],
    ["a mismatched labId", JSON.stringify({ ...valid(), labs: { "1.1-broker-comparison": rec({ labId: "other" }) } }), /labId does not match/],
    ["a negative attempt count", JSON.stringify({ ...valid(), labs: { "1.1-broker-comparison": rec({ attempts: -1 }) } }), /whole numbers/],
    ["too many records", JSON.stringify({ ...valid(), drafts: Object.fromEntries(Array.from({ length: LIMITS.records + 1 }, (_, i) => [`k${i}`, ""])) }), /at most/],
    ["labs missing", JSON.stringify({ ...valid(), labs: undefined }), /labs is missing/],
  ];

  it.each(hostile)("refuses %s with the reason, and changes nothing", async (_what, text, reason) => {
    const s = await seeded();
    const before = JSON.stringify({ ...s.exportFile(), exportedAt: "" });
    const res = await s.importText(text);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toMatch(reason);
    expect(JSON.stringify({ ...s.exportFile(), exportedAt: "" })).toBe(before);
    expect(({} as Record<string, unknown>).labId).toBeUndefined();
  });

  it("refuses a file over the size cap without parsing it", () => {
    const spy = vi.spyOn(JSON, "parse");
    const res = parseProgressText(" ".repeat(LIMITS.fileChars + 1), LABS, 0);
    expect(res.ok).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });

  it("a file with one lab merges: the learner's other drafts and records are kept, and the plan says so", async () => {
    const s = await seeded();
    const file = { ...valid(), labs: { "1.1-broker-comparison": rec({ notes: "from the file" }) }, drafts: { "lab:1.1-broker-comparison": "file draft" } };
    const preview = s.previewImport(JSON.stringify(file));
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    // Previewing changes nothing.
    expect(s.lab("1.1-broker-comparison").notes).toBe("AOF keeps it");
    expect(preview.plan).toEqual({
      labs: { added: [], replaced: ["1.1-broker-comparison"], unchanged: [], kept: ["1.3-error-handling"] },
      drafts: { added: ["lab:1.1-broker-comparison"], replaced: [], unchanged: [], kept: ["lab:1.3-error-handling", "retry-explorer"] },
    });
    await s.applyImport(preview);
    expect(s.lab("1.1-broker-comparison").notes).toBe("from the file");
    expect(s.draft("lab:1.1-broker-comparison")).toBe("file draft");
    expect(s.draft("lab:1.3-error-handling")).toBe("draft 1.3");
    expect(s.draft("retry-explorer")).toBe("sandbox draft");
    expect(s.lab("1.3-error-handling").completedAt).not.toBeNull();
  });

  it("keeps the state before an import for one undo, stored", async () => {
    const name = fresh();
    const s = await open(name);
    s.saveDraft("retry-explorer", "mine");
    s.setNotes("1.1-broker-comparison", "my notes");
    await s.flush();
    expect(s.canUndoImport).toBe(false);
    await s.importText(JSON.stringify({ ...valid(), labs: { "1.1-broker-comparison": rec({ notes: "theirs" }) }, drafts: { "retry-explorer": "theirs" } }));
    expect(s.draft("retry-explorer")).toBe("theirs");
    expect(s.canUndoImport).toBe(true);
    expect(await s.undoImport()).toBe(true);
    expect(s.draft("retry-explorer")).toBe("mine");
    expect(s.lab("1.1-broker-comparison").notes).toBe("my notes");
    expect(s.canUndoImport).toBe(false);
    expect(await s.undoImport()).toBe(false);
    const again = await open(name);
    expect(again.draft("retry-explorer")).toBe("mine");
    expect(again.lab("1.1-broker-comparison").notes).toBe("my notes");
  });

  it("accepts a valid file and keeps only known fields", async () => {
    const s = await open(fresh());
    const res = await s.importText(JSON.stringify({ ...valid(), labs: { "1.1-broker-comparison": rec({ extra: "<script>" }) } }));
    expect(res.ok).toBe(true);
    expect(Object.keys(s.lab("1.1-broker-comparison"))).not.toContain("extra");
  });
});

describe("migrations from v1 (the seed course's lab_progress.json)", () => {
  const tracker = {
    learning_path_1: {
      "lab_1.1": { completed: true, score: 95, notes: "Excellent work!", completed_at: "2024-05-01T10:00:00" },
      "lab_1.3": { completed: false, score: null, notes: "" },
    },
    learning_path_9: { "lab_9.9": { completed: true, score: 10, notes: "" } },
  };

  it("imports the tracker file: percent scores, completion, notes; unknown labs skipped and named", async () => {
    const s = await open(fresh());
    const res = await s.importText(JSON.stringify(tracker));
    expect(res.ok && res.notes).toEqual(["lab_9.9 matches no lab in this course; skipped"]);
    expect(s.lab("1.1-broker-comparison")).toMatchObject({ bestScore: 0.95, notes: "Excellent work!", completedAt: Date.parse("2024-05-01T10:00:00") });
    expect(statusOf(s.lab("1.3-error-handling"))).toBe("not-started");
    expect(s.overall().completed).toBe(1);
    // Wrapped with an explicit version, too.
    const w = await open(fresh());
    expect((await w.importText(JSON.stringify({ schemaVersion: 1, progress: tracker }))).ok).toBe(true);
    expect(w.lab("1.1-broker-comparison").bestScore).toBe(0.95);
  });

  it("refuses a v1 file with a bad field", async () => {
    const s = await open(fresh());
    const res = await s.importText(JSON.stringify({ learning_path_1: { "lab_1.1": { completed: "yes" } } }));
    expect(res.ok).toBe(false);
  });

  it("upgrades IndexedDB layout 1 in place, once", async () => {
    const name = fresh();
    const v1 = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore("progress") });
    await v1.put("progress", tracker, "tracker");
    v1.close();

    const s = await open(name);
    expect(s.mode.kind).toBe("idb");
    expect(s.lab("1.1-broker-comparison")).toMatchObject({ bestScore: 0.95, notes: "Excellent work!" });
    s.saveDraft("lab:1.1-broker-comparison", "after upgrade");
    await s.flush();

    const raw = await openDB(name);
    expect(raw.version).toBe(SCHEMA_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(["drafts", "labs"]);
    raw.close();
    const again = await open(name);
    expect(again.draft("lab:1.1-broker-comparison")).toBe("after upgrade");
    expect(again.lab("1.1-broker-comparison").bestScore).toBe(0.95);
  });

  it("a layout-1 document that cannot be migrated is left untouched, and the page runs in memory", async () => {
    const name = fresh();
    const v1 = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore("progress") });
    await v1.put("progress", { learning_path_1: { "lab_1.1": { completed: "maybe" } } }, "tracker");
    v1.close();

    const s = await open(name);
    expect(s.mode.kind).toBe("memory");
    const raw = await openDB(name);
    expect(raw.version).toBe(1);
    expect(await raw.get("progress", "tracker")).toBeTruthy();
    raw.close();
  });
});

describe("when IndexedDB is unavailable or full", () => {
  it("falls back to memory when IndexedDB is missing, and export still works", async () => {
    vi.stubGlobal("indexedDB", undefined);
    const s = await open(fresh());
    expect(s.mode).toEqual({ kind: "memory", reason: "IndexedDB is not available in this browser" });
    s.saveDraft("lab:1.3-error-handling", "kept for the visit");
    s.recordRun("1.3-error-handling", ok(["a"]));
    expect(s.exportFile().drafts["lab:1.3-error-handling"]).toBe("kept for the visit");
    expect(s.exportFile().labs["1.3-error-handling"]!.completedAt).not.toBeNull();
  });

  it("falls back to memory when the browser refuses to open it", async () => {
    const err = Object.assign(new Error("denied"), { name: "SecurityError" });
    vi.stubGlobal("indexedDB", { open: () => { throw err; } });
    const s = await open(fresh());
    expect(s.mode.kind).toBe("memory");
    expect(s.mode.kind === "memory" && s.mode.reason).toMatch(/blocks storage/);
  });

  it("switches to memory when a write fails for quota, keeps the data, and tells subscribers", async () => {
    const s = await open(fresh());
    const seen: string[] = [];
    s.subscribe(() => seen.push(s.mode.kind));
    const quota = Object.assign(new Error("full"), { name: "QuotaExceededError" });
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(() => {
      throw quota;
    });
    s.saveDraft("k", "big text");
    await s.flush();
    expect(s.mode).toEqual({ kind: "memory", reason: "browser storage is full" });
    expect(seen).toContain("memory");
    expect(s.draft("k")).toBe("big text");
    s.saveDraft("k", "still works");
    expect(s.exportFile().drafts.k).toBe("still works");
  });
});
