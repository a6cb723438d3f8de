/** `check`: run a lab's checks against its solution (or --file), as the labs test does. */
import { existsSync, readFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import type { Flags } from "./main";
import { exitCodeOf, runFile } from "./run";
import { printable } from "./summary";
import { gradedSeeds, makeLabRun, mergeSeedResults, runChecks, type CheckResult, type CheckSuite } from "../sim/check/define";

export async function loadSuite(labDir: string): Promise<CheckSuite> {
  const checkPath = join(labDir, "check.ts");
  if (!existsSync(checkPath)) throw new Error(`${labDir} has no check.ts`);
  const outDir = join(process.cwd(), "node_modules", ".cache", "celery-playground");
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `check-${basename(labDir)}-${process.pid}.mjs`);
  await esbuild.build({ entryPoints: [checkPath], outfile: out, bundle: true, platform: "node", format: "esm", logLevel: "error" });
  try {
    const mod = (await import(pathToFileURL(out).href)) as { default: CheckSuite };
    return mod.default;
  } finally {
    rmSync(out, { force: true });
  }
}

export async function checkCommand(target: string, flags: Flags): Promise<number> {
  const labDir = resolve(target);
  const file = flags.file ? resolve(flags.file) : join(labDir, "solution.ts");
  let suite: CheckSuite;
  try {
    suite = await loadSuite(labDir);
  } catch (e) {
    console.error(`cannot load the checks of ${target}: ${(e as Error).message}`);
    return 1;
  }
  const source = readFileSync(file, "utf8");
  // Graded on every seed of the lab, as the labs test and the page do: a failure names its seed.
  const seeds = gradedSeeds(suite);
  const perSeed: { seed: number; results: CheckResult[] }[] = [];
  for (const seed of seeds) {
    const r = await runFile(file, source, { seed, untilS: suite.untilS, events: true, timeoutS: flags.timeoutS, trace: true, limits: flags.limits, memoryMb: flags.memoryMb });
    if (r.kind === "summary" || r.kind === "streamed") throw new Error("check asked the sandbox for the whole report");
    if (r.kind !== "report") {
      // The seed on a line of its own: the message itself is the run's, as `run` prints it.
      console.error(`with seed ${seed}:`);
      console.error(printable(r.message));
      return exitCodeOf(r);
    }
    perSeed.push({ seed, results: runChecks(suite, makeLabRun(r.report, r.trace ?? [])) });
  }
  const results = mergeSeedResults(perSeed);
  if (flags.json) console.log(JSON.stringify({ lab: basename(labDir), file, seeds, results }, null, 2));
  else {
    for (const c of results) {
      console.log(`${c.passed ? "✔" : "✘"} ${c.title}`);
      // A check's detail quotes the scenario's own values (names, results, log lines).
      if (!c.passed) console.log(printable(`    ${c.detail}\n    ${c.explain}`));
    }
    const passed = results.filter((c) => c.passed).length;
    console.log(`\n${passed} passed, ${results.length - passed} failed (seeds ${seeds.join(", ")})`);
  }
  return results.every((c) => c.passed) ? 0 : 1;
}
