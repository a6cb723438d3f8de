import { describe, expect, it } from "vitest";
import { parseMutantHeader } from "./mutant-header";

describe("a mutant's header", () => {
  it("reads the mistake and a case-insensitive expectation", () => {
    const h = parseMutantHeader("// mistake: no for duration\n// expect: without waiting\nimport x from 'y';\n");
    expect(h?.mistake).toBe("no for duration");
    expect(h?.expect.test("the alert fired WITHOUT WAITING for 5 s")).toBe(true);
  });

  it("is missing unless both lines open the file", () => {
    expect(parseMutantHeader("// mistake: no for duration\nimport x from 'y';\n")).toBeNull();
    expect(parseMutantHeader("import x from 'y';\n// mistake: a\n// expect: b\n")).toBeNull();
  });
});
