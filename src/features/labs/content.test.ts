import { describe, expect, it } from "vitest";
import { COURSE_LAB_IDS, labMeta, loadLab, parseFrontmatter, parseSections } from "./content";

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
