/**
 * A sandboxed worker for e2e/python.spec.ts: started by the real sandbox frame (its CSP, its
 * protocol: the first message hands over a MessagePort), it boots Pyodide from the files the page
 * hands it (src/workers/python/boot.ts), runs a Python scenario on the simulator under JSPI, then
 * tries the network from Python, and answers with the report. The page's wiring of the Python front
 * (editor, sim-client) does not exist yet; this is the worker half of it, tested for real.
 */
// @ts-expect-error: the Emscripten module has no types; it is bundled into this worker's script.
import createPyodideModule from "pyodide/pyodide.asm.mjs";
import { loadPyodide } from "pyodide";
import { bootPyodide, type PyodideAssets } from "../../src/workers/python/boot";
import { installCeleryPackage, pythonProgram, type PyodideLike } from "../../sim/python/program";
import { createSession } from "../../sim/engine/session";
import { CELERY_PACKAGE } from "./celery-package";

interface ProbeRequest {
  assets: PyodideAssets;
  source: string;
  seed: number;
  attacker: string;
}

self.onmessage = (first: MessageEvent) => {
  const port = first.ports[0]!;
  port.onmessage = async (ev: MessageEvent<ProbeRequest>) => {
    const { assets, source, seed, attacker } = ev.data;
    try {
      const t0 = performance.now();
      const py = (await bootPyodide(assets, loadPyodide as never, createPyodideModule)) as unknown as PyodideLike & { runPythonAsync(code: string): Promise<unknown>; globals: { set(k: string, v: unknown): void } };
      const loadMs = performance.now() - t0;
      installCeleryPackage(py, CELERY_PACKAGE);
      const host = { yieldMacrotask: () => new Promise<void>((r) => setTimeout(r, 0)) };
      const session = await createSession("", { seed, host, file: "scenario.py", program: pythonProgram(py, source) });
      await session.advance();
      const report = session.report({ events: true });
      // Python reaching out: the browser's fetch through the FFI, and Pyodide's own HTTP helper.
      py.globals.set("attacker", attacker);
      const net = await py.runPythonAsync(`
import js
out = []
try:
    await js.fetch(attacker + "/from-python")
    out.append("fetch: reached")
except Exception as e:
    out.append("fetch: " + type(e).__name__)
try:
    from pyodide.http import pyfetch
    await pyfetch(attacker + "/pyfetch")
    out.append("pyfetch: reached")
except Exception as e:
    out.append("pyfetch: " + type(e).__name__)
"; ".join(out)
`);
      port.postMessage({ ok: true, loadMs, report: JSON.parse(JSON.stringify(report)), net });
    } catch (e) {
      port.postMessage({ ok: false, error: String((e as Error)?.stack ?? e) });
    }
  };
};
