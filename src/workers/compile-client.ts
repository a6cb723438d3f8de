/**
 * The UI's handle on the compile worker. Created on first use so the first route does not pay for
 * esbuild's 14 MB wasm; `warm()` can be called when the page is idle to hide the start-up.
 */
import { WorkerBridge } from "./bridge";
import type { CompileApi, CompileResult } from "./protocol";

// Generous: the first call includes fetching and compiling the wasm on a slow network.
const COMPILE_WATCHDOG_MS = 60_000;

let bridge: WorkerBridge<CompileApi> | null = null;

function get(): WorkerBridge<CompileApi> {
  bridge ??= new WorkerBridge<CompileApi>({
    spawn: () => new Worker(new URL("./compile.worker.ts", import.meta.url), { type: "module", name: "compiler" }),
    watchdogMs: COMPILE_WATCHDOG_MS,
  });
  return bridge;
}

export function warmCompiler(): Promise<number> {
  return get().call("warm", [], { key: "warm" });
}

/**
 * Latest wins per purpose: an edit made while a lint compile runs supersedes it, but never the
 * compile a Run is waiting for (so use a different `purpose` for each).
 */
export function compile(source: string, file: string, purpose: "lint" | "run", signal?: AbortSignal): Promise<CompileResult> {
  return get().call("compile", [source, file], { key: purpose, ...(signal ? { signal } : {}) });
}
