import { describe, expect, it } from "vitest";
import { COURSE_LAB_IDS, forLanguage, labMeta, loadLab, parseFrontmatter, parseSections } from "./content";

describe("lab content as the page reads it", () => {
  it("parses flat frontmatter, quoted or not", () => {
    const { data, body } = parseFrontmatter(`---\nid: x\ntitle: "Pitfall: a \\"quoted\\" title"\nminutes: 20\n---\n\n## Objective\nHi`);
    expect(data).toEqual({ id: "x", title: 'Pitfall: a "quoted" title', minutes: "20" });
    expect(body.trim()).toBe("## Objective\nHi");
  });

  it("splits sections and hints, ignoring headings inside code fences", () => {
    const s = parseSections("## Objective\nDo it.\n## Hints\n### Hint 1\nOne\n```md\n## not a section\n```\n### Hint 2\nTwo\n## Discussion questions\n1. Why?\n## In Python Celery\n```python\nx\n```");
    expect(s.objective).toBe("Do it.");
    expect(s.hints).toEqual(["One\n```md\n## not a section\n```", "Two"]);
    expect(s.discussion).toBe("1. Why?");
    expect(s.python).toContain("```python");
  });

  it("every lab in the catalogue has a title, minutes, objective, steps, hints and a check suite", async () => {
    for (const id of COURSE_LAB_IDS) {
      const m = labMeta(id)!;
      expect(m.title, id).not.toBe(id);
      expect(m.minutes, id).toBeGreaterThan(0);
      const lab = (await loadLab(id))!;
      expect(lab.sections.objective.length, id).toBeGreaterThan(20);
      expect(lab.sections.steps.length, id).toBeGreaterThan(20);
      expect(lab.sections.hints.length, id).toBeGreaterThan(0);
      expect(lab.suite.checks.length, id).toBeGreaterThan(0);
      expect(lab.hash, id).toMatch(/^v\d+-[0-9a-f]{8}$/);
    }
  });
});

/**
 * What reads as TypeScript in a code span: syntax Python has not, and a camelCase name (Celery's
 * Python names are snake_case). `ALSO_PYTHON` lists the camelCase spans that are the same in both
 * (Python statements the rule mistakes, messages, JSON keys).
 */
const TS_SYNTAX = /\bthrow\b|\bnew [A-Z]|=>|\bawait\b|\bconst\b|\blet\b|\(\{|\{ \w+:|\w+: \w|;\s*$|\|\||&&|===|!==|\bthis\.|\.\.\.\w|\bsuper\.|^Map$|\bnull\b|\btrue\b|\bfalse\b/;
const CAMEL = /\b[a-z]+[A-Z]\w*/;
const ALSO_PYTHON = new Set<string>([
  // Python statements and messages, and a record's JSON keys (3.1's profile rows).
  'try: return super().__call__(*args, **kwargs)',
  'except Exception: state = "FAILURE"; raise',
  "finally: record(time.time() - t0)",
  '{"id": ..., "durationS": ..., "state": ...}',
  "RuntimeError: Never call result.get() within a task!",
]);

function typescriptSpans(md: string): string[] {
  const out: string[] = [];
  for (const block of md.matchAll(/^[ \t]*```(ts|typescript|js)\n/gm)) out.push(`a \`\`\`${block[1]} block`);
  const noBlocks = md.replace(/^[ \t]*```[\s\S]*?^[ \t]*```/gm, "");
  for (const m of noBlocks.matchAll(/``([^\n]+?)``|`([^`\n]+)`/g)) {
    const span = (m[1] ?? m[2])!;
    if (ALSO_PYTHON.has(span)) continue;
    if (TS_SYNTAX.test(span) || CAMEL.test(span)) out.push(span);
  }
  return out;
}

describe("a lab's text in the learner's language (forLanguage)", () => {
  it("puts a span's Python rendering in its place for Python, and keeps the span for TypeScript", () => {
    const md = "Set `maxRetries: 3`<!--py:`max_retries=3`--> and ``a `b` c``<!--py:`d`-->; `plain` stays.";
    expect(forLanguage(md, "typescript")).toBe("Set `maxRetries: 3` and ``a `b` c``; `plain` stays.");
    expect(forLanguage(md, "python")).toBe("Set `max_retries=3` and `d`; `plain` stays.");
  });

  it("shows one of a code block and its Python twin", () => {
    const md = "Like this:\n\n   ```ts\n   const x = 1;\n   ```\n   <!--py-->\n   ```python\n   x = 1\n   ```\n\nThen `go`.";
    expect(forLanguage(md, "typescript")).toBe("Like this:\n\n   ```ts\n   const x = 1;\n   ```\n\nThen `go`.");
    expect(forLanguage(md, "python")).toBe("Like this:\n\n   ```python\n   x = 1\n   ```\n\nThen `go`.");
  });

  it("every lab with Python files names Python's API to a Python learner: no TypeScript in a code span", async () => {
    const found: string[] = [];
    for (const id of COURSE_LAB_IDS) {
      const lab = (await loadLab(id))!;
      if (lab.starterPy === undefined) continue;
      const texts = [lab.sections.objective, lab.sections.steps, ...lab.sections.hints, lab.sections.discussion];
      for (const span of texts.flatMap((t) => typescriptSpans(forLanguage(t, "python")))) found.push(`${id}: \`${span}\``);
    }
    expect(found, `write a Python rendering after each (\`ts\`<!--py:\`python\`-->):\n${found.join("\n")}`).toEqual([]);
  });
});
