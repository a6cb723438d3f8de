import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { equivalent, normalize, shapeOf, type Expr } from "./expr";
import { fromElements, fromExpr, toElements } from "./elements";
import { toTypeScript } from "./export";
import { findCanvases, parseCanvas } from "./parse";
import { SEED_PATTERNS } from "./patterns";
import { exprArb } from "./arbitraries";

/** expression text → Expr → graph elements → Expr → expression text → Expr */
function roundTrip(e: Expr): { back: Expr; text: string } {
  const g = toElements([fromExpr(e)]);
  const pieces = fromElements(g);
  expect(pieces).toHaveLength(1);
  const text = toTypeScript(pieces[0]!);
  return { back: parseCanvas(text), text };
}

describe("round trip: expression → graph → expression", () => {
  for (const [name, p] of Object.entries(SEED_PATTERNS)) {
    it(name, () => {
      const parsed = parseCanvas(p.ts);
      expect(normalize(parsed)).toEqual(normalize(p.expr));
      const { back } = roundTrip(parsed);
      expect(normalize(back)).toEqual(normalize(p.expr));
    });
  }

  it("draws the diamond as fan-out and fan-in edges around a group compound", () => {
    const g = toElements([fromExpr(SEED_PATTERNS.diamond!.expr)]);
    const kinds = g.edges.map((e) => e.data.kind).sort();
    expect(kinds).toEqual(["fan-in", "fan-in", "fan-out", "fan-out"]);
    expect(g.nodes.filter((n) => n.data.kind === "group")).toHaveLength(1);
  });

  it("draws a chord as header compound inside a chord compound with body edges", () => {
    const g = toElements([fromExpr(SEED_PATTERNS["map-reduce chord"]!.expr)]);
    expect(g.nodes.map((n) => n.data.kind).sort()).toEqual(["chord", "header", "task", "task", "task", "task", "task"]);
    expect(g.edges.filter((e) => e.data.kind === "body")).toHaveLength(4);
    const body = g.nodes.find((n) => n.data.chordBody)!;
    expect(body.data.task).toBe("sumResults");
  });

  it("a chain's order comes from its edges, not from the order of the nodes", () => {
    const e: Expr = parseCanvas("chain(a.s(), b.s(), c.s())");
    const g = toElements([fromExpr(e)]);
    // Same elements, nodes reversed and their seq scrambled: the edges still say a → b → c.
    const scrambled = { nodes: [...g.nodes].reverse().map((n, i) => ({ data: { ...n.data, seq: i } })), edges: g.edges };
    expect(shapeOf(fromElements(scrambled)[0]!)).toBe("chain(a, b, c)");
  });

  it("detects a wrong rebuild (the test can fail)", () => {
    const e = parseCanvas("chain(a.s(), group(b.s(), c.s()), d.s())");
    const g = toElements([fromExpr(e)]);
    const broken = { nodes: g.nodes, edges: g.edges.filter((x) => x.data.kind !== "fan-in") };
    const pieces = fromElements(broken);
    expect(pieces.length === 1 && equivalent(pieces[0]!, e)).toBe(false);
  });
});

// ---------------------------------------------------------------- random nested canvases

describe("round trip, random nested canvases", () => {
  it("expression → graph → expression is equivalent", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const pieces = fromElements(toElements([fromExpr(e)]));
        expect(pieces).toHaveLength(1);
        expect(normalize(pieces[0]!)).toEqual(normalize(e));
      }),
      { numRuns: 400 },
    );
  });

  it("TypeScript text → parse → same canvas", () => {
    fc.assert(
      fc.property(exprArb, fc.integer({ min: 20, max: 140 }), (e, width) => {
        const text = toTypeScript(e, width);
        expect(normalize(parseCanvas(text))).toEqual(normalize(e));
      }),
      { numRuns: 400 },
    );
  });

  it("several pieces side by side come back as several pieces, in order", () => {
    fc.assert(
      fc.property(fc.array(exprArb, { minLength: 1, maxLength: 4 }), (es) => {
        const trees = es.map((e, i) => fromExpr(e, `p${i}`));
        const pieces = fromElements(toElements(trees));
        expect(pieces.map(normalize)).toEqual(es.map(normalize));
      }),
      { numRuns: 150 },
    );
  });
});

describe("finding canvases in scenario code", () => {
  it("reads the chain of the canvas example and explains the chord it cannot read", () => {
    const code = `import { Celery, chain, chord, group, sleep } from "celery";
// a chord runs a group(...) in parallel
const s = "chain(not.s())";
export default async function main() {
  const c = chain(add.s(2, 2), add.s(4), double.s()).applyAsync();
  const r = chord(group(urls.map((u) => fetchPage.s(u))), total.s()).applyAsync();
  const g = group([add.s(1, 1), add.si(2, 2).set({ queue: "fast" })]);
}`;
    const found = findCanvases(code);
    expect(found).toHaveLength(3);
    expect(shapeOf(found[0]!.expr!)).toBe("chain(add, add, double)");
    expect(found[0]!.line).toBe(5);
    expect(found[1]!.error?.message).toMatch(/expected a task signature/);
    expect(found[1]!.error?.line).toBe(6);
    expect(found[2]!.expr).toEqual({ kind: "group", items: [{ kind: "task", name: "add", args: [1, 1], immutable: false, options: {} }, { kind: "task", name: "add", args: [2, 2], immutable: true, options: { queue: "fast" } }] });
  });

  it("rejects what is not a canvas", () => {
    expect(() => parseCanvas("chain(add.s(x))")).toThrow(/literals/);
    expect(() => parseCanvas("group()")).toThrow(/at least one/);
    expect(() => parseCanvas("chain(add.s(1)).set({ queue: 'q' })")).toThrow(/task signatures only/);
    expect(() => parseCanvas("add.s(1).set({ priority: 3 })")).toThrow(/unsupported option/);
  });
});
