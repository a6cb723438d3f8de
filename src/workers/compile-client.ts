/**
 * The UI's handle on the compile worker. Created on first use so the first route does not pay for
 * esbuild's 14 MB wasm; `warm()` can be called when the page is idle to hide the start-up.
 *
 * A compile first looks in the cache (compile-cache.ts): the shipped scenarios and anything compiled
 * before, in this page or an earlier visit, come back in a few ms without esbuild.
 */
import { WorkerBridge } from "./bridge";
import { CompileCache, type ShippedTable } from "./compile-cache";
import { compileKey } from "./compile-key";
import { isAbort, isCompilerCrashed, StaleError, type CompileApi, type CompileResult } from "./protocol";

// Generous: the first call includes fetching and compiling the wasm on a slow network.
const COMPILE_WATCHDOG_MS = 60_000;

/**
 * A compile's answer, with how long it took as the UI saw it, whether the cache answered, and (when
 * esbuild ran) how long the build took inside the worker.
 */
export type TimedCompile = CompileResult & { compileMs: number; cached: boolean; workerMs?: number };

let bridge: WorkerBridge<CompileApi> | null = null;
const cache = new CompileCache(() => import("virtual:precompiled").then((m) => m.default as ShippedTable));
const latest = new Map<string, number>();
let seq = 0;

/** esbuild-wasm died in the worker; the calls it was answering get this, turned into a diagnostic. */
export class CompilerCrashedError extends Error {
  override name = "CompilerCrashedError";
}

function get(): WorkerBridge<CompileApi> {
  bridge ??= new WorkerBridge<CompileApi>({
    spawn: () => new Worker(new URL("./compile.worker.ts", import.meta.url), { type: "module", name: "compiler" }),
    watchdogMs: COMPILE_WATCHDOG_MS,
    onSideMessage: (d) => {
      if (isCompilerCrashed(d)) replaceWorker(d.message);
    },
  });
  return bridge;
}

/** How many times a crashed compiler was replaced (tests read it through window.__compiler). */
let replaced = 0;

/**
 * A dead esbuild fails every later compile with the same stale error, so the worker goes: its
 * calls in flight fail with a clear error, and the next compile starts a fresh worker (and pays
 * esbuild's start-up again, ~1.5 s on 2 cores).
 */
function replaceWorker(why: string): void {
  replaced++;
  esbuildReady = false;
  warming = null;
  bridge?.fail(new CompilerCrashedError(crashMessage(why)));
}

function crashMessage(why: string): string {
  const deep = /call stack|stack overflow|recursion/i.test(why);
  return `The compiler crashed on this code (${why.slice(0, 200)})${deep ? ": is something nested thousands of levels deep?" : ""}. It has been restarted: change the code and compile again.`;
}

declare global {
  interface Window {
    /** For the e2e suite: how many crashed compilers were replaced, and how many workers started. */
    __compiler?: { replaced(): number; spawned(): number };
  }
}
if (typeof window !== "undefined") window.__compiler = { replaced: () => replaced, spawned: () => bridge?.spawned ?? 0 };

let warming: Promise<number> | null = null;
/** esbuild-wasm has started in the worker (a warm-up or a compile came back). */
let esbuildReady = false;
export function warmCompiler(): Promise<number> {
  warming ??= get()
    .call("warm", [], { key: "warm" })
    .then(
      (ms) => {
        esbuildReady = true;
        return ms;
      },
      (e) => {
        // Forget a failed start (offline, a killed worker), so a later warm-up tries again.
        warming = null;
        throw e;
      },
    );
  return warming;
}

/**
 * Latest wins per purpose: an edit made while a lint compile runs supersedes it, but never the
 * compile a Run is waiting for (so use a different `purpose` for each). A superseded call rejects
 * with a StaleError, also when the cache answered it.
 */
export async function compile(source: string, file: string, purpose: "lint" | "run", signal?: AbortSignal): Promise<TimedCompile> {
  const mine = ++seq;
  latest.set(purpose, mine);
  const t0 = performance.now();
  const check = () => {
    if (latest.get(purpose) !== mine) throw new StaleError();
  };
  const key = compileKey(source, file, __ESBUILD_WASM_VERSION__);
  // With esbuild already running, start it at once: the cache lookups below then cost nothing when
  // they miss. Before it runs, a shipped scenario must not start it (1.5 s of CPU on a cold load).
  let compiled = esbuildReady ? compileOnce(key, source, file, purpose, signal) : null;
  const quick = await cache.quick(key);
  check();
  if (quick) {
    compiled?.catch(() => {});
    return { ...quick, compileMs: performance.now() - t0, cached: true };
  }
  compiled ??= compileOnce(key, source, file, purpose, signal);
  // IndexedDB and esbuild race: a draft compiled in an earlier visit comes back from the database
  // in a few ms, and a miss there costs nothing while esbuild already works.
  const hit = await Promise.race([cache.stored(key), compiled.then(noHit, noHit)]);
  check();
  if (hit) {
    compiled.catch(() => {});
    return { ...hit, compileMs: performance.now() - t0, cached: true };
  }
  const out = await compiled;
  check();
  return { ...out, compileMs: performance.now() - t0, cached: false };
}

const noHit = () => undefined;

function diagnostic(file: string, message: string) {
  return { file, line: 1, column: 1, length: 0, severity: "error" as const, message, lineText: "" };
}

function crashedResult(file: string, why: string): CompileResult {
  return { ok: false, diagnostics: [diagnostic(file, crashMessage(why))] };
}

const inflight = new Map<string, Promise<CompileResult & { workerMs?: number }>>();

/** One esbuild call per text at a time: a Run pressed while the lint compile of the same text runs waits for that one. */
function compileOnce(key: string | null, source: string, file: string, purpose: string, signal?: AbortSignal): Promise<CompileResult & { workerMs?: number }> {
  const running = key ? inflight.get(key) : undefined;
  // The call being waited on may be superseded (its purpose's newer text): then compile anew.
  if (running) return running.catch((e) => (isAbort(e) ? compileOnce(null, source, file, purpose, signal) : Promise.reject(e)));
  const p = get()
    .call("compile", [source, file], { key: purpose, ...(signal ? { signal } : {}) })
    .then((out): CompileResult & { workerMs?: number } => {
      const { workerMs: _timing, crashed, ...result } = out;
      if (crashed !== undefined) {
        replaceWorker(crashed);
        return crashedResult(file, crashed);
      }
      esbuildReady = true;
      if (key && result.ok) void cache.set(key, result);
      return { ...result, workerMs: out.workerMs };
    })
    .catch((e: unknown) => {
      if (e instanceof CompilerCrashedError) return { ok: false as const, diagnostics: [diagnostic(file, e.message)] };
      throw e;
    })
    .finally(() => key && inflight.get(key) === p && inflight.delete(key));
  if (key) inflight.set(key, p);
  return p;
}
