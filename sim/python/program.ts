/**
 * The Python front: a Python scenario run on the same simulator as a TypeScript one. The session
 * runs it once per simulated process (a ModuleProgram); each time the `celery` package (py/celery)
 * wraps that process's "celery" module object (sim/celery/api.ts) through Pyodide's JS FFI.
 *
 * Pyodide itself is handed in (the page loads it in the sandboxed worker, tests in Node): nothing
 * here loads it. Waiting in place (`time.sleep`, `result.get()`) needs JSPI (Chromium): then task
 * bodies and `main` are called "promising", and `pyodide.ffi.run_sync` suspends them.
 */
import type { ModuleProgram } from "../engine/session";

/** What this module uses of a loaded Pyodide (its full type lives in the page's bundle). */
export interface PyodideLike {
  runPython(code: string): unknown;
  pyimport(name: string): any;
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: string): void };
  setStdout?(opts: { batched: (line: string) => void }): void;
}

/** Where an error the Python code raised came from, for the page and the report. */
export interface PythonErrorInfo {
  name: string;
  message: string;
  traceback: string;
}

type Callable = ((...args: unknown[]) => any) & { callPromising?: (...args: unknown[]) => Promise<any> };
type Outcome = { ok: boolean; value?: unknown; error?: unknown };

/** Writes the `celery` package (file name → text, e.g. "__init__.py") where Python imports it. */
export function installCeleryPackage(py: PyodideLike, files: Record<string, string>): void {
  const site = String(py.runPython("import sysconfig; sysconfig.get_paths()['purelib']"));
  py.FS.mkdirTree(`${site}/celery`);
  for (const [name, text] of Object.entries(files)) py.FS.writeFile(`${site}/celery/${name}`, text);
  py.runPython("import importlib; importlib.invalidate_caches(); import celery, celery.exceptions, celery.states, celery._runtime");
}

/** Whether this Pyodide can wait on a promise in place (JSPI). */
export function canWaitInPlace(py: PyodideLike): boolean {
  return Boolean(py.runPython("from pyodide.ffi import can_run_sync; can_run_sync()")) || hasJspi();
}

function hasJspi(): boolean {
  const wasm = (globalThis as { WebAssembly?: { Suspending?: unknown } }).WebAssembly;
  return typeof wasm?.Suspending === "function";
}

/** A JavaScript error standing for a Python exception (its class name, message and traceback). */
function pythonError(name: string, message: string, traceback: string, pyId: number): Error {
  const e = new Error(message) as Error & { traceback: string; pyId: number };
  Object.defineProperty(e, "name", { value: name, writable: true, configurable: true });
  e.traceback = traceback;
  e.stack = traceback;
  e.pyId = pyId;
  return e;
}

function settle(r: Outcome): unknown {
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * The program for one Python scenario. `source` is the learner's text, `file` its name in
 * tracebacks. Task bodies become simulator task functions; `main()` becomes the module's default.
 */
export function pythonProgram(py: PyodideLike, source: string, opts: { file?: string; jspi?: boolean } = {}): ModuleProgram {
  const runtime = py.pyimport("celery._runtime");
  const jspi = opts.jspi ?? hasJspi();
  const file = opts.file ?? "scenario.py";
  const program: ModuleProgram = (require, module, g, engine) => {
    const celery = require("celery") as { sleep(s: number): Promise<void>; now(): number };
    const helpers = {
      jspi,
      error: pythonError,
      sleep: (s: number) => celery.sleep(s),
      now: () => celery.now(),
      /** Whether `args` begins with `head`'s elements, the same values (a body called with its request's args). */
      startsWith: (args: unknown[], head: unknown[]) => args.length >= head.length && head.every((x, i) => Object.is(args[i], x)),
      /**
       * A simulator task function (bound: `self` first) calling the Python body; its `length` is
       * `self` plus the body's own parameters, since the simulator reads a task's arity as Celery
       * does (an errback taking request, exc, traceback is called inline).
       */
      task: (call: Callable, arity: number) => {
        const fn = jspi
          ? async function (self: unknown, ...args: unknown[]) {
              return settle(await call.callPromising!(self, args));
            }
          : function (self: unknown, ...args: unknown[]) {
              return settle(call(self, args));
            };
        return Object.defineProperty(fn, "length", { value: 1 + arity });
      },
      /** A task hook (on_success...): `this` is the execution's view of the task, handed on first. */
      hook: (call: Callable) =>
        function (this: unknown, ...args: unknown[]) {
          return settle(call(this, args));
        },
      main: (call: Callable) => (jspi ? async () => settle(await call.callPromising!()) : () => settle(call())),
      /**
       * A `threading.Thread` of the scenario (py/celery/_threading.py), in the caller's context:
       * `call(began)` is its Python bootstrap, which calls `began()` first. Pyodide starts a promising
       * call on a later host turn, so the caller waits in place for `started` (under `hold`, so the
       * flush waits for both flows) and goes on once the thread first waits, as after calling an
       * async function without `await` in TypeScript; `ended` settles when it ends. Without JSPI
       * it runs to its end at once.
       */
      spawn: (call: Callable): { started: Promise<void>; ended: Promise<unknown> } => {
        if (!jspi) {
          call(() => {});
          return { started: Promise.resolve(), ended: Promise.resolve() };
        }
        let began!: () => void;
        const started = new Promise<void>((resolve) => (began = resolve));
        return { started, ended: call.callPromising!(() => began()) };
      },
      /** The flush keeps the caller's context running until the returned function is called (Sim.hold). */
      hold: () => engine.hold(),
      /** Whichever settles first (a `join(timeout)`: the thread's end or the timeout's sleep). */
      race: (a: Promise<unknown>, b: Promise<unknown>) => Promise.race([a, b]),
      /**
       * A signal dispatcher for the simulator's Signal (sim/celery/signals.ts). Under JSPI it is
       * called promising, so a receiver may wait in place (a Redis call in task_postrun); the
       * simulator goes on meanwhile, as with a TypeScript async handler. Receivers' errors are
       * logged on the Python side (Celery's Signal.send logs and goes on), so it never rejects.
       * Pyodide starts the call on a later host turn, when another context may be running: the
       * dispatcher gets its flow (Sim.lateFlow) and says when it runs, so its Redis calls and sleeps
       * are its own (its bridge's `flow`, py/celery/_process.py).
       */
      signal: (call: Callable) => (jspi ? (args: unknown) => call.callPromising!(engine.flow(), args) : (args: unknown) => call(undefined, args)),
    };
    // print() goes to the scenario's console, as console.log does in TypeScript.
    py.setStdout?.({ batched: (line) => g.console.log(line) });
    const err = runtime.run_module(source, file, celery, module, g, helpers);
    if (err) throw err;
  };
  // Python code between two waits is synchronous: a woken body certainly waits again or ends, so
  // the flush may give it many host turns (Pyodide's scheduling resumes it; see Sim.resumeTurns).
  // The bound only matters for a body waiting on a promise the simulator does not own.
  if (jspi) program.resumeTurns = PYTHON_RESUME_TURNS;
  // callPromising starts the call in a later host turn (Pyodide schedules it): a signal receiver
  // called as a task ends must still run at that moment of simulated time.
  if (jspi) program.nestedStartsLate = true;
  return program;
}

/** Host macrotask turns a woken Python context may take to wait again or end (Sim.resumeTurns). */
export const PYTHON_RESUME_TURNS = 64;
