/**
 * One compile step for every host: the headless runner passes Node's esbuild, the browser's compile
 * worker passes esbuild-wasm. Both produce the same CommonJS text for the same source, so a scenario
 * behaves alike everywhere. `"celery"` stays external: the runtime hands each run its own module.
 */

/** The part of esbuild's API we use (esbuild and esbuild-wasm both have it). */
export interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<{
    outputFiles?: { text: string }[];
    errors: EsbuildMessage[];
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
export const RUNTIME_MODULES = ["celery", "celery/testing"];

export async function compileScenario(esbuild: EsbuildLike, source: string, file = "scenario.ts"): Promise<CompileResult> {
  try {
    const out = await esbuild.build({
      stdin: { contents: source, loader: "ts", sourcefile: file, resolveDir: "/" },
      bundle: true,
      write: false,
      format: "cjs",
      platform: "neutral",
      target: "es2022",
      external: RUNTIME_MODULES,
      keepNames: true,
      logLevel: "silent",
      // Inline, so a runtime error can be mapped back to the learner's line (engine/sourcemap.ts).
      sourcemap: "inline",
      sourcesContent: false,
      charset: "utf8",
    });
    return { ok: true, code: out.outputFiles?.[0]?.text ?? "", warnings: out.warnings.map((w) => toDiagnostic(w, "warning", file)) };
  } catch (e) {
    const errors = (e as { errors?: EsbuildMessage[] }).errors;
    if (Array.isArray(errors) && errors.length) return { ok: false, diagnostics: errors.map((m) => toDiagnostic(m, "error", file)) };
    return { ok: false, diagnostics: [{ file, line: 1, column: 1, length: 0, severity: "error", message: String((e as Error)?.message ?? e), lineText: "" }] };
  }
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
