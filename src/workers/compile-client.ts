/**
 * The UI's handle on the compile worker. Created on first use so the first route does not pay for
 * esbuild's 14 MB wasm; `warm()` can be called when the page is idle to hide the start-up.
 *
 * A compile first looks in the cache (compile-cache.ts): the shipped scenarios and anything compiled
 * before, in this page or an earlier visit, come back in a few ms without esbuild.
 */
import { WorkerBridge } from "./bridge";
import { CompileCache, type ShippedTable } from "./compile-cache";
import { compileKey } from "./compile-key";
import { StaleError, type CompileApi, type CompileResult } from "./protocol";

// Generous: the first call includes fetching and compiling the wasm on a slow network.
const COMPILE_WATCHDOG_MS = 60_000;

/** A compile's answer, with how long it took as the UI saw it and whether the cache answered. */
export type TimedCompile = CompileResult & { compileMs: number; cached: boolean };

let bridge: WorkerBridge<CompileApi> | null = null;
const cache = new CompileCache(() => import("virtual:precompiled").then((m) => m.default as ShippedTable));
const latest = new Map<string, number>();
let seq = 0;

function get(): WorkerBridge<CompileApi> {
  bridge ??= new WorkerBridge<CompileApi>({
    spawn: () => new Worker(new URL("./compile.worker.ts", import.meta.url), { type: "module", name: "compiler" }),
    watchdogMs: COMPILE_WATCHDOG_MS,
  });
  return bridge;
}

let warming: Promise<number> | null = null;
export function warmCompiler(): Promise<number> {
  warming ??= get().call("warm", [], { key: "warm" });
  return warming;
}

/**
 * Latest wins per purpose: an edit made while a lint compile runs supersedes it, but never the
 * compile a Run is waiting for (so use a different `purpose` for each). A superseded call rejects
 * with a StaleError, also when the cache answered it.
 */
export async function compile(source: string, file: string, purpose: "lint" | "run", signal?: AbortSignal): Promise<TimedCompile> {
  const mine = ++seq;
  latest.set(purpose, mine);
  const t0 = performance.now();
  const key = await compileKey(source, file, __ESBUILD_WASM_VERSION__);
  const hit = key ? await cache.get(key) : undefined;
  if (latest.get(purpose) !== mine) throw new StaleError();
  if (hit) return { ...hit, compileMs: performance.now() - t0, cached: true };
  const out = await get().call("compile", [source, file], { key: purpose, ...(signal ? { signal } : {}) });
  if (key && out.ok) void cache.set(key, out);
  return { ...out, compileMs: performance.now() - t0, cached: false };
}
