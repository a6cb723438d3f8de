/**
 * `run scenario.py`: the Python front needs JSPI (a task body's `time.sleep`, a `.get()` wait in
 * place), which Node 20 lacks, so the scenario runs in headless Chromium (Debian's, found as the
 * browser tests find it), in cli/python/runner.worker.ts, with Pyodide read from node_modules: a fresh
 * browser per run, no network (every request but the runner's own files refused, and a CSP that
 * refuses connections in the worker). The report, the summary and the exit codes are the .ts path's.
 *
 * What differs from the .ts path (README, Security: CLI): the scenario runs in Chromium's worker,
 * not in the Node sandbox process; the watchdog listens to the worker's signals (which code runs,
 * that it works) and stops the browser after the same silence; the resource limits are the page's
 * (the trace-event limit), and the JSON report is built whole (Python runs are small).
 */
import type { Report } from "../../sim/engine/types";
import type { TraceEvent } from "../../sim/kernel/trace";
import { summaryOf } from "../../sim/engine/report-stream";
import { hangSentence } from "../../sim/engine/hang";
import { pythonErrorAt } from "../../src/lib/python-error";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/chromium-path.mjs";
import { printable } from "../summary";
import type { RunOptions, RunResult } from "../run";
import { bundleRunner, PythonHang, startRunner } from "./runner";

/** Pyodide's boot: seconds, no learner code yet (the page allows the same). */
const BOOT_TIMEOUT_MS = 180_000;

export const NO_CHROMIUM = "Python scenarios need Chromium (Node 20 has no JSPI): install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.";

export async function runPythonFile(path: string, source: string, opts: RunOptions): Promise<RunResult> {
  let executablePath: string | undefined;
  try {
    executablePath = chromiumPath();
  } catch (e) {
    return { kind: "unavailable", message: `${NO_CHROMIUM} (${(e as Error).message})` };
  }
  if (!executablePath) return { kind: "unavailable", message: NO_CHROMIUM };
  let chromium: typeof import("playwright").chromium;
  try {
    ({ chromium } = await import("playwright"));
  } catch {
    return { kind: "unavailable", message: "Python scenarios need the `playwright` package to drive Chromium: run npm install in the project." };
  }
  const file = path.split(/[\\/]/).pop() || "scenario.py";
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ serviceWorkers: "block" });
    const page = await context.newPage();
    page.setDefaultTimeout(BOOT_TIMEOUT_MS);
    const runner = await startRunner(page, "http://python.invalid/", await bundleRunner());
    let report: Report;
    let trace: TraceEvent[] | undefined;
    try {
      ({ report, trace } = await runner.run(source, {
        ...(opts.trace ? { trace: true } : {}),
        seed: opts.seed,
        ...(opts.untilS !== undefined ? { untilS: opts.untilS } : {}),
        file,
        events: opts.events,
        ...(opts.costs ? { costs: opts.costs } : {}),
        watchMs: opts.timeoutS * 1000,
        timeoutMs: 24 * 3600 * 1000,
      }));
    } catch (e) {
      if (e instanceof PythonHang) return { kind: "hang", message: `${printable(hangSentence(e.label, opts.timeoutS))} Simulated code must not loop forever; use time.sleep(seconds) to take simulated time.` };
      throw e;
    }
    if (report.error) {
      // Where in the file, as the .ts path's errors say it: file:line:column.
      const at = pythonErrorAt(report.error.traceback, source, file);
      if (at) report = { ...report, endMessage: withPlace(report.endMessage, `${file}:${at.line}:${at.column}`) };
    }
    if (opts.output === "stream") {
      (opts.reportOut ?? process.stdout).write(JSON.stringify(report));
      return { kind: "streamed", failed: report.error !== null, endMessage: report.endMessage };
    }
    return opts.output === "summary" ? { kind: "summary", summary: summaryOf(report) } : { kind: "report", report, ...(trace ? { trace } : {}) };
  } catch (e) {
    return { kind: "crash", message: String((e as Error)?.stack ?? e) };
  } finally {
    await browser.close();
  }
}

/** "main() threw: ValueError: x" → "main() threw (scenario.py:4:1): ValueError: x", as the .ts path says it. */
function withPlace(message: string, place: string): string {
  const i = message.indexOf(": ");
  return i > 0 ? `${message.slice(0, i)} (${place})${message.slice(i)}` : `${place}: ${message}`;
}
