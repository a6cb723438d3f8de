import { describe, expect, it } from "vitest";
import { shapeOf } from "./expr";
import { addTask, clearSelection, combine, designExpr, emptyDesigner, findNode, importExprs, redo, remove, select, setArgs, setOptions, ungroup, undo, walk, type DesignerState } from "./designer";
import { toTypeScript } from "./export";
import { parseCanvas } from "./parse";

const shape = (st: DesignerState) => st.design.roots.map(shapeOf).join(" ; ");
const ids = (st: DesignerState) => st.design.roots.map((r) => r.id);

function chordOfThree(): DesignerState {
  let st = emptyDesigner();
  for (const n of [1, 2, 3]) st = addTask(st, "double", [n]);
  st = addTask(st, "total");
  st = clearSelection(st);
  for (const id of ids(st)) st = select(st, id);
  return combine(st, "chord");
}

describe("designer", () => {
  it("adds tasks as separate pieces and selects the new one", () => {
    let st = addTask(emptyDesigner(), "add", [2, 2]);
    st = addTask(st, "double");
    expect(shape(st)).toBe("add ; double");
    expect(st.selected).toEqual([ids(st)[1]]);
  });

  it("builds a chord of three tasks and a callback: the body is the last selected", () => {
    const st = chordOfThree();
    expect(shape(st)).toBe("chord([double, double, double], total)");
    expect(toTypeScript(designExpr(st.design)!)).toBe("chord([double.s(1), double.s(2), double.s(3)], total.s())");
  });

  it("chains in selection order, and a chain placed in a chain merges into it", () => {
    let st = emptyDesigner();
    for (const n of ["a", "b", "c"]) st = addTask(st, n);
    const [a, b, c] = ids(st);
    st = select(clearSelection(st), c!);
    st = select(st, a!);
    st = combine(st, "chain");
    // The new chain takes the place of the first one selected (c, the last piece).
    expect(shape(st)).toBe("b ; chain(c, a)");
    st = select(clearSelection(st), st.design.roots[1]!.id);
    st = select(st, b!);
    st = combine(st, "chain");
    expect(shape(st)).toBe("chain(c, a, b)");
  });

  it("groups nested selections only when they do not contain each other", () => {
    let st = chordOfThree();
    const chordId = st.design.roots[0]!.id;
    const member = walk(st.design.roots).find((w) => w.node.kind === "task")!.node.id;
    st = select(select(clearSelection(st), chordId), member);
    const refused = combine(st, "group");
    expect(refused.message).toMatch(/inside another/);
    expect(refused.design).toBe(st.design);
  });

  it("makes a group of members taken out of a chord, and tidies the chord", () => {
    let st = chordOfThree();
    const tasks = walk(st.design.roots).filter((w) => w.node.kind === "task").map((w) => w.node.id);
    st = select(select(clearSelection(st), tasks[0]!), tasks[1]!);
    st = combine(st, "group");
    expect(shape(st)).toBe("chord([group(double, double), double], total)");
  });

  it("sets options and arguments on a task, and refuses them on a composite", () => {
    let st = chordOfThree();
    const first = walk(st.design.roots).find((w) => w.node.kind === "task")!.node.id;
    st = setOptions(st, first, { countdown: 5, queue: "fast", retries: 1 });
    st = setArgs(st, first, [10], true);
    expect(toTypeScript(designExpr(st.design)!, 200)).toBe('chord([double.si(10).set({ countdown: 5, queue: "fast", retries: 1 }), double.s(2), double.s(3)], total.s())');
    expect(setOptions(st, st.design.roots[0]!.id, { countdown: 1 }).message).toMatch(/belong to tasks/);
  });

  it("deletes, and a chord that loses its body becomes a group of its header", () => {
    let st = chordOfThree();
    const body = (st.design.roots[0] as { body: { id: string } }).body.id;
    st = remove(select(clearSelection(st), body));
    expect(shape(st)).toBe("group(double, double, double)");
    expect(findNode(st.design.roots, body)).toBeNull();
  });

  it("undo and redo walk the history", () => {
    let st = chordOfThree();
    const made = shape(st);
    st = remove(select(clearSelection(st), st.design.roots[0]!.id));
    expect(shape(st)).toBe("");
    st = undo(st);
    expect(shape(st)).toBe(made);
    st = undo(st);
    expect(shape(st)).toBe("double ; double ; double ; total");
    st = redo(st);
    expect(shape(st)).toBe(made);
    let fresh = undo(emptyDesigner());
    expect(fresh.message).toMatch(/Nothing to undo/);
    fresh = addTask(fresh, "x");
    expect(fresh.future).toEqual([]);
  });

  it("takes a composite apart", () => {
    let st = chordOfThree();
    st = ungroup(st, st.design.roots[0]!.id);
    expect(shape(st)).toBe("double ; double ; double ; total");
  });

  it("imports parsed expressions with fresh ids; several pieces execute side by side", () => {
    let st = importExprs(emptyDesigner(), [parseCanvas("chain(add.s(2, 2), double.s())"), parseCanvas("group(total.si([1]))")]);
    expect(shape(st)).toBe("chain(add, double) ; group(total)");
    const all = walk(st.design.roots).map((w) => w.node.id);
    expect(new Set(all).size).toBe(all.length);
    expect(toTypeScript(designExpr(st.design)!)).toBe("group(chain(add.s(2, 2), double.s()), group(total.si([1])))");
    st = addTask(st, "x");
    expect(new Set(walk(st.design.roots).map((w) => w.node.id)).size).toBe(all.length + 1);
  });
});
