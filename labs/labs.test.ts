/**
 * Every lab, headlessly, on every graded seed: its solution and its acceptable variants pass every
 * check, its starter fails at least one, and each of its mutants (the solution with one mistake a
 * learner makes) fails a check whose message names that mistake (content is data, and the engine
 * tests every piece of it).
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { PATHS } from "./index";
import { checkLabSource } from "../sim/testing/labs";
import { gradedSeeds, type CheckSuite } from "../sim/check/define";
import { parseMutantHeader } from "./mutant-header";

const here = import.meta.dirname;
const labIds = PATHS.flatMap((p) => p.labs);
const suites = import.meta.glob<{ default: CheckSuite }>("./*/check.ts", { eager: true });

const MIN_MUTANTS = 5;

const filesIn = (id: string, dir: string) => {
  const d = join(here, id, dir);
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".ts")).sort() : [];
};

describe("the catalogue", () => {
  it("lists every lab folder exactly once, and every listed lab has its four files", () => {
    const folders = readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect([...labIds].sort()).toEqual(folders);
    for (const id of labIds) for (const f of ["README.md", "starter.ts", "solution.ts", "check.ts"]) expect(existsSync(join(here, id, f)), `${id}/${f}`).toBe(true);
  });

  it(`every lab has at least ${MIN_MUTANTS} mutants and one acceptable variant`, () => {
    for (const id of labIds) {
      expect(filesIn(id, "mutants").length, `${id}/mutants`).toBeGreaterThanOrEqual(MIN_MUTANTS);
      expect(filesIn(id, "variants").length, `${id}/variants`).toBeGreaterThanOrEqual(1);
    }
  });

  it("every suite grades on at least three distinct seeds", () => {
    for (const id of labIds) expect(new Set(gradedSeeds(suites[`./${id}/check.ts`]!.default)).size, id).toBeGreaterThanOrEqual(3);
  });
});

describe.each(labIds)("lab %s", (id) => {
  const suite = suites[`./${id}/check.ts`]?.default;
  const read = (f: string) => readFileSync(join(here, id, f), "utf8");
  const seeds = gradedSeeds(suite!).join(", ");

  it("the solution passes every check", async () => {
    const out = await checkLabSource(read("solution.ts"), suite!, `${id}/solution.ts`);
    const failed = out.results.filter((c) => !c.passed).map((c) => `  ✘ ${c.title}: ${c.detail}`);
    expect(failed, `seeds ${seeds}${out.runError ? `; run error: ${out.runError}` : ""}\n${failed.join("\n")}`).toEqual([]);
  });

  it("the starter fails at least one check", async () => {
    const out = await checkLabSource(read("starter.ts"), suite!, `${id}/starter.ts`);
    expect(out.results.some((c) => !c.passed), `seeds ${seeds}: the starter passes every check`).toBe(true);
  });

  const variants = filesIn(id, "variants");
  if (variants.length)
    it.each(variants)("acceptable variant %s passes every check", async (f) => {
      const out = await checkLabSource(read(`variants/${f}`), suite!, `${id}/variants/${f}`);
      const failed = out.results.filter((c) => !c.passed).map((c) => `  ✘ ${c.title}: ${c.detail}`);
      expect(failed, `${out.runError ? `run error: ${out.runError}\n` : ""}${failed.join("\n")}`).toEqual([]);
    });

  const mutants = filesIn(id, "mutants");
  if (mutants.length)
    it.each(mutants)("mutant %s fails a check that names its mistake", async (f) => {
      const src = read(`mutants/${f}`);
      const header = parseMutantHeader(src);
      expect(header, `${id}/mutants/${f} must start with "// mistake: …" then "// expect: <regex>"`).not.toBeNull();
      const out = await checkLabSource(src, suite!, `${id}/mutants/${f}`);
      const failed = out.results.filter((c) => !c.passed);
      expect(failed.length, `${id}/mutants/${f} (${header!.mistake}) passes every check`).toBeGreaterThan(0);
      const named = failed.some((c) => header!.expect.test(c.detail ?? ""));
      expect(named, `no failing check's message matches /${header!.expect.source}/i; they say:\n${failed.map((c) => `  ✘ ${c.title}: ${c.detail}`).join("\n")}`).toBe(true);
    });
});

