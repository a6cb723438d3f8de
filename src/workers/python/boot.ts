/**
 * Pyodide started inside the sandboxed worker, which has no network (CSP `connect-src 'none'`,
 * opaque origin): the page fetches Pyodide's files at the site's origin and hands them over
 * (ArrayBuffers, transferred), and this serves them to Pyodide's loader from memory.
 *
 * Two things make that work with pyodide 314.0.8:
 * - `createPyodideModule` (a config option its loader reads before `import()`ing
 *   `${indexURL}pyodide.asm.mjs`): the Emscripten module is bundled into the worker's own script,
 *   since a blob worker under this CSP may import nothing;
 * - the loader fetches `pyodide.asm.wasm` and `python_stdlib.zip` with `fetch`: while it loads,
 *   `fetch` answers those two names (and only those) from the handed files, then is put back, so the
 *   scenario meets the browser's own fetch, which the CSP refuses.
 */
export interface PyodideAssets {
  /** pyodide.asm.wasm */
  wasm: ArrayBuffer;
  /** python_stdlib.zip */
  stdlib: ArrayBuffer;
  /** pyodide-lock.json (its text) */
  lock: string;
  /**
   * Pyodide's memory right after a boot (`makeMemorySnapshot`), taken by the page's first Python
   * worker before any learner code existed: a worker booting from it skips Python's start-up, which
   * makes a fresh worker per run affordable.
   */
  snapshot?: ArrayBuffer;
}

/** The files the page fetches, by name in Pyodide's package (the page's loader maps them to URLs). */
export { PYODIDE_FILES } from "./files";

/** A base no request ever reaches: every file comes from `assets`. */
const INDEX_URL = "https://pyodide.invalid/";

type LoadPyodide<P> = (config: Record<string, unknown>) => Promise<P>;

function servedFrom(assets: PyodideAssets): (input: unknown) => Promise<Response> {
  const files: Record<string, () => Response> = {
    "pyodide.asm.wasm": () => new Response(assets.wasm, { headers: { "content-type": "application/wasm" } }),
    "python_stdlib.zip": () => new Response(assets.stdlib, { headers: { "content-type": "application/zip" } }),
  };
  return async (input) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : String((input as Request).url);
    const file = url.startsWith(INDEX_URL) ? files[url.slice(INDEX_URL.length)] : undefined;
    if (!file) throw new TypeError(`no network in the sandbox (${url})`);
    return file();
  };
}

/**
 * Load Pyodide from handed-over files (from `assets.snapshot` when there is one; ready for a snapshot
 * with `makeSnapshot`); `fetch` is the browser's again once it resolves or fails.
 */
export async function bootPyodide<P>(assets: PyodideAssets, loadPyodide: LoadPyodide<P>, createPyodideModule: unknown, opts: { makeSnapshot?: boolean } = {}): Promise<P> {
  const g = globalThis as { fetch: unknown };
  const browserFetch = g.fetch;
  g.fetch = servedFrom(assets);
  try {
    const snapshot = assets.snapshot ? { _loadSnapshot: assets.snapshot } : opts.makeSnapshot ? { _makeSnapshot: true } : {};
    return await loadPyodide({ indexURL: INDEX_URL, lockFileContents: assets.lock, createPyodideModule, packageBaseUrl: INDEX_URL, ...snapshot });
  } finally {
    g.fetch = browserFetch;
  }
}
