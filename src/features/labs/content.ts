/**
 * The course's labs as the page sees them. The READMEs are bundled (the catalogue needs their
 * titles); starters, solutions and checks are loaded when a lab page opens. The checks are the same
 * TypeScript modules the headless labs test runs, so the page grades exactly as CI does.
 */
import { PATHS, LAB_IDS, type LabPath } from "../../../labs/index";
import type { CheckSuite } from "../../../sim/check/define";
import { contentHash } from "../../state/progress-schema";

export interface LabMeta {
  id: string;
  title: string;
  path: string;
  order: number;
  minutes: number;
  version: string;
}

export interface LabSections {
  objective: string;
  steps: string;
  hints: string[];
  discussion: string;
  python: string;
}

export interface LabContent {
  meta: LabMeta;
  sections: LabSections;
  starter: string;
  solution: string;
  /** The lab in Python (labs/<id>/starter.py, solution.py), for the labs that have them; same checks. */
  starterPy?: string;
  solutionPy?: string;
  suite: CheckSuite;
  /** Changes whenever the starter, the checks or the frontmatter version change. */
  hash: string;
}

const readmes = import.meta.glob<string>("../../../labs/*/README.md", { query: "?raw", import: "default", eager: true });
const starters = import.meta.glob<string>("../../../labs/*/starter.ts", { query: "?raw", import: "default" });
const solutions = import.meta.glob<string>("../../../labs/*/solution.ts", { query: "?raw", import: "default" });
const startersPy = import.meta.glob<string>("../../../labs/*/starter.py", { query: "?raw", import: "default" });
const solutionsPy = import.meta.glob<string>("../../../labs/*/solution.py", { query: "?raw", import: "default" });
const checkSources = import.meta.glob<string>("../../../labs/*/check.ts", { query: "?raw", import: "default" });
const checks = import.meta.glob<{ default: CheckSuite }>("../../../labs/*/check.ts");

const file = (id: string, name: string) => `../../../labs/${id}/${name}`;

/** Splits `---\nkey: value\n---\nbody` (flat YAML scalars only, as the lab format uses). */
export function parseFrontmatter(text: string): { data: Record<string, string>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { data: {}, body: text };
  const data: Record<string, string> = {};
  for (const line of m[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2]!.trim();
    if (v.startsWith('"') && v.endsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        v = v.slice(1, -1);
      }
    } else if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/''/g, "'");
    data[kv[1]!] = v;
  }
  return { data, body: text.slice(m[0].length) };
}

/**
 * A lab's text as a learner of `language` reads it. A code span with a Python rendering carries it in
 * a comment right after it, `` `maxRetries: 3`<!--py:`max_retries=3`--> ``: the TypeScript learner
 * (and GitHub) sees the span, the Python learner the comment's text in its place. A code block with
 * a Python twin is a fenced `ts` block followed at once by a fenced `python` block marked
 * `<!--py-->` on the line between them: each learner sees one.
 */
export function forLanguage(md: string, language: "typescript" | "python"): string {
  return md
    .replace(PY_BLOCK_PAIR, (_all, ts: string, py: string) => (language === "python" ? py : ts))
    .replace(PY_ALTERNATE, (_all, ts: string, py: string) => (language === "python" ? py : ts));
}

/** A code span (or a double-backtick span) followed by its Python rendering. */
export const PY_ALTERNATE = /(``[^\n]+?``|`[^`\n]+`)<!--py:(.*?)-->/g;

/** A fenced TypeScript block, `<!--py-->`, and its fenced Python twin (leading indentation kept). */
export const PY_BLOCK_PAIR = /^([ \t]*```(?:ts|typescript)\n[\s\S]*?^[ \t]*```)\n[ \t]*<!--py-->\n([ \t]*```python\n[\s\S]*?^[ \t]*```)$/gm;

/** The README's `## ` sections by heading; hints are the `### ` parts of "Hints". */
export function parseSections(body: string): LabSections {
  const parts = new Map<string, string>();
  let name = "";
  let buf: string[] = [];
  let fence = false;
  const flush = () => parts.set(name.toLowerCase(), buf.join("\n").trim());
  for (const line of body.split(/\r?\n/)) {
    if (/^```/.test(line)) fence = !fence;
    const h = !fence && /^## (.+?)\s*$/.exec(line);
    if (h) {
      flush();
      name = h[1]!;
      buf = [];
    } else buf.push(line);
  }
  flush();
  const hints: string[] = [];
  const hintText = parts.get("hints") ?? "";
  for (const chunk of hintText.split(/^### .*$/m).slice(1)) if (chunk.trim()) hints.push(chunk.trim());
  return {
    objective: parts.get("objective") ?? "",
    steps: parts.get("steps") ?? "",
    hints,
    discussion: parts.get("discussion questions") ?? "",
    python: parts.get("in python celery") ?? "",
  };
}

const metas = new Map<string, LabMeta>();
for (const id of LAB_IDS) {
  const text = readmes[file(id, "README.md")];
  const { data } = parseFrontmatter(text ?? "");
  metas.set(id, {
    id,
    title: data.title || id,
    path: data.path || "",
    order: Number(data.order) || 0,
    minutes: Number(data.minutes) || 0,
    version: data.version || "1",
  });
}

export const COURSE: readonly LabPath[] = PATHS;
export const COURSE_LAB_IDS: readonly string[] = LAB_IDS;

export function labMeta(id: string): LabMeta | undefined {
  return metas.get(id);
}

/** "1.3" for "1.3-error-handling", "P1" for "p1-…", "C1" for "c1-…". */
export function labNumber(id: string): string {
  return id.split("-")[0]!.toUpperCase();
}

export async function loadLab(id: string): Promise<LabContent | null> {
  const meta = metas.get(id);
  const loaders = [starters, solutions, checkSources].map((g) => g[file(id, g === starters ? "starter.ts" : g === solutions ? "solution.ts" : "check.ts")]);
  const mod = checks[file(id, "check.ts")];
  if (!meta || !mod || loaders.some((l) => !l)) return null;
  // Python files are optional: a lab without them is TypeScript only.
  const py = [startersPy[file(id, "starter.py")], solutionsPy[file(id, "solution.py")]].map((l) => (l ? l() : Promise.resolve(undefined)));
  const [[starter, solution, checkSrc], suiteMod, [starterPy, solutionPy]] = await Promise.all([Promise.all(loaders.map((l) => l!())), mod(), Promise.all(py)]);
  const { body } = parseFrontmatter(readmes[file(id, "README.md")]!);
  return {
    meta,
    sections: parseSections(body),
    starter: starter!,
    solution: solution!,
    ...(starterPy !== undefined && solutionPy !== undefined ? { starterPy, solutionPy } : {}),
    suite: suiteMod.default,
    hash: `v${meta.version}-${contentHash(starter!, checkSrc!)}`,
  };
}

/** The editor/draft key of a lab (sandbox examples use their bare id). */
export const draftKey = (labId: string) => `lab:${labId}`;
