/**
 * Every lab, headlessly: its solution passes every check and its starter fails at least one
 * (content is data, and the engine tests every piece of it).
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { PATHS } from "./index";
import { checkLabSource } from "../sim/testing/labs";
import type { CheckSuite } from "../sim/check/define";

const here = import.meta.dirname;
const labIds = PATHS.flatMap((p) => p.labs);
const suites = import.meta.glob<{ default: CheckSuite }>("./*/check.ts", { eager: true });

describe("the catalogue", () => {
  it("lists every lab folder exactly once, and every listed lab has its four files", () => {
    const folders = readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect([...labIds].sort()).toEqual(folders);
    for (const id of labIds) for (const f of ["README.md", "starter.ts", "solution.ts", "check.ts"]) expect(existsSync(join(here, id, f)), `${id}/${f}`).toBe(true);
  });
});

describe.each(labIds)("lab %s", (id) => {
  const suite = suites[`./${id}/check.ts`]?.default;
  const read = (f: string) => readFileSync(join(here, id, f), "utf8");

  it("the solution passes every check", async () => {
    const out = await checkLabSource(read("solution.ts"), suite!, `${id}/solution.ts`);
    const failed = out.results.filter((c) => !c.passed).map((c) => `  ✘ ${c.title}: ${c.detail}`);
    expect(failed, `seed ${suite!.seed}${out.runError ? `; run error: ${out.runError}` : ""}\n${failed.join("\n")}`).toEqual([]);
  });

  it("the starter fails at least one check", async () => {
    const out = await checkLabSource(read("starter.ts"), suite!, `${id}/starter.ts`);
    expect(out.results.some((c) => !c.passed), `seed ${suite!.seed}: the starter passes every check`).toBe(true);
  });
});

/**
 * Wrong solutions that count in process memory instead of Redis (issue 17): each must fail a check
 * whose message names the mistake, because every pool child has its own module state.
 */
const memoryMutants = labIds.filter((id) => existsSync(join(here, id, "mutants", "in-memory-counter.ts")));
describe.each(memoryMutants)("lab %s, mutants/in-memory-counter.ts", (id) => {
  it("names its mistake on the first line and fails a check that says counts live per process", async () => {
    const src = readFileSync(join(here, id, "mutants", "in-memory-counter.ts"), "utf8");
    expect(src.split("\n")[0]).toMatch(/^\/\/ MISTAKE: .*module-level counter/);
    const out = await checkLabSource(src, suites[`./${id}/check.ts`]!.default, `${id}/mutants/in-memory-counter.ts`);
    const failed = out.results.filter((c) => !c.passed);
    expect(failed.map((c) => c.detail).join("\n")).toMatch(/module-level variable .*(per process|lives in one process)/);
  });
});
