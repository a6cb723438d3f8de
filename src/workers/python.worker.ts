/**
 * The simulation worker for Python scenarios: the same simulation API as sim.worker.ts
 * (serve-sim.ts), with sessions made by the Python front (sim/python/program.ts) on a Pyodide booted
 * in this worker from the files the page hands over (`bootPython`, python/boot.ts).
 *
 * Unlike the TypeScript worker, one worker serves every run and replay of the page's Python
 * scenarios: Pyodide's boot takes 7-13 s, so a fresh realm per run is not affordable. Each run
 * still gets fresh module namespaces (one per simulated process); what a scenario does to Python's
 * or JavaScript's globals may outlive its run, which the page accepts for Python.
 *
 * Pyodide's loader uses the host's timers while it starts, so the lockdown (lockdown-core.ts) comes
 * once it has booted, before any learner code exists; loads wait for the boot.
 */
import { lockDown } from "./lockdown-core";
// @ts-expect-error: the Emscripten module has no types; it is bundled into this worker's script.
import createPyodideModule from "pyodide/pyodide.asm.mjs";
import { loadPyodide } from "pyodide";
import { createSession } from "../../sim/engine/session";
import { installCeleryPackage, pythonProgram, type PyodideLike } from "../../sim/python/program";
import { bootPyodide, type PyodideAssets } from "./python/boot";
import { CELERY_PACKAGE } from "./python/celery-package";
import { serveSim } from "./serve-sim";

let pyodide: Promise<PyodideLike> | null = null;

async function boot(assets: PyodideAssets): Promise<PyodideLike> {
  const py = (await bootPyodide(assets, loadPyodide as never, createPyodideModule)) as unknown as PyodideLike;
  installCeleryPackage(py, CELERY_PACKAGE);
  lockDown();
  return py;
}

serveSim(
  async (req, opts) => {
    if (!pyodide) throw new Error("Python is not loaded in this worker");
    const py = await pyodide;
    return createSession("", { ...opts, program: pythonProgram(py, req.code, { file: req.file }) });
  },
  {
    async bootPython(assets: PyodideAssets) {
      const t0 = performance.now();
      pyodide ??= boot(assets);
      await pyodide;
      return { bootMs: performance.now() - t0 };
    },
  },
);
