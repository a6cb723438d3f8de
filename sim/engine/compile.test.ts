import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { CELERY_EXPORTS } from "../celery/exports";
import { compileScenario } from "./compile";

describe("compileScenario", () => {
  it("compiles a scenario to CommonJS that requires the runtime, keeping function names", async () => {
    const out = await compileScenario(esbuild, `import { Celery } from "celery";\nconst app = new Celery("x");\nexport const add = app.task(function add(x: number): number { return x + 1; });\nexport default async function main() {}\n`);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.code).toContain('require("celery")');
    expect(out.code).toContain("sourceMappingURL=data:application/json;base64,");
    expect(out.code).not.toContain(": number");
    expect(out.code).toMatch(/__name\(function add\d*\(x\) \{[^]*\}, "add"\)/);
  });

  // (An import nothing uses is dropped by TypeScript's rules and never loads, so it is not refused.)
  it("refuses an import of anything but the runtime, at its line and column", async () => {
    const src = `import { Celery } from "celery";\n\nimport { chunk } from 'lodash';\nconst fs = require("node:fs");\nexport default () => [Celery, chunk, fs];\n`;
    const out = await compileScenario(esbuild, src);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.diagnostics.map((d) => [d.line, d.column, d.message.split(":")[0]])).toEqual([
      [3, 23, 'Could not resolve "lodash"'],
      [4, 20, 'Could not resolve "node'],
    ]);
    expect(out.diagnostics[0]!.lineText).toBe("import { chunk } from 'lodash';");
  });

  it("refuses a name \"celery\" does not export where it is imported, suggesting the nearest one; an unused one is harmless", async () => {
    const src = `import {\n  Celery,\n  chrod,\n  group as g,\n  Nope,\n} from "celery";\nimport celery from "celery";\nconst app = new Celery("x");\nexport default async function main() {\n  chrod(g(), celery.Celery);\n}\n`;
    const out = await compileScenario(esbuild, src);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.diagnostics.map((d) => [d.line, d.column, d.length, d.message])).toEqual([[3, 3, 5, '"chrod" is not exported by "celery": did you mean "chord"?']]);
    // With a default import first, the import is still where it is shown (not a comment that names it).
    const mixed = await compileScenario(esbuild, `// chrod is what I want\nimport celery, { chrod } from "celery";\nexport default async function main() { return [celery, chrod]; }\n`);
    expect(mixed.ok ? [] : mixed.diagnostics.map((d) => [d.line, d.column])).toEqual([[2, 18]]);
    // Used through a default import, and used without a near name.
    const viaDefault = await compileScenario(esbuild, `import celery, { Celery } from "celery";\nexport default async function main() {\n  return [Celery, celery.sleep, celery.wat];\n}\n`);
    expect(viaDefault.ok).toBe(true); // a default import is the whole module: properties of it are not checked
    const far = await compileScenario(esbuild, `import { Celery, zzzzzz } from "celery";\nexport default async function main() { return zzzzzz; }\n`);
    expect(far.ok ? [] : far.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[1, 18, '"zzzzzz" is not exported by "celery"']]);
    // Every real export compiles, and a local variable called import_celery is the learner's own.
    const all = await compileScenario(esbuild, `import { ${[...CELERY_EXPORTS].join(", ")} } from "celery";\nconst import_celery = { x: 1 };\nexport default async function main() { return [${[...CELERY_EXPORTS].join(", ")}, import_celery.x]; }\n`);
    expect(all.ok ? "ok" : all.diagnostics.map((d) => d.message)).toBe("ok");
  });

  it("reports a syntax error at its line and column (1-based)", async () => {
    const out = await compileScenario(esbuild, `const a = 1;\nconst b = (;\n`);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.diagnostics[0]).toMatchObject({ file: "scenario.ts", line: 2, column: 12, severity: "error" });
  });
});
