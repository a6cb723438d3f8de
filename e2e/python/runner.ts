/**
 * The Node side of e2e/python/runner.worker.ts: bundles the worker, serves it and Pyodide's files
 * to a page through routes (no server needed), boots Pyodide once, then runs scenarios in it.
 */
import type { Page } from "@playwright/test";
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import type { Report } from "../../sim/engine/types";
import type { TraceEvent } from "../../sim/kernel/trace";

const PYODIDE_DIR = "node_modules/pyodide/";

/** A worker script with the celery package's .py files as text (this runner's, or the sandbox probe's). */
export async function bundleWorker(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    external: ["node:*", "ws"],
    loader: { ".py": "text" },
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

export const bundleRunner = () => bundleWorker("e2e/python/runner.worker.ts");

export interface PythonRun {
  report: Report;
  trace?: TraceEvent[];
  ms: number;
}

export interface PythonRunner {
  loadMs: number;
  run(source: string, opts: { seed: number; untilS?: number; file?: string; trace?: boolean; timeoutMs?: number }): Promise<PythonRun>;
}

/** Open the runner in `page` (served under baseURL's python-runner/) and boot Pyodide in it. */
export async function startRunner(page: Page, baseURL: string, workerSource: string): Promise<PythonRunner> {
  const root = new URL("python-runner/", baseURL).href;
  await page.route(`${root}**`, (route) => {
    const name = route.request().url().slice(root.length);
    if (name === "index.html") return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>python runner</title>" });
    if (name === "worker.js") return route.fulfill({ contentType: "text/javascript", body: workerSource });
    return route.fulfill({ body: readFileSync(PYODIDE_DIR + name) });
  });
  await page.goto(`${root}index.html`);
  const loadMs = await page.evaluate(async () => {
    const w = new Worker("worker.js", { type: "module" });
    (globalThis as unknown as { runner: Worker }).runner = w;
    const [wasm, stdlib, lock] = await Promise.all([
      fetch("pyodide.asm.wasm").then((r) => r.arrayBuffer()),
      fetch("python_stdlib.zip").then((r) => r.arrayBuffer()),
      fetch("pyodide-lock.json").then((r) => r.text()),
    ]);
    const reply = new Promise<{ ok: boolean; loadMs: number; error?: string }>((resolve) => {
      w.onmessage = (ev) => resolve(ev.data);
      w.onerror = (ev) => resolve({ ok: false, loadMs: 0, error: `worker error: ${ev.message}` });
    });
    w.postMessage({ type: "boot", assets: { wasm, stdlib, lock } }, [wasm, stdlib]);
    const r = await reply;
    if (!r.ok) throw new Error(r.error);
    return r.loadMs;
  });
  return {
    loadMs,
    async run(source, opts) {
      const r = await page.evaluate(
        ({ source, opts }) =>
          new Promise<{ ok: boolean; error?: string; report: unknown; trace?: unknown; ms: number }>((resolve) => {
            const w = (globalThis as unknown as { runner: Worker }).runner;
            const timer = setTimeout(() => resolve({ ok: false, error: `no answer in ${opts.timeoutMs ?? 60000} ms`, report: null, ms: 0 }), opts.timeoutMs ?? 60000);
            w.onmessage = (ev) => {
              clearTimeout(timer);
              resolve(ev.data);
            };
            w.postMessage({ type: "run", source, seed: opts.seed, untilS: opts.untilS, file: opts.file, trace: opts.trace });
          }),
        { source, opts },
      );
      if (!r.ok) throw new Error(r.error);
      return r as unknown as PythonRun;
    },
  };
}
