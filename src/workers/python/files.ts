/** Where the site serves Pyodide's files, and which (scripts/vite/pyodide-assets-plugin.ts copies them there). */
export const PYODIDE_DIR = "pyodide/";
export const PYODIDE_FILES = ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"] as const;
