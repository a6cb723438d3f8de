/**
 * Where compiled scenarios are kept so a Run rarely waits for esbuild-wasm: the page's memory, the
 * scenarios shipped precompiled with the site (examples, lab starters and solutions: see
 * scripts/vite/precompile-plugin.ts), and IndexedDB, so a learner's draft runs at once after a
 * reload. Only clean compiles are cached. It is a cache: every failure to read or write it is a
 * miss, never an error, and its database can be dropped at any time (no migrations: the key
 * carries the compiler version).
 */
import { openDB, type IDBPDatabase } from "idb";
import type { CompileResult } from "./protocol";

type Ok = Extract<CompileResult, { ok: true }>;
export type ShippedTable = Record<string, () => Promise<{ default: Ok }>>;

const DB_NAME = "celery-playground-compile-cache";
const STORE = "compiled";
/** Drafts kept in IndexedDB; the oldest used go first. */
export const MAX_STORED = 64;
const MAX_MEMORY = 32;

interface Row {
  key: string;
  result: Ok;
  usedAt: number;
}

export class CompileCache {
  private readonly memory = new Map<string, Ok>();
  private db: Promise<IDBPDatabase | null> | null = null;

  constructor(
    private readonly shipped: () => Promise<ShippedTable>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<Ok | undefined> {
    return (await this.quick(key)) ?? (await this.stored(key));
  }

  /** Memory, then the shipped table: no I/O beyond a small chunk of this site. */
  async quick(key: string): Promise<Ok | undefined> {
    const mem = this.memory.get(key);
    if (mem) return this.remember(key, mem);
    try {
      const load = (await this.shipped())[key];
      if (load) return this.remember(key, (await load()).default);
    } catch {
      // A missing chunk (an old tab after a deploy, offline): fall through to the compiler.
    }
    return undefined;
  }

  /** IndexedDB (compiled in an earlier visit). */
  async stored(key: string): Promise<Ok | undefined> {
    const db = await this.open();
    if (!db) return undefined;
    try {
      const row = (await db.get(STORE, key)) as Row | undefined;
      if (!row) return undefined;
      void db.put(STORE, { ...row, usedAt: this.now() }).catch(() => {});
      return this.remember(key, row.result);
    } catch {
      return undefined;
    }
  }

  async set(key: string, result: Ok): Promise<void> {
    this.remember(key, result);
    const db = await this.open();
    if (!db) return;
    try {
      await db.put(STORE, { key, result, usedAt: this.now() } satisfies Row);
      const count = await db.count(STORE);
      if (count > MAX_STORED) {
        const rows = (await db.getAll(STORE)) as Row[];
        rows.sort((a, b) => a.usedAt - b.usedAt);
        const tx = db.transaction(STORE, "readwrite");
        await Promise.all([...rows.slice(0, count - MAX_STORED).map((r) => tx.store.delete(r.key)), tx.done]);
      }
    } catch {
      // Quota, private mode: the next load compiles again.
    }
  }

  private remember(key: string, r: Ok): Ok {
    this.memory.delete(key);
    this.memory.set(key, r);
    if (this.memory.size > MAX_MEMORY) this.memory.delete(this.memory.keys().next().value!);
    return r;
  }

  private open(): Promise<IDBPDatabase | null> {
    this.db ??= typeof indexedDB !== "undefined"
      ? openDB(DB_NAME, 1, {
          upgrade(db) {
            db.createObjectStore(STORE, { keyPath: "key" });
          },
        }).catch(() => null)
      : Promise.resolve(null);
    return this.db;
  }
}
