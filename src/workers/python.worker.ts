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
import { serveSim, type SessionOptions } from "./serve-sim";

let pyodide: Promise<PyodideLike> | null = null;

/**
 * The host's timer, kept before the lockdown for one use: the simulator's macrotask yield after a
 * task body's step (sim.ts flush). A Python body waiting in place (JSPI) resumes through Pyodide's
 * own scheduling, which takes more than the one MessageChannel hop the TypeScript worker yields
 * (worker-host.ts): with that hop alone, a body was still suspended when the run saw nothing left
 * to run, and ended with the task STARTED (seed 42 of the page's Python starter); a timer turn lets
 * every queued message run first, as the Node and probe runs (setTimeout) did.
 */
const hostSetTimeout: (fn: () => void, ms: number) => unknown = setTimeout.bind(globalThis);

/** The worker's host (one per worker, serve-sim.ts), its yield followed by a timer turn; made once. */
const timerTurnHosts = new WeakMap<object, SessionOptions["host"]>();
function withTimerTurn(host: SessionOptions["host"]): SessionOptions["host"] {
  let wrapped = timerTurnHosts.get(host);
  if (!wrapped) {
    const hop = host.yieldMacrotask.bind(host);
    wrapped = Object.assign(Object.create(host) as SessionOptions["host"], {
      async yieldMacrotask() {
        await hop();
        await new Promise<void>((resolve) => hostSetTimeout(resolve, 0));
        // Waiting for a timer is not hanging: say so (throttled). Without it an advance of 256 steps
        // (sim/engine/session.ts checks its budget that often), each a timer turn of 4 ms or far more
        // on a loaded machine, went silent past the watchdog's 2 s and was stopped as a hang.
        host.alive();
      },
    });
    timerTurnHosts.set(host, wrapped);
  }
  return wrapped;
}

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
    return createSession("", { ...opts, host: withTimerTurn(opts.host), program: pythonProgram(py, req.code, { file: req.file }) });
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
