/**
 * Pyodide's files as the page fetches them (at `pyodide/` of the site, scripts/vite/
 * pyodide-assets-plugin.ts), once per page and only when a Python scenario runs: 12 MB that the
 * TypeScript path never loads. The service worker stores them on this first fetch (public/sw.js), so
 * a later visit, online or not, gets them from its cache.
 *
 * The page keeps them for the page's life: a worker killed by the watchdog boots again from them.
 */
import type { PyodideAssets } from "./boot";
import { PYODIDE_DIR } from "./files";

let files: Promise<PyodideAssets> | null = null;

async function get(name: string): Promise<Response> {
  const res = await fetch(new URL(PYODIDE_DIR + name, document.baseURI));
  if (!res.ok) throw new Error(`Python could not be loaded (${name}: HTTP ${res.status})`);
  return res;
}

export function pyodideAssets(): Promise<PyodideAssets> {
  files ??= Promise.all([get("pyodide.asm.wasm").then((r) => r.arrayBuffer()), get("python_stdlib.zip").then((r) => r.arrayBuffer()), get("pyodide-lock.json").then((r) => r.text())]).then(
    ([wasm, stdlib, lock]) => ({ wasm, stdlib, lock }),
    (e: unknown) => {
      // A failed fetch (offline before the first load) is tried again on the next run.
      files = null;
      throw e;
    },
  );
  // Handed over by structured clone (never transferred), so they stay here for the next boot.
  return files;
}
