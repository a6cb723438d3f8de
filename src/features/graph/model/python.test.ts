import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parser } from "@lezer/python";
import type { SyntaxNode } from "@lezer/common";
import { normalize, tasksOf, type Expr } from "./expr";
import { pyLiteral, toPythonExpr, toPythonModule } from "./export";
import { SEED_PATTERNS } from "./patterns";
import { exprArb } from "./arbitraries";

function errorsIn(text: string): string[] {
  const tree = parser.parse(text);
  const out: string[] = [];
  tree.iterate({
    enter(n) {
      if (n.type.isError) out.push(`error at ${n.from}: ${JSON.stringify(text.slice(Math.max(0, n.from - 20), n.to + 20))}`);
    },
  });
  return out;
}

/** The canvas read back from the Python syntax tree: call names and nesting only. */
function pyShape(text: string, node: SyntaxNode): string {
  if (node.name === "CallExpression") {
    const callee = node.firstChild!;
    const args = node.getChild("ArgList")!;
    const kids: SyntaxNode[] = [];
    for (let c = args.firstChild; c; c = c.nextSibling) if (!["(", ")", ","].includes(c.name)) kids.push(c);
    if (callee.name === "VariableName" && ["chain", "group", "chord"].includes(text.slice(callee.from, callee.to))) {
      const name = text.slice(callee.from, callee.to);
      if (name === "chord") return `chord([${listShape(text, kids[0]!)}], ${pyShape(text, kids[1]!)})`;
      return `${name}(${kids.map((k) => pyShape(text, k)).join(", ")})`;
    }
    if (callee.name === "MemberExpression") {
      const obj = callee.firstChild!;
      const prop = text.slice(callee.lastChild!.from, callee.lastChild!.to);
      if (prop === "set") return pyShape(text, obj);
      if (prop === "s" || prop === "si") return text.slice(obj.from, obj.to);
    }
  }
  return `?${node.name}`;
}
function listShape(text: string, node: SyntaxNode): string {
  const kids: string[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!["[", "]", ","].includes(c.name)) kids.push(pyShape(text, c));
  return kids.join(", ");
}

function exprShape(e: Expr): string {
  switch (e.kind) {
    case "task":
      return e.name;
    case "chain":
    case "group":
      return `${e.kind}(${e.items.map(exprShape).join(", ")})`;
    case "chord":
      return `chord([${e.header.map(exprShape).join(", ")}], ${exprShape(e.body)})`;
  }
}

/** The `workflow = ...` assignment's value, as a shape. */
function workflowShape(py: string): string {
  const tree = parser.parse(py);
  let out = "";
  tree.iterate({
    enter(n) {
      if (n.name === "AssignStatement" && py.slice(n.from, n.from + 9) === "workflow ") {
        out = pyShape(py, n.node.lastChild!);
        return false;
      }
      return undefined;
    },
  });
  return out;
}

const SNAKE: Record<string, string> = {};
const snake = (e: Expr): Expr => {
  // Python names for the seed's tasks, as a learner would write them.
  const m = (n: string) => (SNAKE[n] ??= n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  switch (e.kind) {
    case "task":
      return { ...e, name: m(e.name) };
    case "chain":
    case "group":
      return { ...e, items: e.items.map(snake) };
    case "chord":
      return { ...e, header: e.header.map(snake), body: snake(e.body) };
  }
};

describe("generated Python", () => {
  for (const [name, p] of Object.entries(SEED_PATTERNS)) {
    it(`${name}: parses without error nodes and names the same tasks and structure`, () => {
      const e = snake(p.expr);
      const py = toPythonModule(e, { app: "shop" });
      expect(errorsIn(py)).toEqual([]);
      expect(workflowShape(py)).toBe(exprShape(e));
      for (const t of new Set(tasksOf(e).map((x) => x.name))) {
        expect(py).toContain(`@app.task(name="${t}")\ndef ${t}(`);
      }
    });
  }

  it("keeps options as keyword arguments of .set()", () => {
    const py = toPythonExpr(SEED_PATTERNS["saga chain"]!.expr);
    expect(py).toContain('processPayment.s().set(countdown=2, queue="payments", retries=1)');
    expect(py).toContain('createOrder.s({"id": 7, "items": ["book", "pen"]})');
  });

  it("writes Python literals", () => {
    expect(pyLiteral([true, false, null, 1.5, "a\"b", { k: [1] }])).toBe('[True, False, None, 1.5, "a\\"b", {"k": [1]}]');
  });

  it("the error check catches broken Python (the test can fail)", () => {
    expect(errorsIn("workflow = chain(add.s(2, 2), , )\n")).not.toEqual([]);
  });

  it("random canvases print as Python that parses, with the same structure", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const safe = normalize(snake(JSON.parse(JSON.stringify(e).replace(/"\$t"/g, '"t_"')) as Expr));
        const py = toPythonModule(safe, { tasks: { add: { params: ["x", "y"] } } });
        expect(errorsIn(py)).toEqual([]);
        expect(workflowShape(py)).toBe(exprShape(safe));
      }),
      { numRuns: 150 },
    );
  });
});
