/**
 * Vite plugin: the workers that run learner code, each bundled into ONE classic script and handed
 * to the page as a string (`virtual:sandbox-source/sim`, `virtual:sandbox-source/experiment`).
 *
 * Why a string and not a worker URL: those workers are started inside a sandboxed iframe with an
 * opaque origin (src/workers/sandbox.ts). A document with an opaque origin may not start a worker
 * from the site's URL (not same-origin), nor fetch it (its CSP allows no network at all), so the page
 * passes the text in and the frame starts the worker from a `blob:` URL it makes itself; a blob
 * worker inherits the frame's opaque origin and CSP. One classic script, because a blob worker has no
 * base URL to resolve imports against. The same bundle serves `vite` (dev) and `vite build`.
 */
import { build } from "esbuild";
import { resolve } from "node:path";
import type { Plugin } from "vite";

const PREFIX = "virtual:sandbox-source/";

/** The worker entry of each kind of sandboxed worker. */
export const SANDBOX_ENTRIES = {
  sim: "src/workers/sim.worker.ts",
  experiment: "src/workers/experiment.worker.ts",
  // Pyodide's Emscripten module (1.25 MB) and the `celery` package: a lazy chunk of the page,
  // imported only when a Python scenario runs.
  python: "src/workers/python.worker.ts",
} as const;

export type SandboxKind = keyof typeof SANDBOX_ENTRIES;

/** Bundle one sandboxed worker; returns its text and the files it was made from. */
export async function bundleSandboxWorker(root: string, kind: SandboxKind, minify: boolean): Promise<{ code: string; inputs: string[] }> {
  const out = await build({
    entryPoints: [resolve(root, SANDBOX_ENTRIES[kind])],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    minify,
    metafile: true,
    // The `celery` Python package (py/celery) goes in as text; Pyodide's Node-only imports stay out.
    loader: { ".py": "text" },
    external: ["node:*", "ws"],
    legalComments: "none",
    logLevel: "silent",
  });
  return { code: out.outputFiles[0]!.text, inputs: Object.keys(out.metafile!.inputs).map((p) => resolve(root, p)) };
}

export function sandboxPlugin(root: string): Plugin {
  let minify = false;
  return {
    name: "celery-playground:sandbox-source",
    configResolved(config) {
      // SANDBOX_MINIFY=0 keeps the workers' names readable in a build (for profiles and V8's traces).
      minify = config.command === "build" && process.env.SANDBOX_MINIFY !== "0";
    },
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    async load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const kind = id.slice(PREFIX.length + 1) as SandboxKind;
      if (!(kind in SANDBOX_ENTRIES)) throw new Error(`unknown sandboxed worker "${kind}"`);
      const { code, inputs } = await bundleSandboxWorker(root, kind, minify);
      // In dev, an edit to any file of the bundle makes it again.
      for (const f of inputs) this.addWatchFile(f);
      return `export default ${JSON.stringify(code)};`;
    },
  };
}
