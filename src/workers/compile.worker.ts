/**
 * The compile worker: esbuild-wasm behind comlink. It owns the only esbuild instance in the page
 * (initialising twice throws, evanw/esbuild#1266) and runs the same `compileScenario` step as the
 * headless runner, so the page and `npx celery-playground run` compile a file identically.
 */
import * as Comlink from "comlink";
import * as esbuild from "esbuild-wasm";
import wasmURL from "esbuild-wasm/esbuild.wasm?url";
import { compileScenario, type EsbuildLike } from "../../sim/engine/compile";
import type { CompileApi, CompileResult } from "./protocol";

let ready: Promise<number> | null = null;

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
  await compileScenario(esbuild as unknown as EsbuildLike, "export const x: number = 1;", "warmup.ts");
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
  async compile(source: string, file: string): Promise<CompileResult & { workerMs: number }> {
    await init();
    const t0 = performance.now();
    const out = await compileScenario(esbuild as unknown as EsbuildLike, source, file);
    return { ...out, workerMs: performance.now() - t0 };
  },
};

Comlink.expose(api);
