import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { exprArb } from "./arbitraries";
import { fromExpr, toElements } from "./elements";
import { DEFAULT_SIZES, structuralLayout } from "./layout";
import { SEED_PATTERNS } from "./patterns";

function check(g: ReturnType<typeof toElements>) {
  const pos = structuralLayout(g);
  const tasks = g.nodes.filter((n) => n.data.kind === "task");
  expect(pos.size).toBe(tasks.length);
  // Every edge goes left to right.
  for (const e of g.edges) expect(pos.get(e.data.target)!.x).toBeGreaterThan(pos.get(e.data.source)!.x);
  // No two task nodes overlap.
  const ps = [...pos.values()];
  for (let i = 0; i < ps.length; i++)
    for (let j = i + 1; j < ps.length; j++) {
      const dx = Math.abs(ps[i]!.x - ps[j]!.x);
      const dy = Math.abs(ps[i]!.y - ps[j]!.y);
      expect(dx >= DEFAULT_SIZES.nodeW || dy >= DEFAULT_SIZES.nodeH).toBe(true);
    }
}

describe("structural layout", () => {
  for (const [name, p] of Object.entries(SEED_PATTERNS)) it(name, () => check(toElements([fromExpr(p.expr)])));
  it("random canvases: edges point right, nodes never overlap", () => {
    fc.assert(fc.property(exprArb, (e) => check(toElements([fromExpr(e)]))), { numRuns: 200 });
  });
});
