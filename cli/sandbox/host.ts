/**
 * Runs one compiled scenario in the sandbox: a child process under Node's permission model (no file
 * system, no child processes, no worker threads) whose only JavaScript realm with scenario code in
 * it is a vm context holding no host object (see child.ts and runtime.ts). The CLI keeps its own
 * watchdog on the child's heartbeat, and reads the child's exit when V8 runs out of heap.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { DEFAULT_LIMITS, DEFAULT_MEMORY_MB, exactParse, type ChildMessage, type RunLimits, type SandboxJob, type SweepPoint } from "./protocol";
import { HangWatch } from "../../sim/engine/hang-watch";
import type { Report, ReportSummary } from "../../sim/engine/types";
import type { TraceEvent } from "../../sim/kernel/trace";

export interface SandboxOptions {
  /** Real seconds learner code may run without handing back (an infinite loop). */
  hangTimeoutS: number;
  limits?: RunLimits;
  /** The child's V8 heap limit, in MB. */
  memoryMb?: number;
  /** Real seconds the simulator may take to build the report. */
  reportTimeoutS?: number;
  /** Where a job with output "stream" writes the report's JSON, piece by piece as the child makes it (default stdout). */
  reportOut?: NodeJS.WritableStream;
}

export type SandboxResult =
  | { kind: "report"; report: Report; trace?: TraceEvent[] }
  | { kind: "summary"; summary: ReportSummary }
  /** Output "figures": what a sweep keeps of the run. */
  | ({ kind: "figures" } & SweepPoint)
  /** The report went to `reportOut`; how the run ended. */
  | { kind: "streamed"; failed: boolean; endMessage: string }
  | { kind: "hang"; label: string; phase: "run" | "report" }
  | { kind: "limit"; limit: keyof RunLimits | "memoryMb"; value: number }
  | { kind: "sandbox"; name: string }
  | { kind: "crash"; message: string };

/** Extra real seconds the CLI waits for the child beyond its own timeouts before killing it. */
const BACKSTOP_S = 5;

/** Set by bin/celery-playground.mjs when it bundles the CLI (the bundle lives under node_modules/.cache). */
declare const __CELERY_PLAYGROUND_ROOT__: string | undefined;

/** The repository's root: the bin's, or the one above this source file (tests import it unbundled). */
function repoRoot(): string {
  if (typeof __CELERY_PLAYGROUND_ROOT__ === "string") return __CELERY_PLAYGROUND_ROOT__;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "cli", "sandbox", "runtime.ts"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find cli/sandbox/runtime.ts above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

let bundles: Promise<{ runtime: string; child: string }> | null = null;

/** The simulator + runner as one script for the context, and the child's bootstrap (esbuild, ~100 ms, once per process). */
function sandboxBundles(): Promise<{ runtime: string; child: string }> {
  bundles ??= (async () => {
    const dir = join(repoRoot(), "cli", "sandbox");
    const common = { bundle: true, write: false, logLevel: "error", target: "es2022", legalComments: "none" } as const;
    const [runtime, child] = await Promise.all([
      esbuild.build({ ...common, entryPoints: [join(dir, "runtime.ts")], format: "iife", platform: "neutral" }),
      esbuild.build({ ...common, entryPoints: [join(dir, "child.ts")], format: "cjs", platform: "node" }),
    ]);
    return { runtime: runtime.outputFiles[0]!.text, child: child.outputFiles[0]!.text };
  })();
  return bundles;
}

/** A hash of the simulator a run runs on (the sandbox's runtime bundle): which build made a shard. */
export async function simulatorFingerprint(): Promise<string> {
  const { runtime } = await sandboxBundles();
  return createHash("sha256").update(runtime).digest("hex").slice(0, 16);
}

/**
 * Node's flags for the child: the permission model with nothing allowed (no --allow-fs-read/-write,
 * --allow-child-process or --allow-worker: it opens no file, starts no process and no thread; its
 * code comes with -e and stdin), and a heap limit that ends it rather than the machine.
 */
export function sandboxNodeArgs(memoryMb: number): string[] {
  return [
    "--experimental-permission",
    // The child's own realm gives nothing to code that gets hold of one of its objects: no code from
    // strings (its Function and eval throw; the vm context keeps its own `codeGeneration`) and its
    // intrinsics frozen (nothing to pollute). Such an object can reach the context: a stack that
    // overflows inside Node's stack formatter (the child's realm, called for any error's `.stack`)
    // throws that realm's RangeError into the scenario (sandbox.test.ts, "the stack formatter").
    "--disallow-code-generation-from-strings",
    "--frozen-intrinsics",
    // Lets the child answer `import()` itself (child.ts), with an error of the context's realm.
    "--experimental-vm-modules",
    "--disable-warning=ExperimentalWarning",
    `--max-old-space-size=${memoryMb}`,
  ];
}

/**
 * The child's whole environment: only the time zone and locale, so `new Date().toString()` and
 * `toLocaleString()` in a scenario read as they did before the sandbox. No other variable of the
 * user's (tokens, keys) is in the process at all.
 */
function localeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["TZ", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_TIME", "LC_NUMERIC", "LC_COLLATE", "LC_MESSAGES"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

export async function runSandboxed(job: Omit<SandboxJob, "limits">, o: SandboxOptions): Promise<SandboxResult> {
  const { runtime, child: childCode } = await sandboxBundles();
  const limits = o.limits ?? DEFAULT_LIMITS;
  const memoryMb = o.memoryMb ?? DEFAULT_MEMORY_MB;
  const hangTimeoutMs = Math.round(o.hangTimeoutS * 1000);
  const reportTimeoutMs = Math.round((o.reportTimeoutS ?? 120) * 1000);
  const child = spawn(process.execPath, [...sandboxNodeArgs(memoryMb), "-e", childCode], { stdio: ["pipe", "pipe", "pipe"], env: localeEnv(), cwd: "/" });
  child.stdin.end(JSON.stringify({ runtime, job: { ...job, limits }, hangTimeoutMs, reportTimeoutMs }));

  return new Promise<SandboxResult>((resolve) => {
    let final: SandboxResult | null = null;
    let stderr = "";
    // The backstop, with the one hang rule (sim/engine/hang-watch.ts): the child's output is its
    // heartbeat, and a child silent past its own timeout plus BACKSTOP_S is killed. The child itself
    // judges the scenario's ticks with the same limit, as a vm timeout (its loop is synchronous).
    const onSilent = () => {
      final ??= { kind: "hang", label: "the scenario", phase: "run" };
      child.kill("SIGKILL");
    };
    let backstop = new HangWatch(hangTimeoutMs + BACKSTOP_S * 1000, onSilent);
    backstop.start();
    const onMessage = (m: ChildMessage) => {
      switch (m.t) {
        case "beat":
          return;
        case "phase":
          backstop.stop();
          backstop = new HangWatch(m.timeoutMs + BACKSTOP_S * 1000, onSilent);
          backstop.start();
          return;
        case "report":
          inBody = true;
          return;
        case "stream":
          inBody = true;
          streamed = { kind: "streamed", failed: m.failed, endMessage: m.endMessage };
          return;
        case "hang":
          final = { kind: "hang", label: m.label, phase: m.phase };
          return;
        case "limit":
          final = { kind: "limit", limit: m.limit, value: m.limit === "memoryMb" ? memoryMb : m.value };
          return;
        case "sandbox":
          final = { kind: "sandbox", name: m.name };
          return;
        case "crash":
          final = { kind: "crash", message: m.message };
          return;
      }
    };
    // Small messages are lines; after {"t":"report"} the rest of stdout is the report's JSON, kept as
    // bytes and decoded once (it can be 100 MB).
    let inBody = false;
    let streamed: SandboxResult | null = null;
    let line: Buffer[] = [];
    const body: Buffer[] = [];
    // A streamed report goes on as it comes, the child held back while the output is full.
    const toBody = (bytes: Buffer) => {
      if (!streamed) return void body.push(bytes);
      const out = o.reportOut ?? process.stdout;
      if (!out.write(bytes)) {
        child.stdout.pause();
        out.once("drain", () => child.stdout.resume());
      }
    };
    child.stdout.on("data", (chunk: Buffer) => {
      backstop.beat();
      let from = 0;
      while (!inBody && from < chunk.length) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0) break;
        line.push(chunk.subarray(from, nl));
        from = nl + 1;
        const text = Buffer.concat(line).toString("utf8");
        line = [];
        onMessage(JSON.parse(text) as ChildMessage);
      }
      if (from < chunk.length) {
        if (inBody) toBody(chunk.subarray(from));
        else line.push(chunk.subarray(from));
      }
    });
    const readBody = (): SandboxResult => {
      try {
        const text = Buffer.concat(body).toString("utf8");
        const parsed = (job.trace || job.exact ? exactParse(text) : JSON.parse(text)) as { report: Report; trace?: TraceEvent[]; summary?: ReportSummary; point?: SweepPoint };
        if (job.output === "summary" && parsed.summary) return { kind: "summary", summary: parsed.summary };
        if (job.output === "figures" && parsed.point) return { kind: "figures", ...parsed.point };
        return { kind: "report", report: parsed.report, ...(parsed.trace ? { trace: parsed.trace } : {}) };
      } catch {
        return { kind: "crash", message: "the sandbox's report is not JSON (was JSON.stringify replaced?)" };
      }
    };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      // Node's own messages only (the scenario cannot write here). Kept, not passed on: the tail
      // says why a child died without a verdict, and goes in that crash's message; a run that ended
      // on a limit has its own sentence, not V8's out-of-memory dump or a stack of ours.
      stderr = (stderr + s).slice(-4000);
    });
    child.on("close", (code, signal) => {
      backstop.stop();
      if (inBody && code === 0) return resolve(streamed ?? readBody());
      if (final) return resolve(final);
      if (/heap out of memory|Reached heap limit/i.test(stderr)) return resolve({ kind: "limit", limit: "memoryMb", value: memoryMb });
      resolve({ kind: "crash", message: `the sandbox's process ended (${signal ?? `exit code ${code}`}) without a result${stderr ? `:\n${stderr}` : ""}` });
    });
  });
}
