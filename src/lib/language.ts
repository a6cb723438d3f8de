/** The languages a scenario can be written in, and what follows from the choice. */
export type Language = "typescript" | "python";

export const LANGUAGES: readonly Language[] = ["typescript", "python"];

/** The scenario's file name: what diagnostics and tracebacks call it. */
export function scenarioFile(language: Language): string {
  return language === "python" ? "scenario.py" : "scenario.ts";
}

export function isLanguage(v: unknown): v is Language {
  return v === "typescript" || v === "python";
}

export const LANGUAGE_LABEL: Record<Language, string> = { typescript: "TypeScript", python: "Python" };
