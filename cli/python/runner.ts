/**
 * The Node side of cli/python/runner.worker.ts: bundles the worker, serves it and Pyodide's files
 * to a page through routes (no server, no network: whatever else the page or its worker asks for is
 * refused), boots Pyodide, then runs scenarios in it. Used by the CLI (`run scenario.py`, a fresh
 * browser per run), the Python e2e tests and the Python bench.
 */
import type { Page } from "playwright";
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Report } from "../../sim/engine/types";
import type { TraceEvent } from "../../sim/kernel/trace";
import { unpackJson } from "./wire";

/** Set by bin/celery-playground.mjs when it bundles the CLI (the bundle lives under node_modules/.cache). */
declare const __CELERY_PLAYGROUND_ROOT__: string | undefined;

/** The repository's root: the bin's, or the one above this source file. */
export function repoRoot(): string {
  if (typeof __CELERY_PLAYGROUND_ROOT__ === "string") return __CELERY_PLAYGROUND_ROOT__;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "cli", "python", "runner.worker.ts"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find cli/python/runner.worker.ts above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** A worker script with the celery package's .py files as text (this runner's, or the sandbox probe's). */
export async function bundleWorker(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [join(repoRoot(), entry)],
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

export const bundleRunner = () => bundleWorker("cli/python/runner.worker.ts");

export interface PythonRun {
  report: Report;
  trace?: TraceEvent[];
  ms: number;
}

export interface RunRequest {
  seed: number;
  untilS?: number;
  file?: string;
  trace?: boolean;
  events?: boolean;
  costs?: "realistic" | "ideal";
  /** The whole run's limit (ms): past it the run is an error. */
  timeoutMs?: number;
  /**
   * The watchdog (ms): the worker says which code runs and that it works; silent this long, the
   * run is stopped as a hang (`HangReport`) naming the code that ran last.
   */
  watchMs?: number;
}

/** A run the watchdog stopped: the worker said nothing for `watchMs`; `label` ran last. */
export class PythonHang extends Error {
  constructor(readonly label: string | null) {
    super(`no sign of life from ${label ?? "the scenario"}`);
  }
}

export interface PythonRunner {
  loadMs: number;
  run(source: string, opts: RunRequest): Promise<PythonRun>;
}

/** Whatever the page and its worker ask for beyond the runner's files is refused: no network. */
const WORKER_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'none'";

/** Open the runner in `page` (served under baseURL's python-runner/) and boot Pyodide in it. */
export async function startRunner(page: Page, baseURL: string, workerSource: string): Promise<PythonRunner> {
  const root = new URL("python-runner/", baseURL).href;
  const pyodideDir = join(repoRoot(), "node_modules", "pyodide");
  await page.context().route("**/*", (route) => {
    const url = route.request().url();
    if (!url.startsWith(root)) return route.abort("blockedbyclient");
    const name = url.slice(root.length);
    if (name === "index.html") return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>python runner</title>" });
    if (name === "worker.js") return route.fulfill({ contentType: "text/javascript", headers: { "content-security-policy": WORKER_CSP }, body: workerSource });
    if (/^[\w.-]+$/.test(name) && existsSync(join(pyodideDir, name))) return route.fulfill({ body: readFileSync(join(pyodideDir, name)) });
    return route.abort("blockedbyclient");
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
          new Promise<{ ok: boolean; error?: string; hang?: boolean; label?: string | null; json?: string; ms: number }>((resolve) => {
            const w = (globalThis as unknown as { runner: Worker }).runner;
            const timer = setTimeout(() => resolve({ ok: false, error: `no answer in ${opts.timeoutMs ?? 60000} ms`, ms: 0 }), opts.timeoutMs ?? 60000);
            let label: string | null = null;
            let watch: ReturnType<typeof setTimeout> | undefined;
            const beat = () => {
              if (!opts.watchMs) return;
              clearTimeout(watch);
              watch = setTimeout(() => {
                clearTimeout(timer);
                resolve({ ok: false, hang: true, label, ms: 0 });
              }, opts.watchMs);
            };
            beat();
            w.onmessage = (ev) => {
              const d = ev.data as { type?: string; label?: string };
              if (d.type === "enter") label = d.label ?? null;
              if (d.type === "enter" || d.type === "alive") return beat();
              clearTimeout(timer);
              clearTimeout(watch);
              resolve(ev.data);
            };
            const { timeoutMs: _t, watchMs: _w, ...req } = opts;
            w.postMessage({ type: "run", source, ...req });
          }),
        { source, opts },
      );
      if (r.hang) throw new PythonHang(r.label ?? null);
      if (!r.ok) throw new Error(r.error);
      const { report, trace } = unpackJson<{ report: Report; trace?: TraceEvent[] }>(r.json!);
      return { report, ...(trace ? { trace } : {}), ms: r.ms };
    },
  };
}
