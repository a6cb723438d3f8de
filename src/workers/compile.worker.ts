/**
 * The compile worker: esbuild-wasm behind comlink. It owns the only esbuild instance in the page
 * (initialising twice throws, evanw/esbuild#1266) and runs the same `compileScenario` step as the
 * headless runner, so the page and `npx celery-playground run` compile a file identically.
 *
 * esbuild-wasm can die on hostile input (20 kB of nested parentheses overflow its Go stack), and a
 * dead instance fails every later compile with the same stale error. So the worker watches for it —
 * a transform that throws something other than build errors, or an uncaught error in the worker —
 * and says so: in the compile's answer (`crashed`) and, in case the call never settles, on the side
 * channel. The page then replaces the worker (compile-client.ts).
 */
import * as Comlink from "comlink";
import * as esbuild from "esbuild-wasm";
import wasmURL from "esbuild-wasm/esbuild.wasm?url";
import { compileScenario, type EsbuildLike } from "../../sim/engine/compile";
import { COMPILER_CRASHED, type CompileApi, type CompileResult, type CompilerCrashedMessage } from "./protocol";

let ready: Promise<number> | null = null;
/** Why esbuild is unusable, once it is. */
let crashed: string | null = null;

function markCrashed(why: unknown): void {
  if (crashed !== null) return;
  crashed = String((why as Error)?.message ?? why) || "esbuild stopped";
  const m: CompilerCrashedMessage = { channel: COMPILER_CRASHED, message: crashed };
  self.postMessage(m);
}
self.addEventListener("error", (e) => markCrashed(e.message || e.error));
self.addEventListener("unhandledrejection", (e) => markCrashed(e.reason));

/** esbuild's transform, noting a throw that is not a build error (the instance is then broken). */
const guarded: EsbuildLike = {
  async transform(source, options) {
    try {
      return await (esbuild as unknown as EsbuildLike).transform(source, options);
    } catch (e) {
      const errors = (e as { errors?: unknown[] }).errors;
      if (!Array.isArray(errors) || errors.length === 0) markCrashed(e);
      throw e;
    }
  },
};

async function start(): Promise<number> {
  const t0 = performance.now();
  try {
    // `worker: false`: this is already a worker; a nested one would add a thread and a hop per compile.
    await esbuild.initialize({ wasmURL, worker: false });
  } catch {
    // Seen when a service worker takes control mid-download ("Response body loading was
    // aborted"). esbuild resets itself after a failed initialize, so one retry is safe.
    await esbuild.initialize({ wasmURL, worker: false });
  }
  // The first build after initialize is 10x slower than the rest (JIT, Go runtime warm-up); pay it now.
  await compileScenario(guarded, "export const x: number = 1;", "warmup.ts");
  return performance.now() - t0;
}

function init(): Promise<number> {
  // A failed start is forgotten, so the next compile tries again instead of failing forever.
  ready ??= start().catch((e) => {
    ready = null;
    throw e;
  });
  return ready;
}

const api: CompileApi = {
  warm: init,
  async compile(source: string, file: string): Promise<CompileResult & { workerMs: number; crashed?: string }> {
    await init();
    const t0 = performance.now();
    const out = await compileScenario(guarded, source, file);
    return { ...out, workerMs: performance.now() - t0, ...(crashed !== null ? { crashed } : {}) };
  },
};

Comlink.expose(api);
