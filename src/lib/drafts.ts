/**
 * Where the learner's code is kept between reloads. The interface is async so callers never care
 * where drafts live: in IndexedDB with the rest of the learner's progress (src/state/progress.ts),
 * or in memory for the visit when storage is blocked or full (private mode, a third-party iframe).
 * The editor works the same either way.
 */
import { sharedProgress, type ProgressStore } from "../state/progress";

export interface DraftStore {
  load(key: string): Promise<string | null>;
  save(key: string, text: string): Promise<void>;
  /** Whether drafts survive a reload (false when storage is blocked). */
  readonly persistent: boolean;
}

export function memoryDrafts(): DraftStore {
  const m = new Map<string, string>();
  return {
    persistent: false,
    load: async (k) => m.get(k) ?? null,
    save: async (k, t) => void m.set(k, t),
  };
}

/** Drafts inside a progress store (they are exported and imported with it). */
export function progressDrafts(store: ProgressStore): DraftStore {
  return {
    get persistent() {
      return store.mode.kind === "idb";
    },
    load: async (k) => store.draft(k),
    save: async (k, t) => store.saveDraft(k, t),
  };
}

/** The page's drafts: the shared progress store, opened on first use. */
export function defaultDrafts(): DraftStore {
  let store: ProgressStore | null = null;
  const ready = sharedProgress().then((s) => (store = s));
  return {
    get persistent() {
      return store?.mode.kind === "idb";
    },
    load: async (k) => (await ready).draft(k),
    save: async (k, t) => (await ready).saveDraft(k, t),
  };
}
