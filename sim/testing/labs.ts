/** Run a lab's checks against a source file, headlessly (Node): the labs test and `check` use it. */
import { compileScenario, formatDiagnostic } from "../engine/compile";
import { createSession } from "../engine/session";
import { gradedSeeds, makeLabRun, mergeSeedResults, runChecks, type CheckResult, type CheckSuite } from "../check/define";
import { plain } from "../engine/report";
import { nodeHost } from "./harness";
import * as esbuild from "esbuild";

export interface LabOutcome {
  /** One result per check, over every graded seed (a failure names its seed). */
  results: CheckResult[];
  /** Why the run itself failed (compile error, main threw) on the first seed where it did. */
  runError: string | null;
  /** The lab's own seed's trace hash. */
  traceHash: string | null;
}

/** Run `source` against the lab's checks on every graded seed (or only `seeds`, when given). */
export async function checkLabSource(source: string, suite: CheckSuite, file = "lab.ts", seeds = gradedSeeds(suite)): Promise<LabOutcome> {
  const compiled = await compileScenario(esbuild, source, file);
  if (!compiled.ok) {
    const msg = compiled.diagnostics.map(formatDiagnostic).join("\n");
    return { runError: msg, traceHash: null, results: suite.checks.map((c) => ({ id: c.id, title: c.title, passed: false, detail: `the file does not compile: ${msg}`, explain: c.explain })) };
  }
  const perSeed: { seed: number; results: CheckResult[] }[] = [];
  let runError: string | null = null;
  let traceHash: string | null = null;
  for (const seed of seeds) {
    const session = await createSession(compiled.code, { seed, untilS: suite.untilS, host: nodeHost });
    await session.advance();
    const report = session.report();
    const trace = session.sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) }));
    perSeed.push({ seed, results: runChecks(suite, makeLabRun(report, trace)) });
    if (report.error && runError === null) runError = `seed ${seed}: ${report.endMessage}`;
    traceHash ??= report.traceHash;
  }
  const results = seeds.length === 1 ? perSeed[0]!.results : mergeSeedResults(perSeed);
  return { results, runError, traceHash };
}
