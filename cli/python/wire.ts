/**
 * The runner's reply as one JSON text with long strings said once (cli/python/runner.worker.ts →
 * runner.ts). A lab's report repeats a task's arguments (its row, its events): lab 3.2 sends 500
 * tasks with a 100 kB payload each, and its report was 155 MB of JSON, which took ~15 s to cross
 * from the page to Node (CDP). Equal strings of at least `LONG` characters go into a table once and
 * are referred to by index; the reply is the same value once read back.
 */
const LONG = 1024;
/** The key of a reference object; no report or trace key starts with a NUL. */
const REF = "\u0000str";

export function packJson(value: unknown): string {
  const index = new Map<string, number>();
  const strings: string[] = [];
  const body = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "string" || v.length < LONG) return v;
    let i = index.get(v);
    if (i === undefined) index.set(v, (i = strings.push(v) - 1));
    return { [REF]: i };
  });
  return JSON.stringify({ strings, body });
}

export function unpackJson<T>(text: string): T {
  const { strings, body } = JSON.parse(text) as { strings: string[]; body: string | undefined };
  if (body === undefined) return undefined as T;
  return JSON.parse(body, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && REF in v) {
      const i = (v as Record<string, unknown>)[REF];
      if (typeof i !== "number" || strings[i] === undefined) throw new Error(`runner reply: no string ${String(i)}`);
      return strings[i];
    }
    return v;
  }) as T;
}
