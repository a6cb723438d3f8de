/**
 * The simulation worker for Python scenarios: the same simulation API as sim.worker.ts
 * (serve-sim.ts), with sessions made by the Python front (sim/python/program.ts) on a Pyodide booted
 * in this worker from the files the page hands over (`bootPython`, python/boot.ts).
 *
 * Like the TypeScript worker, a Python worker serves one run (or replay, or grading run) and is then
 * thrown away (sim-client.ts), so nothing a scenario does to Python's or JavaScript's globals
 * outlives its run. A full boot takes seconds, so only the page's first Python worker does one: it
 * takes a snapshot of Pyodide's memory right after the boot (before the celery package and before
 * any learner code) and gives it to the page, and every later worker boots from that snapshot.
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

/** The snapshot this worker took (its page's first boot), handed to the page once. */
let snapshot: ArrayBuffer | undefined;

async function boot(assets: PyodideAssets): Promise<PyodideLike> {
  const makeSnapshot = !assets.snapshot;
  const py = (await bootPyodide(assets, loadPyodide as never, createPyodideModule, { makeSnapshot })) as unknown as PyodideLike & { makeMemorySnapshot?: () => Uint8Array };
  // Taken before anything else runs in this interpreter: the snapshot holds Python as it boots.
  if (makeSnapshot && py.makeMemorySnapshot) {
    const bytes = py.makeMemorySnapshot();
    snapshot = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
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
      const out = { bootMs: performance.now() - t0, ...(snapshot ? { snapshot } : {}) };
      snapshot = undefined;
      return out;
    },
  },
);
