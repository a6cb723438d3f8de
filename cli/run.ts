/** `run`: compile, run in the sandbox (cli/sandbox/) under a watchdog, print the report. */
import { hangSentence } from "../sim/engine/hang";
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { compileScenario, formatDiagnostic } from "../sim/engine/compile";
import type { Report, ReportSummary } from "../sim/engine/types";
import type { TraceEvent } from "../sim/kernel/trace";
import type { Flags } from "./main";
import { runSandboxed } from "./sandbox/host";
import { LIMIT_FLAG, type RunLimits } from "./sandbox/protocol";
import { printable, summary } from "./summary";
import { runPythonFile } from "./python/run";

export type RunResult =
  | { kind: "report"; report: Report; trace?: TraceEvent[] }
  | { kind: "summary"; summary: ReportSummary }
  | { kind: "streamed"; failed: boolean; endMessage: string }
  | { kind: "compile-error"; message: string }
  | { kind: "hang"; message: string }
  | { kind: "limit"; message: string }
  | { kind: "sandbox"; message: string }
  | { kind: "crash"; message: string }
  /** Something the run needs is missing on this machine (Chromium for a Python scenario). */
  | { kind: "unavailable"; message: string };

/** The documented exit codes (README, "Headless runner"; the CLI's usage). */
export const EXIT = { ok: 0, failed: 1, hang: 2, limit: 3, sandbox: 4 } as const;

export interface RunOptions {
  seed: number;
  untilS?: number;
  events: boolean;
  timeoutS: number;
  trace?: boolean;
  limits?: RunLimits;
  memoryMb?: number;
  costs?: "realistic" | "ideal";
  /** Only what `run` prints: the summary's data, or the report's JSON streamed to `reportOut` (stdout). */
  output?: "summary" | "stream";
  reportOut?: NodeJS.WritableStream;
}

export async function runFile(path: string, source: string, opts: RunOptions): Promise<RunResult> {
  if (path.endsWith(".py")) return runPythonFile(path, source, opts);
  const compiled = await compileScenario(esbuild, source, path);
  if (!compiled.ok) return { kind: "compile-error", message: compiled.diagnostics.map(formatDiagnostic).join("\n") };
  const r = await runSandboxed(
    { code: compiled.code, seed: opts.seed, untilS: opts.untilS, events: opts.events, trace: opts.trace, file: path, ...(opts.costs ? { costs: opts.costs } : {}), ...(opts.output ? { output: opts.output } : {}) },
    { hangTimeoutS: opts.timeoutS, limits: opts.limits, memoryMb: opts.memoryMb, ...(opts.reportOut ? { reportOut: opts.reportOut } : {}) },
  );
  switch (r.kind) {
    case "report":
    case "summary":
    case "streamed":
      return r;
    case "hang":
      return r.phase === "report"
        ? { kind: "crash", message: `building the report took too long (the simulator's own work, not the scenario's code)` }
        : { kind: "hang", message: `${printable(hangSentence(r.label || null, opts.timeoutS))} Simulated code must not loop forever; use await sleep(seconds) to take simulated time.` };
    case "limit": {
      const l = LIMIT_FLAG[r.limit];
      return { kind: "limit", message: `Stopped: resource limit reached: the run used ${l.what(r.value)} (${l.flag} ${r.value}). A scenario that retries or sends tasks forever never ends; if this one is meant to be this big, raise the limit with ${l.flag}.` };
    }
    case "sandbox":
      return { kind: "sandbox", message: `Stopped: the scenario used \`${r.name}\`, which a scenario cannot reach: it runs in a sandbox with no process, require, file system, child processes or network (see the README, "Security").` };
    case "crash":
      return r;
    case "figures":
      return { kind: "crash", message: "the sandbox gave a sweep's figures, not the run's summary" }; // never asked for here
  }
}

export function exitCodeOf(r: Exclude<RunResult, { kind: "report" | "summary" | "streamed" }>): number {
  return r.kind === "hang" ? EXIT.hang : r.kind === "limit" ? EXIT.limit : r.kind === "sandbox" ? EXIT.sandbox : EXIT.failed;
}

export async function runCommand(path: string, flags: Flags): Promise<number> {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (e) {
    console.error(`cannot read ${path}: ${(e as Error).message}`);
    return EXIT.failed;
  }
  // The summary shows no events and a few tasks: the sandbox builds only that (ReportSummary). The
  // JSON report streams from the sandbox to stdout in pieces, never whole in either process.
  const events = flags.json && flags.events;
  const r = await runFile(path, source, { seed: flags.seed, untilS: flags.untilS, events, timeoutS: flags.timeoutS, limits: flags.limits, memoryMb: flags.memoryMb, output: flags.json ? "stream" : "summary", ...(flags.costs ? { costs: flags.costs } : {}) });
  if (r.kind === "crash") {
    console.error(`The simulator failed (seed ${flags.seed}); this is a bug, please report it:\n${printable(r.message)}`);
    return EXIT.failed;
  }
  if (r.kind === "report") throw new Error("run asked the sandbox for its summary or a stream, not a report");
  if (r.kind !== "summary" && r.kind !== "streamed") {
    console.error(printable(r.message));
    return exitCodeOf(r);
  }
  if (r.kind === "streamed") process.stdout.write("\n");
  else console.log(summary(r.summary));
  const failed = r.kind === "streamed" ? r.failed : r.summary.error !== null;
  if (failed) {
    console.error(`${path}: ${printable(r.kind === "streamed" ? r.endMessage : r.summary.endMessage)}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
