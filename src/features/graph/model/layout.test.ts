import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { exprArb } from "./arbitraries";
import { fromExpr, toElements } from "./elements";
import { chain, chord, task, type Expr } from "./expr";
import cytoscape from "cytoscape";
import { DEFAULT_SIZES, flatElements, structuralLayout, structuralPlacement } from "./layout";
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
  // The boxes big canvases draw instead of compound nodes: one per group, chord and chord header,
  // each holding its members' nodes, its label strip above it free of nodes.
  const { boxes } = structuralPlacement(g);
  const compounds = g.nodes.filter((n) => n.data.kind !== "task");
  expect(new Set(boxes.keys())).toEqual(new Set(compounds.map((n) => n.data.id)));
  const parent = new Map(g.nodes.map((n) => [n.data.id, n.data.parent]));
  const { nodeW: w, nodeH: h, label } = DEFAULT_SIZES;
  for (const t of tasks) {
    const p = pos.get(t.data.id)!;
    for (let a = parent.get(t.data.id); a !== undefined; a = parent.get(a)) {
      const b = boxes.get(a)!;
      expect(p.x - w / 2 >= b.x && p.x + w / 2 <= b.x + b.w && p.y - h / 2 >= b.y && p.y + h / 2 <= b.y + b.h).toBe(true);
    }
    for (const b of boxes.values()) expect(p.x + w / 2 <= b.x || p.x - w / 2 >= b.x + b.w || p.y + h / 2 <= b.y - label || p.y - h / 2 >= b.y).toBe(true);
  }
}

describe("structural layout", () => {
  for (const [name, p] of Object.entries(SEED_PATTERNS)) it(name, () => check(toElements([fromExpr(p.expr)])));
  it("a deeply nested canvas lays out (in linear time: fromElements once lifted every edge per container)", () => {
    let e: Expr = task("x");
    for (let i = 0; i < 200; i++) e = chord([e, task("a", [i]), task("b", [i])], task("c", [i]));
    const g = toElements([fromExpr(e)]);
    const { tasks, boxes } = structuralPlacement(g);
    expect(tasks.size).toBe(1 + 200 * 3);
    expect(boxes.size).toBe(200 * 2);
  });
  it("random canvases: edges point right, nodes never overlap", () => {
    fc.assert(fc.property(exprArb, (e) => check(toElements([fromExpr(e)]))), { numRuns: 200 });
  });
  it("big canvases are drawn flat: every node once, placed, none a compound, boxes under tasks", () => {
    const lanes = Array.from({ length: 10 }, (_, l) => chain(...Array.from({ length: 8 }, (_, k) => task(`s${k}`, [l]))));
    for (const e of [chord(lanes, task("collect")), ...Object.values(SEED_PATTERNS).map((p) => p.expr)]) {
      const g = toElements([fromExpr(e)]);
      const { elements, placement } = flatElements(g);
      // Added as CyGraph adds them (elements given to the constructor go through its default layout).
      const cy = cytoscape({ headless: true });
      cy.add(elements);
      expect(cy.nodes().length).toBe(g.nodes.length);
      expect(cy.edges().length).toBe(g.edges.length);
      expect(cy.nodes().filter((n) => n.isParent() || n.isChild()).length).toBe(0);
      const kinds = elements.filter((x) => x.group === "nodes").map((x) => x.data.kind as string);
      expect(kinds.slice(kinds.indexOf("task")).every((k) => k === "task")).toBe(true);
      for (const t of g.nodes.filter((n) => n.data.kind === "task")) expect(cy.getElementById(t.data.id).position()).toEqual(placement.tasks.get(t.data.id));
      for (const [id, b] of placement.boxes) {
        const n = cy.getElementById(id);
        expect([n.data("w"), n.data("h")]).toEqual([b.w, b.h]);
        expect(n.position()).toEqual({ x: b.x + b.w / 2, y: b.y + b.h / 2 });
      }
      cy.destroy();
    }
  });
});
