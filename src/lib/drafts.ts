/**
 * Where the learner's code is kept between reloads. The interface is async so IndexedDB (the labs
 * issue) can replace session storage without touching callers. Storage can be missing or throw
 * (private mode, blocked third-party storage in an iframe): then drafts live in memory for the
 * visit, and the editor still works.
 */
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

export function webStorageDrafts(storage: Storage, prefix = "celery-playground:draft:"): DraftStore {
  const fallback = memoryDrafts();
  return {
    persistent: true,
    async load(k) {
      try {
        return storage.getItem(prefix + k);
      } catch {
        return fallback.load(k);
      }
    },
    async save(k, t) {
      try {
        storage.setItem(prefix + k, t);
      } catch {
        // Quota or blocked storage: keep it for this visit at least.
        await fallback.save(k, t);
      }
    },
  };
}

export function defaultDrafts(): DraftStore {
  try {
    const s = globalThis.sessionStorage;
    const probe = "celery-playground:probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return webStorageDrafts(s);
  } catch {
    return memoryDrafts();
  }
}
