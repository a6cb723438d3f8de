import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { CompileCache, MAX_STORED, type ShippedTable } from "./compile-cache";
import { compileKey } from "./compile-key";

const ok = (code: string) => ({ ok: true as const, code, warnings: [] });
/** Each test gets its own database (the cache opens a fixed name, so reset the global factory). */
async function fresh(): Promise<void> {
  const { IDBFactory } = await import("fake-indexeddb");
  (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
}

describe("CompileCache", () => {
  it("answers shipped entries, then from memory, and misses everything else", async () => {
    await fresh();
    let loads = 0;
    const shipped: ShippedTable = { k1: async () => (loads++, { default: ok("shipped") }) };
    const c = new CompileCache(async () => shipped);
    expect(await c.get("k1")).toEqual(ok("shipped"));
    expect(await c.get("k1")).toEqual(ok("shipped"));
    expect(loads).toBe(1);
    expect(await c.get("other")).toBeUndefined();
  });

  it("keeps what was compiled across page loads (IndexedDB), and drops the least recently used", async () => {
    await fresh();
    let t = 0;
    const a = new CompileCache(async () => ({}), () => t++);
    for (let i = 0; i < MAX_STORED + 3; i++) await a.set(`k${i}`, ok(`code ${i}`));
    const b = new CompileCache(async () => ({}), () => t++);
    expect(await b.get("k5")).toEqual(ok("code 5"));
    expect(await b.get(`k${MAX_STORED + 2}`)).toEqual(ok(`code ${MAX_STORED + 2}`));
    // The three oldest went to make room.
    expect(await b.get("k0")).toBeUndefined();
    expect(await b.get("k2")).toBeUndefined();
    expect(await b.get("k3")).toEqual(ok("code 3"));
  });

  it("treats a missing shipped chunk as a miss, not an error", async () => {
    await fresh();
    const c = new CompileCache(async () => ({ gone: () => Promise.reject(new Error("404")) }));
    expect(await c.get("gone")).toBeUndefined();
    const d = new CompileCache(() => Promise.reject(new Error("offline")));
    expect(await d.get("x")).toBeUndefined();
  });

  it("keys by file, exact text and compiler version", () => {
    const k = compileKey("a", "scenario.ts", "0.28.2");
    expect(k).toMatch(/^esbuild-0\.28\.2-[0-9a-z]+-[0-9a-z]+-[0-9a-z]+$/);
    expect(compileKey("a", "scenario.ts", "0.28.2")).toBe(k);
    expect(compileKey("a ", "scenario.ts", "0.28.2")).not.toBe(k);
    expect(compileKey("b", "scenario.ts", "0.28.2")).not.toBe(k);
    expect(compileKey("a", "other.ts", "0.28.2")).not.toBe(k);
    expect(compileKey("a", "scenario.ts", "0.28.3")).not.toBe(k);
  });

  it("gives distinct keys to many near-identical texts (one character apart)", () => {
    const base = "export default async function main() { return 1; }\n".repeat(20);
    const keys = new Set<string>();
    for (let i = 0; i < base.length; i++) for (const c of "#@") keys.add(compileKey(base.slice(0, i) + c + base.slice(i + 1), "scenario.ts", "1"));
    expect(keys.size).toBe(base.length * 2);
  });
});
