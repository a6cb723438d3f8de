/** `run`: compile, run in a worker thread under a watchdog, print the report. */
import { Worker } from "node:worker_threads";
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { compileScenario, formatDiagnostic } from "../sim/engine/compile";
import type { Report } from "../sim/engine/types";
import type { TraceEvent } from "../sim/kernel/trace";
import type { Flags } from "./main";
import type { ScenarioJob } from "./run-worker";
import { summary } from "./summary";

export type RunResult = { kind: "report"; report: Report; trace?: TraceEvent[] } | { kind: "compile-error"; message: string } | { kind: "hang"; message: string } | { kind: "crash"; message: string };

export async function runFile(path: string, source: string, opts: { seed: number; untilS?: number; events: boolean; timeoutS: number; trace?: boolean }, selfFile: string): Promise<RunResult> {
  const compiled = await compileScenario(esbuild, source, path);
  if (!compiled.ok) return { kind: "compile-error", message: compiled.diagnostics.map(formatDiagnostic).join("\n") };
  const shared = new SharedArrayBuffer(8 + 512);
  const job: ScenarioJob = { role: "scenario", code: compiled.code, seed: opts.seed, untilS: opts.untilS, events: opts.events, trace: opts.trace, file: path, shared };
  const worker = new Worker(selfFile, { workerData: job });
  const counter = new Int32Array(shared, 0, 2);
  const labelBytes = new Uint8Array(shared, 8);
  return new Promise<RunResult>((resolve) => {
    let last = -1;
    let stillSince = Date.now();
    const watchdog = setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== last) {
        last = now;
        stillSince = Date.now();
        return;
      }
      if (Date.now() - stillSince >= opts.timeoutS * 1000) {
        clearInterval(watchdog);
        const len = Atomics.load(counter, 1);
        const label = new TextDecoder().decode(labelBytes.slice(0, len)) || "the scenario";
        void worker.terminate();
        resolve({ kind: "hang", message: `Stopped: ${label} did not yield for ${opts.timeoutS} s of real time (an infinite loop?). Simulated code must not loop forever; use await sleep(seconds) to take simulated time.` });
      }
    }, 100);
    worker.on("message", (m: { ok: boolean; report?: Report; trace?: TraceEvent[]; message?: string }) => {
      clearInterval(watchdog);
      void worker.terminate();
      resolve(m.ok ? { kind: "report", report: m.report!, trace: m.trace } : { kind: "crash", message: m.message ?? "the simulator failed" });
    });
    worker.on("error", (e) => {
      clearInterval(watchdog);
      resolve({ kind: "crash", message: String(e?.stack ?? e) });
    });
  });
}

export async function runCommand(path: string, flags: Flags, selfFile: string): Promise<number> {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (e) {
    console.error(`cannot read ${path}: ${(e as Error).message}`);
    return 1;
  }
  const r = await runFile(path, source, { seed: flags.seed, untilS: flags.untilS, events: flags.events, timeoutS: flags.timeoutS }, selfFile);
  switch (r.kind) {
    case "compile-error":
      console.error(r.message);
      return 1;
    case "hang":
      console.error(r.message);
      return 2;
    case "crash":
      console.error(`The simulator failed (seed ${flags.seed}); this is a bug, please report it:\n${r.message}`);
      return 1;
    case "report":
      if (flags.json) process.stdout.write(JSON.stringify(r.report) + "\n");
      else console.log(summary(r.report));
      if (r.report.error) {
        console.error(`${path}: ${r.report.endMessage}`);
        return 1;
      }
      return 0;
  }
}
