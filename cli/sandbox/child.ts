/**
 * The sandbox's child process (started by host.ts with `node --experimental-permission -e`, so it
 * may read, write and spawn nothing). It reads {runtime, job} on stdin, evaluates the runtime in a
 * vm context whose global is the context's own (no host object in it), drives it with short
 * scripts under a timeout, and writes ChildMessage lines on stdout.
 *
 * Rules that keep the context closed: nothing but string literals goes in; only `typeof`-checked
 * strings come out; a value the context throws is never read (its getters or its stack formatter
 * would run scenario code here, outside any timeout). A stack formatter in the context is given no
 * function or `this` of ours: V8 hides other contexts' (measured), and this file is strict besides.
 */
"use strict";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { HEARTBEAT_EVERY_MS } from "../../sim/engine/hang-watch";
import { nextTickTimeoutMs } from "../../sim/engine/hang";
import type { ChildMessage, SandboxJob, TickState } from "./protocol";

interface ChildInput {
  runtime: string;
  job: SandboxJob;
  /** Real time one tick may take before the code running is called hung. */
  hangTimeoutMs: number;
  /** Real time building the report may take (the simulator's own work, never blamed on the scenario). */
  reportTimeoutMs: number;
}

/** The shared heartbeat cadence (the host's HangWatch hears these). */
const BEAT_MS = HEARTBEAT_EVERY_MS;
const parentPid = process.ppid;

function send(m: ChildMessage): void {
  process.stdout.write(JSON.stringify(m) + "\n");
}

/** Send the run's verdict: nothing more comes of this run. */
function sent(m: ChildMessage): null {
  send(m);
  return null;
}

type Call = { ok: true; value: string } | { ok: false; timeout: boolean };

/** The runtime's refusal of `import()`: an error of the context's realm (not read here, only thrown). */
const importRefusal = new vm.Script("__cp.importRefusal()", { filename: "celery-playground:sandbox" });

/** Each short script compiled once: a big run calls `__cp.tick()` thousands of times. */
const scripts = new Map<string, vm.Script>();

function call(ctx: vm.Context, source: string, timeoutMs: number, importModuleDynamically?: () => never): Call {
  const t0 = performance.now();
  try {
    let script = scripts.get(source);
    if (!script) {
      script = new vm.Script(source, { filename: "celery-playground:sandbox", ...(importModuleDynamically ? { importModuleDynamically } : {}) });
      // The runtime (megabytes, once) and the job's start are not kept.
      if (source.length < 100) scripts.set(source, script);
    }
    const v: unknown = script.runInContext(ctx, { timeout: timeoutMs, breakOnSigint: false });
    return typeof v === "string" ? { ok: true, value: v } : { ok: false, timeout: false };
  } catch {
    // What was thrown is never read (see above); Node's timeout error is made in the context's
    // realm too, so a timeout is told by the clock, which the scenario cannot move.
    return { ok: false, timeout: performance.now() - t0 >= timeoutMs };
  }
}

/**
 * A tick cut by its timeout is judged by what the context says after it: a limit or a forbidden
 * global reached first wins; a heap all but full is the memory limit (V8's GCs near the cap, not the
 * scenario, took the time); a scenario still calling the simulator was working; else it hung.
 */
function verdictAfterTimeout(ctx: vm.Context, input: ChildInput): ChildMessage | { silentMs: number } {
  const after = call(ctx, "__cp.status()", 1000);
  const st = after.ok ? (JSON.parse(after.value) as TickState) : null;
  if (st?.state === "limit") return { t: "limit", limit: st.limit, value: st.value };
  if (st?.state === "sandbox") return { t: "sandbox", name: st.name };
  const heap = v8.getHeapStatistics();
  if (heap.used_heap_size >= HEAP_FULL * heap.heap_size_limit) return { t: "limit", limit: "memoryMb", value: Math.round(heap.heap_size_limit / 2 ** 20) };
  const since = call(ctx, "__cp.sinceProgressMs()", 1000);
  const sinceMs = since.ok ? Number(since.value) : NaN;
  if (sinceMs >= 0 && sinceMs < input.hangTimeoutMs) return { silentMs: sinceMs };
  const label = call(ctx, "__cp.label()", 1000);
  return { t: "hang", label: label.ok ? label.value : "the scenario", phase: "run" };
}

/** Heap use, as a share of V8's limit, past which a tick out of time is the memory limit. */
const HEAP_FULL = 0.8;

/**
 * The simulation in a fresh context until it is ready for its report; null once a verdict was sent.
 * `tickTimeoutMs`: how long one tick may run (the hang budget, or more on a run started again).
 */
async function simulate(input: ChildInput, tickTimeoutMs: number): Promise<{ ready: vm.Context } | { silentMs: number } | null> {
  // DONT_CONTEXTIFY: the context's global is an ordinary one, not a proxy onto an object of ours
  // (nothing to climb out through, and no interceptor slowing every global lookup ~30×).
  const ctx = vm.createContext(vm.constants.DONT_CONTEXTIFY, {
    name: "scenario",
    // The scenario is compiled to a function with `new Function`; wasm has no use here.
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  // `import()` anywhere in the runtime's code and the scenario it compiles (eval and new Function
  // inherit it) is refused with a TypeError of the context's own, made by the runtime and thrown
  // unread: Node's own refusal was an error of this realm, whose Function ran code outside the
  // context (sandbox.test.ts). A primitive if even that fails: it belongs to no realm.
  const refuseImport = (): never => {
    let refusal: unknown = "import() is not available: a scenario runs in a sandbox with no modules, files or network";
    try {
      refusal = importRefusal.runInContext(ctx, { timeout: 1000 });
    } catch {
      // what was thrown is not read (see above)
    }
    throw refusal;
  };
  const boot = call(ctx, `${input.runtime}\n;"ok"`, input.reportTimeoutMs, refuseImport);
  if (!boot.ok) return sent({ t: "crash", message: "the sandbox's runtime did not load" });
  const start = call(ctx, `__cp.start(${JSON.stringify(JSON.stringify(input.job))}); "ok"`, input.hangTimeoutMs);
  if (!start.ok) return sent({ t: "crash", message: "the sandbox's runtime did not start" });
  let lastBeat = Date.now();
  for (;;) {
    // This realm's own turn between ticks (its microtasks and one turn of its event loop): Node
    // settles a refused `import()` there (refuseImport above).
    await new Promise((r) => setImmediate(r));
    const r = call(ctx, "__cp.tick()", tickTimeoutMs);
    if (!r.ok) {
      if (!r.timeout) return sent({ t: "crash", message: "the scenario broke the sandbox's runner (a builtin replaced?)" });
      const verdict = verdictAfterTimeout(ctx, input);
      return "silentMs" in verdict ? verdict : sent(verdict);
    }
    let st: TickState;
    try {
      st = JSON.parse(r.value) as TickState;
    } catch {
      return sent({ t: "crash", message: "the scenario broke the sandbox's runner (JSON replaced?)" });
    }
    if (st.state === "limit") return sent({ t: "limit", limit: st.limit, value: st.value });
    if (st.state === "sandbox") return sent({ t: "sandbox", name: st.name });
    if (st.state === "crash") return sent({ t: "crash", message: String(st.message) });
    // Wrapped: the context's global is never looked into here (a getter on it is scenario code).
    if (st.state === "ready") return { ready: ctx };
    const now = Date.now();
    if (now - lastBeat >= BEAT_MS) {
      lastBeat = now;
      // A CLI that was killed is noticed by being reparented (this loop gives the event loop only a
      // turn between ticks, and a tick can be long), and the run ends with it.
      if (process.ppid !== parentPid) process.exit(1);
      send({ t: "beat" });
    }
  }
}

async function main(input: ChildInput): Promise<void> {
  // A vm timeout cannot tell a loop that spins from one that sends 200k tasks: it ends the call
  // either way, and V8 cannot resume it. A run whose tick was cut while the simulator was still
  // recording is started again from the beginning (same seed, same run; nothing of the cut one was
  // sent) with a longer tick: twice as long while the recording went on to the cut, else long enough
  // for the silence that had begun to reach the hang budget. It ends, reaches a limit, or hangs.
  let tickTimeoutMs = input.hangTimeoutMs;
  for (;;) {
    const out = await simulate(input, tickTimeoutMs);
    if (out === null) return;
    if ("ready" in out) return report(out.ready, input);
    tickTimeoutMs = nextTickTimeoutMs(tickTimeoutMs, out.silentMs, input.hangTimeoutMs);
    send({ t: "phase", phase: "run", timeoutMs: tickTimeoutMs });
  }
}

function report(ctx: vm.Context, input: ChildInput): void | Promise<void> {
  send({ t: "phase", phase: "report", timeoutMs: input.reportTimeoutMs });
  if (input.job.output === "stream") return streamReport(ctx, input.reportTimeoutMs);
  const rep = call(ctx, "__cp.report()", input.reportTimeoutMs);
  if (rep.ok) {
    // The rest of stdout is the report: the CLI parses it once the process has ended.
    send({ t: "report" });
    process.stdout.write(rep.value);
    return;
  }
  if (rep.timeout) return send({ t: "hang", label: "building the report", phase: "report" });
  send({ t: "crash", message: "building the report failed" });
}

/**
 * The report in pieces (each made under the report's timeout). Writes to the pipe are queued in
 * this process until the CLI reads them, and the queue only drains when the event loop runs: each
 * full pipe waits for "drain", so no more than a piece or two is here at a time (written in one
 * synchronous loop, a 590 MB report sat whole in the queue; measured with writableLength).
 */
async function streamReport(ctx: vm.Context, timeoutMs: number): Promise<void> {
  const start = call(ctx, "__cp.streamStart()", timeoutMs);
  let outcome: { failed: boolean; endMessage: string };
  try {
    if (!start.ok) throw new Error();
    const o = JSON.parse(start.value) as { failed: unknown; endMessage: unknown };
    outcome = { failed: o.failed === true, endMessage: typeof o.endMessage === "string" ? o.endMessage : "" };
  } catch {
    return send(start.ok || !start.timeout ? { t: "crash", message: "building the report failed" } : { t: "hang", label: "building the report", phase: "report" });
  }
  send({ t: "stream", ...outcome });
  for (;;) {
    const piece = call(ctx, "__cp.streamPiece()", timeoutMs);
    // Half a report is already out: the exit code and stderr say it is cut short.
    if (!piece.ok) {
      process.stderr.write(piece.timeout ? "celery-playground: building the report took too long\n" : "celery-playground: building the report failed\n");
      process.exit(1);
    }
    if (piece.value === "") return;
    if (!process.stdout.write(piece.value)) await new Promise((r) => process.stdout.once("drain", r));
  }
}

// A promise of the scenario's rejected with no handler (`Promise.reject(e)` left alone) is the
// scenario's business, as in a browser: it must not end this process (Node's default), which
// reported a crash of the simulator. Its reason is not read (see above).
process.on("unhandledRejection", () => {});
// Node's own code can run the scenario's outside any tick: its rejection tracking reads a rejected
// promise's fields, through a Proxy the scenario put on its prototype. What such a trap throws is
// not read, and it is the scenario's doing, not a crash of the simulator.
process.on("uncaughtException", () => {
  send({ t: "sandbox", name: "a trap that Node's own code ran (a Proxy on a promise)" });
  process.exit(1);
});

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => (text += chunk));
process.stdin.on("end", () => main(JSON.parse(text) as ChildInput));
