/**
 * Vite plugin: Pyodide's files, self-hosted at `pyodide/<name>` of the site (no CDN: the page must
 * work offline once they are cached). `vite build` copies them from the `pyodide` package into
 * dist/pyodide/; the dev server serves them from node_modules. The page fetches them only when a
 * Python scenario runs (src/workers/python/assets.ts) and hands them to the sandboxed worker; the
 * service worker stores them on that first use, not at install (public/sw.js, LAZY_PREFIXES).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Plugin } from "vite";
import { PYODIDE_DIR, PYODIDE_FILES } from "../../src/workers/python/files";

export function pyodideAssetsPlugin(root: string): Plugin {
  const source = (name: string) => resolve(root, "node_modules/pyodide", name);
  return {
    name: "celery-playground:pyodide-assets",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? "").split("?")[0]!;
        const at = path.indexOf(`/${PYODIDE_DIR}`);
        const name = at >= 0 ? path.slice(at + PYODIDE_DIR.length + 1) : "";
        if (!(PYODIDE_FILES as readonly string[]).includes(name)) return next();
        res.setHeader("content-type", name.endsWith(".wasm") ? "application/wasm" : name.endsWith(".json") ? "application/json" : "application/zip");
        res.end(readFileSync(source(name)));
      });
    },
    generateBundle() {
      for (const name of PYODIDE_FILES) this.emitFile({ type: "asset", fileName: PYODIDE_DIR + name, source: readFileSync(source(name)) });
    },
  };
}
