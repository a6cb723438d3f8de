/** Run a lab's checks against a source file, headlessly (Node): the labs test and `check` use it. */
import { compileScenario, formatDiagnostic } from "../engine/compile";
import { createSession } from "../engine/session";
import { makeLabRun, runChecks, type CheckResult, type CheckSuite } from "../check/define";
import { plain } from "../engine/report";
import { nodeHost } from "./harness";
import * as esbuild from "esbuild";

export interface LabOutcome {
  results: CheckResult[];
  /** Why the run itself failed (compile error, main threw), if it did. */
  runError: string | null;
  traceHash: string | null;
}

export async function checkLabSource(source: string, suite: CheckSuite, file = "lab.ts"): Promise<LabOutcome> {
  const compiled = await compileScenario(esbuild, source, file);
  if (!compiled.ok) {
    const msg = compiled.diagnostics.map(formatDiagnostic).join("\n");
    return { runError: msg, traceHash: null, results: suite.checks.map((c) => ({ id: c.id, title: c.title, passed: false, detail: `the file does not compile: ${msg}`, explain: c.explain })) };
  }
  const session = await createSession(compiled.code, { seed: suite.seed, untilS: suite.untilS, host: nodeHost });
  await session.advance();
  const report = session.report();
  const trace = session.sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
  const results = runChecks(suite, makeLabRun(report, trace));
  return { results, runError: report.error ? report.endMessage : null, traceHash: report.traceHash };
}
