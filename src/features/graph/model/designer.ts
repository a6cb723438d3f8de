/**
 * The designer's state and its operations, as pure functions (state in, state out), so every
 * button and key does something a unit test can check. Nodes carry ids; a design is a forest (the
 * pieces on the board); every change pushes the previous design on the undo stack.
 */
import { cleanOptions, normalize, type Expr, type TaskOptions } from "./expr";

export type DNode =
  | { id: string; kind: "task"; name: string; args: unknown[]; immutable: boolean; options: TaskOptions }
  | { id: string; kind: "chain" | "group"; items: DNode[] }
  | { id: string; kind: "chord"; header: DNode[]; body: DNode };

export interface Design {
  roots: DNode[];
  next: number;
}

export interface DesignerState {
  design: Design;
  /** Selected node ids, in the order they were selected (a chain's order, a chord's body last). */
  selected: string[];
  past: Design[];
  future: Design[];
  /** Why the last operation did nothing, for a status line. */
  message: string | null;
}

const UNDO_MAX = 200;

export function emptyDesigner(): DesignerState {
  return { design: { roots: [], next: 1 }, selected: [], past: [], future: [], message: null };
}

function commit(st: DesignerState, design: Design, selected: string[], message: string | null = null): DesignerState {
  return { design, selected, past: [...st.past.slice(-UNDO_MAX + 1), st.design], future: [], message };
}

function refuse(st: DesignerState, message: string): DesignerState {
  return { ...st, message };
}

export function childrenOf(n: DNode): DNode[] {
  return n.kind === "task" ? [] : n.kind === "chord" ? [...n.header, n.body] : n.items;
}

export function findNode(roots: DNode[], id: string): DNode | null {
  for (const r of roots) {
    if (r.id === id) return r;
    const f = findNode(childrenOf(r), id);
    if (f) return f;
  }
  return null;
}

/** All nodes, depth first (the outline's order). */
export function walk(roots: DNode[], depth = 0, out: { node: DNode; depth: number }[] = []): { node: DNode; depth: number }[] {
  for (const r of roots) {
    out.push({ node: r, depth });
    walk(childrenOf(r), depth + 1, out);
  }
  return out;
}

function isInside(roots: DNode[], ancestor: string, id: string): boolean {
  const a = findNode(roots, ancestor);
  return !!a && a.id !== id && !!findNode(childrenOf(a), id);
}

/** Give every node of imported expressions a fresh id. */
export function withIds(e: Expr, next: { n: number }): DNode {
  const id = `n${next.n++}`;
  switch (e.kind) {
    case "task":
      return { id, kind: "task", name: e.name, args: e.args, immutable: e.immutable, options: cleanOptions(e.options) };
    case "chain":
    case "group":
      return { id, kind: e.kind, items: e.items.map((x) => withIds(x, next)) };
    case "chord":
      return { id, kind: "chord", header: e.header.map((x) => withIds(x, next)), body: withIds(e.body, next) };
  }
}

export function addTask(st: DesignerState, name: string, args: unknown[] = []): DesignerState {
  const id = `n${st.design.next}`;
  const node: DNode = { id, kind: "task", name, args, immutable: false, options: {} };
  return commit(st, { roots: [...st.design.roots, node], next: st.design.next + 1 }, [id]);
}

export function importExprs(st: DesignerState, exprs: Expr[], replace = true): DesignerState {
  const next = { n: st.design.next };
  const nodes = exprs.map((e) => withIds(normalize(e), next));
  return commit(st, { roots: replace ? nodes : [...st.design.roots, ...nodes], next: next.n }, nodes.map((n) => n.id));
}

export function select(st: DesignerState, id: string, mode: "toggle" | "only" = "toggle"): DesignerState {
  if (!findNode(st.design.roots, id)) return st;
  if (mode === "only") return { ...st, selected: [id], message: null };
  const has = st.selected.includes(id);
  return { ...st, selected: has ? st.selected.filter((x) => x !== id) : [...st.selected, id], message: null };
}

export function clearSelection(st: DesignerState): DesignerState {
  return { ...st, selected: [], message: null };
}

const PLACEHOLDER = "__placeholder__";

/**
 * Removes the nodes with ids in `drop` and tidies what is left: an emptied chain or group goes, a
 * chain of one becomes its step, a chord without its body becomes a group of its header, a chord
 * with an empty header becomes its body.
 */
function prune(nodes: DNode[], drop: Set<string>): DNode[] {
  const out: DNode[] = [];
  for (const n of nodes) {
    if (drop.has(n.id)) continue;
    const p = pruneOne(n, drop);
    if (p) out.push(p);
  }
  return out;
}

function pruneOne(n: DNode, drop: Set<string>): DNode | null {
  switch (n.kind) {
    case "task":
      return n;
    case "chain": {
      const items = prune(n.items, drop).flatMap((x) => (x.kind === "chain" ? x.items : [x]));
      if (!items.length) return null;
      return items.length === 1 ? items[0]! : { ...n, items };
    }
    case "group": {
      const items = prune(n.items, drop);
      return items.length ? { ...n, items } : null;
    }
    case "chord": {
      const header = prune(n.header, drop);
      const body = drop.has(n.body.id) ? null : pruneOne(n.body, drop);
      if (!body) return header.length ? { id: n.id, kind: "group", items: header } : null;
      return header.length ? { ...n, header, body } : body;
    }
  }
}

function replaceNode(nodes: DNode[], id: string, by: DNode): DNode[] {
  return nodes.map((n) => {
    if (n.id === id) return by;
    switch (n.kind) {
      case "task":
        return n;
      case "chain":
      case "group":
        return { ...n, items: replaceNode(n.items, id, by) };
      case "chord":
        return { ...n, header: replaceNode(n.header, id, by), body: replaceNode([n.body], id, by)[0]! };
    }
  });
}

/**
 * Make a chain, a group or a chord of the selected nodes, in selection order (a chord's body is the
 * last one selected). The new node takes the place of the first selected one.
 */
export function combine(st: DesignerState, kind: "chain" | "group" | "chord"): DesignerState {
  const ids = st.selected.filter((id) => findNode(st.design.roots, id));
  const need = kind === "group" ? 1 : 2;
  if (ids.length < need) return refuse(st, kind === "chord" ? "Select the header tasks, then the body (callback) last: at least two nodes." : `Select at least ${need} nodes to make a ${kind}.`);
  for (const a of ids) for (const b of ids) if (isInside(st.design.roots, a, b)) return refuse(st, "One selected node is inside another: select nodes that do not contain each other.");
  const picked = ids.map((id) => findNode(st.design.roots, id)!);
  const placeholder: DNode = { id: PLACEHOLDER, kind: "task", name: "", args: [], immutable: false, options: {} };
  let roots = replaceNode(st.design.roots, ids[0]!, placeholder);
  roots = prune(roots, new Set(ids.slice(1)));
  const id = `n${st.design.next}`;
  let made: DNode;
  if (kind === "chord") made = { id, kind, header: picked.slice(0, -1), body: picked[picked.length - 1]! };
  else if (kind === "chain") made = { id, kind, items: picked.flatMap((p) => (p.kind === "chain" ? p.items : [p])) };
  else made = { id, kind, items: picked };
  roots = replaceNode(roots, PLACEHOLDER, made);
  // A chain placed inside a chain merges into it.
  roots = prune(roots, new Set());
  return commit(st, { roots, next: st.design.next + 1 }, [id]);
}

export function remove(st: DesignerState, ids = st.selected): DesignerState {
  if (!ids.length) return refuse(st, "Select something to delete.");
  return commit(st, { ...st.design, roots: prune(st.design.roots, new Set(ids)) }, []);
}

/** Take a composite apart: its children take its place, as separate pieces on the board. */
export function ungroup(st: DesignerState, id: string): DesignerState {
  const n = findNode(st.design.roots, id);
  if (!n || n.kind === "task") return refuse(st, "Select a chain, group or chord to take apart.");
  const kids = childrenOf(n);
  const roots = [...prune(st.design.roots, new Set([id])), ...kids];
  return commit(st, { ...st.design, roots }, kids.map((k) => k.id));
}

function updateTask(st: DesignerState, id: string, f: (n: Extract<DNode, { kind: "task" }>) => DNode): DesignerState {
  const n = findNode(st.design.roots, id);
  if (!n || n.kind !== "task") return refuse(st, "Options and arguments belong to tasks: select one task.");
  return commit(st, { ...st.design, roots: replaceNode(st.design.roots, id, f(n)) }, st.selected);
}

export function setOptions(st: DesignerState, id: string, options: TaskOptions): DesignerState {
  return updateTask(st, id, (n) => ({ ...n, options: cleanOptions(options) }));
}

export function setArgs(st: DesignerState, id: string, args: unknown[], immutable?: boolean): DesignerState {
  return updateTask(st, id, (n) => ({ ...n, args, immutable: immutable ?? n.immutable }));
}

export function undo(st: DesignerState): DesignerState {
  const prev = st.past[st.past.length - 1];
  if (!prev) return refuse(st, "Nothing to undo.");
  return { design: prev, selected: st.selected.filter((id) => findNode(prev.roots, id)), past: st.past.slice(0, -1), future: [st.design, ...st.future], message: null };
}

export function redo(st: DesignerState): DesignerState {
  const next = st.future[0];
  if (!next) return refuse(st, "Nothing to redo.");
  return { design: next, selected: st.selected.filter((id) => findNode(next.roots, id)), past: [...st.past, st.design], future: st.future.slice(1), message: null };
}

/** The design as one canvas: a single piece as is, several side by side as a group. */
export function designExpr(d: Design): Expr | null {
  if (!d.roots.length) return null;
  return normalize(d.roots.length === 1 ? d.roots[0]! : { kind: "group", items: d.roots });
}

/** A one-line description for the outline and for screen readers. */
export function describeNode(n: DNode): string {
  switch (n.kind) {
    case "task": {
      const a = n.args.map((x) => JSON.stringify(x) ?? String(x)).join(", ");
      const o = Object.entries(n.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return `${n.name}.${n.immutable ? "si" : "s"}(${a})${o.length ? ` [${o.join(", ")}]` : ""}`;
    }
    case "chain":
      return `chain · ${n.items.length} steps`;
    case "group":
      return `group · ${n.items.length} in parallel`;
    case "chord":
      return `chord · ${n.header.length} in the header, then the body`;
  }
}
