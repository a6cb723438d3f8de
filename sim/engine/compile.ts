/**
 * One compile step for every host: the headless runner passes Node's esbuild, the browser's compile
 * worker passes esbuild-wasm. Both produce the same CommonJS text for the same source, so a scenario
 * behaves alike everywhere. `"celery"` stays external: the runtime hands each run its own module.
 */
import { CELERY_EXPORTS } from "../celery/exports";

/** The part of esbuild's API we use (esbuild and esbuild-wasm both have it). */
export interface EsbuildLike {
  transform(
    input: string,
    options: {
      loader: "ts";
      sourcefile: string;
      format: "cjs";
      platform: "neutral";
      target: string;
      keepNames: boolean;
      logLevel: "silent";
      sourcemap: "inline";
      sourcesContent: boolean;
      charset: "utf8";
    },
  ): Promise<{
    code: string;
    warnings: EsbuildMessage[];
  }>;
}

export interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText?: string; length?: number } | null;
}

export interface Diagnostic {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  length: number;
  severity: "error" | "warning";
  message: string;
  lineText: string;
}

export type CompileResult =
  | { ok: true; code: string; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Modules a scenario may import; the runtime provides them. */
export const RUNTIME_MODULES = ["celery"];

/**
 * A scenario is one file whose only imports are the runtime's modules, so it is transformed, not
 * bundled (esbuild's transform skips the resolver and linker: ~1.5x faster, which is most of a
 * recompile). Imports of anything else are refused here, at their line, as the bundler would.
 */
export async function compileScenario(esbuild: EsbuildLike, source: string, file = "scenario.ts"): Promise<CompileResult> {
  try {
    const out = await esbuild.transform(source, {
      loader: "ts",
      sourcefile: file,
      format: "cjs",
      platform: "neutral",
      target: "es2022",
      keepNames: true,
      logLevel: "silent",
      // Inline, so a runtime error can be mapped back to the learner's line (engine/sourcemap.ts).
      sourcemap: "inline",
      sourcesContent: false,
      charset: "utf8",
    });
    const bad = unknownImports(out.code).map((name) => unresolved(source, file, name));
    if (bad.length) return { ok: false, diagnostics: bad };
    const missing = unknownNames(out.code).map((name) => notExported(source, file, name));
    if (missing.length) return { ok: false, diagnostics: missing };
    return { ok: true, code: out.code, warnings: out.warnings.map((w) => toDiagnostic(w, "warning", file)) };
  } catch (e) {
    const errors = (e as { errors?: EsbuildMessage[] }).errors;
    if (Array.isArray(errors) && errors.length) return { ok: false, diagnostics: errors.map((m) => toDiagnostic(m, "error", file)) };
    return { ok: false, diagnostics: [{ file, line: 1, column: 1, length: 0, severity: "error", message: String((e as Error)?.message ?? e), lineText: "" }] };
  }
}

/** Modules the compiled CommonJS requires (static imports, `import()` and `require` all become require calls). */
function unknownImports(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g)) if (!RUNTIME_MODULES.includes(m[2]!)) names.add(m[2]!);
  return [...names];
}

/**
 * Names the code takes from "celery" that it does not export. esbuild's transform turns
 * `import { chrod } from "celery"` into `import_celery.chrod` wherever it is used (an import that is
 * never used is dropped, and harmless), so a used misspelling would be `undefined` at run time.
 */
function unknownNames(code: string): string[] {
  const names = new Set<string>();
  // Only the variables esbuild made for the module (a learner's own `import_celery` is left alone).
  // A default import (`import celery from "celery"`) wraps it in __toESM and reads `.default`.
  const vars = [...code.matchAll(/\bvar (import_celery\d*) = (?:__toESM\()?require\("celery"\)/g)].map((m) => m[1]!);
  for (const v of vars)
    for (const m of code.matchAll(new RegExp(`\\b${v}\\.([A-Za-z_$][\\w$]*)`, "g"))) if (m[1] !== "default" && !CELERY_EXPORTS.has(m[1]!)) names.add(m[1]!);
  return [...names];
}

/** Where `name` is imported from "celery" (else where it is first used), with the closest export as a suggestion. */
function notExported(source: string, file: string, name: string): Diagnostic {
  const suggestion = closest(name, [...CELERY_EXPORTS]);
  const message = `"${name}" is not exported by "celery"${suggestion ? `: did you mean "${suggestion}"?` : ""}`;
  const word = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`);
  let offset = -1;
  // `import { a, b } from "celery"`, and with a default import first: `import celery, { a } from "celery"`.
  for (const m of source.matchAll(/\bimport\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{[^}]*\}\s*from\s*(["'])celery\1/g)) {
    const at = m[0].search(word);
    if (at >= 0) {
      offset = m.index! + at;
      break;
    }
  }
  if (offset < 0) offset = source.search(word);
  if (offset < 0) return { file, line: 1, column: 1, length: 0, severity: "error", message, lineText: "" };
  const before = source.slice(0, offset).split("\n");
  const line = before.length;
  return { file, line, column: before[line - 1]!.length + 1, length: name.length, severity: "error", message, lineText: source.split("\n")[line - 1]! };
}

/** The candidate nearest to `name` by edit distance (ignoring case), if it is near enough to be a typo. */
function closest(name: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Where `name` is imported in the source (its quoted string), as the bundler reports it. */
function unresolved(source: string, file: string, name: string): Diagnostic {
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.search(new RegExp(`(["'])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\1`));
    if (at >= 0) return { file, line: i + 1, column: at + 1, length: name.length + 2, severity: "error", message: `Could not resolve "${name}": a scenario can import only ${RUNTIME_MODULES.map((m) => `"${m}"`).join(" and ")}`, lineText: lines[i]! };
  }
  return { file, line: 1, column: 1, length: 0, severity: "error", message: `Could not resolve "${name}"`, lineText: "" };
}

function toDiagnostic(m: EsbuildMessage, severity: "error" | "warning", file: string): Diagnostic {
  const loc = m.location;
  return {
    // One file per scenario: esbuild names it relative to "/", people know it by the name they gave.
    file,
    line: loc?.line ?? 1,
    // esbuild's columns are 0-based; editors and people count from 1.
    column: (loc?.column ?? 0) + 1,
    length: loc?.length ?? 0,
    severity,
    message: m.text,
    lineText: loc?.lineText ?? "",
  };
}

export function formatDiagnostic(d: Diagnostic): string {
  const caret = d.lineText ? `\n    ${d.lineText}\n    ${" ".repeat(Math.max(0, d.column - 1))}^` : "";
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${caret}`;
}
