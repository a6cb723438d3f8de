/**
 * Canvas trees as graph elements (plain data, the shape cytoscape takes) and back again.
 *
 * - a task is a node;
 * - a chain is no element of its own: each step's exits connect to the next step's entries;
 * - a group is a compound node holding its members (fan-out from whatever comes before to every
 *   member, fan-in from every member to whatever comes after);
 * - a chord is a compound node holding its header (a group compound) and its body, with an edge
 *   from every header member to the body.
 *
 * `fromElements` rebuilds the tree from the nodes' parents and the edges alone (a chain is read
 * off the edges between a container's children), which is what the round-trip tests exercise.
 */
import type { Expr, TaskOptions } from "./expr";

/** The trace's canvas structure (a type only: the UI never imports the simulator's code). */
import type { CanvasNode } from "../../../../sim/index";
export type { CanvasNode };

export type NodeKind = "task" | "group" | "chord" | "header";

export interface NodeData {
  id: string;
  parent?: string;
  kind: NodeKind;
  /** Pre-order position in the tree: orders group members and breaks ties. */
  seq: number;
  label: string;
  /** Task name (tasks only). */
  task?: string;
  args?: unknown[];
  immutable?: boolean;
  options?: TaskOptions;
  /** The Celery task id (tasks) or group id (groups, chords), when the canvas was frozen. */
  celeryId?: string | null;
  /** The chord's body is this node (a body that is itself a group or chord is its compound). */
  chordBody?: boolean;
}

export type EdgeKind = "step" | "fan-out" | "fan-in" | "body";

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
}

export interface GraphElements {
  nodes: { data: NodeData }[];
  edges: { data: EdgeData }[];
}

/** A tree both inputs (designer Expr, trace CanvasNode) are converted to before drawing. */
export interface GTree {
  kind: "task" | "chain" | "group" | "chord";
  /** Element id (stable across frames for the same canvas). */
  key: string;
  task?: string;
  args?: unknown[];
  immutable?: boolean;
  options?: TaskOptions;
  celeryId?: string | null;
  items?: GTree[];
  body?: GTree;
}

export function fromCanvasNode(n: CanvasNode, key = "c"): GTree {
  switch (n.kind) {
    case "task":
      return { kind: "task", key, task: n.task ?? "?", args: n.args ?? [], celeryId: n.id };
    case "chain":
    case "group":
      return { kind: n.kind, key, celeryId: n.id, items: (n.children ?? []).map((c, i) => fromCanvasNode(c, `${key}.${i}`)) };
    case "chord": {
      // The trace's chord holds its header group as the only child.
      const h = n.children?.[0];
      const header = h?.kind === "group" ? (h.children ?? []) : h ? [h] : [];
      return {
        kind: "chord",
        key,
        celeryId: n.id,
        items: header.map((c, i) => fromCanvasNode(c, `${key}.h${i}`)),
        body: n.body ? fromCanvasNode(n.body, `${key}.b`) : { kind: "task", key: `${key}.b`, task: "?", args: [] },
      };
    }
  }
}

/** Expr → GTree; keys come from `keyOf` (the designer's node ids) or from the path. */
export function fromExpr(e: Expr, key = "e", keyOf?: (e: Expr) => string | undefined): GTree {
  const k = keyOf?.(e) ?? key;
  switch (e.kind) {
    case "task":
      return { kind: "task", key: k, task: e.name, args: e.args, immutable: e.immutable, options: e.options };
    case "chain":
    case "group":
      return { kind: e.kind, key: k, items: e.items.map((c, i) => fromExpr(c, `${k}.${i}`, keyOf)) };
    case "chord":
      return { kind: "chord", key: k, items: e.header.map((c, i) => fromExpr(c, `${k}.h${i}`, keyOf)), body: fromExpr(e.body, `${k}.b`, keyOf) };
  }
}

export function argsLabel(args: unknown[] | undefined): string {
  if (!args?.length) return "";
  const s = args.map((a) => JSON.stringify(a) ?? String(a)).join(", ");
  return s.length > 28 ? `${s.slice(0, 27)}…` : s;
}

/** Builds the elements of several trees side by side (independent pieces of a design). */
export function toElements(trees: GTree[]): GraphElements {
  const nodes: { data: NodeData }[] = [];
  const edges: { data: EdgeData }[] = [];
  let seq = 0;
  const edge = (source: string, target: string, kind: EdgeKind) => edges.push({ data: { id: `${source}->${target}`, source, target, kind } });

  /** Adds `t` under `parent`; returns its entry and exit nodes. */
  function add(t: GTree, parent: string | undefined): { entries: string[]; exits: string[] } {
    const base = parent === undefined ? {} : { parent };
    switch (t.kind) {
      case "task": {
        const a = argsLabel(t.args);
        nodes.push({
          data: { id: t.key, ...base, kind: "task", seq: seq++, label: `${t.task}(${a})`, task: t.task!, args: t.args ?? [], immutable: !!t.immutable, options: t.options ?? {}, celeryId: t.celeryId ?? null },
        });
        return { entries: [t.key], exits: [t.key] };
      }
      case "chain": {
        let first: string[] = [];
        let prev: string[] | null = null;
        for (const s of t.items ?? []) {
          const r = add(s, parent);
          if (prev) for (const a of prev) for (const b of r.entries) edge(a, b, "step");
          else first = r.entries;
          prev = r.exits;
        }
        return { entries: first, exits: prev ?? [] };
      }
      case "group": {
        nodes.push({ data: { id: t.key, ...base, kind: "group", seq: seq++, label: `group · ${t.items?.length ?? 0}`, celeryId: t.celeryId ?? null } });
        const rs = (t.items ?? []).map((m) => add(m, t.key));
        return { entries: rs.flatMap((r) => r.entries), exits: rs.flatMap((r) => r.exits) };
      }
      case "chord": {
        nodes.push({ data: { id: t.key, ...base, kind: "chord", seq: seq++, label: "chord", celeryId: t.celeryId ?? null } });
        const hid = `${t.key}#header`;
        nodes.push({ data: { id: hid, parent: t.key, kind: "header", seq: seq++, label: `header · ${t.items?.length ?? 0}` } });
        const rs = (t.items ?? []).map((m) => add(m, hid));
        const b = add(t.body!, t.key);
        for (const r of rs) for (const a of r.exits) for (const e of b.entries) edge(a, e, "body");
        // The body's root element is marked, so the body of a chord is found without the edges.
        const bodyRoot = t.body!.kind === "chain" ? null : t.body!.key;
        if (bodyRoot) bodyRoots.add(bodyRoot);
        return { entries: rs.flatMap((r) => r.entries), exits: b.exits };
      }
    }
  }

  const bodyRoots = new Set<string>();
  for (const t of trees) add(t, undefined);
  for (const n of nodes) if (bodyRoots.has(n.data.id)) n.data.chordBody = true;
  // Edge kinds for the style: into a group member from outside is a fan-out, out of one a fan-in.
  const parentOf = new Map(nodes.map((n) => [n.data.id, n.data.parent]));
  const kindOf = new Map(nodes.map((n) => [n.data.id, n.data.kind]));
  for (const e of edges) {
    if (e.data.kind !== "step") continue;
    const sp = parentOf.get(e.data.source);
    const tp = parentOf.get(e.data.target);
    if (tp !== sp && tp && kindOf.get(tp) === "group") e.data.kind = "fan-out";
    else if (tp !== sp && sp && kindOf.get(sp) === "group") e.data.kind = "fan-in";
  }
  return { nodes, edges };
}

/**
 * Elements → designer trees: the containers from the parents, chain order from the edges, member
 * order from `seq`. Inverse of `toElements` up to `normalize`.
 */
export function fromElements(g: GraphElements): Expr[] {
  const byId = new Map(g.nodes.map((n) => [n.data.id, n.data]));
  const children = new Map<string | undefined, NodeData[]>();
  for (const n of g.nodes) {
    const k = n.data.parent;
    if (!children.has(k)) children.set(k, []);
    children.get(k)!.push(n.data);
  }
  /** Depth below the top level (0 there), or -1 when some ancestor is missing. */
  const depths = new Map<string, number>();
  const depthOf = (n: NodeData): number => {
    const path: NodeData[] = [];
    const seen = new Set<string>();
    let cur = n;
    let d: number;
    for (;;) {
      const known = depths.get(cur.id);
      if (known !== undefined) {
        d = known;
        break;
      }
      if (cur.parent === undefined) {
        d = 0;
        depths.set(cur.id, 0);
        break;
      }
      path.push(cur);
      seen.add(cur.id);
      const up = byId.get(cur.parent);
      if (!up || seen.has(up.id)) {
        d = -1;
        break;
      }
      cur = up;
    }
    // `path` runs from n up to the last node below the one whose depth is d.
    for (let i = path.length - 1; i >= 0; i--) {
      d = d < 0 ? -1 : d + 1;
      depths.set(path[i]!.id, d);
    }
    return depths.get(n.id)!;
  };
  /**
   * Each edge counts in exactly one container: the deepest one holding both ends in different
   * children (the ends lifted to those children). Found once per edge, O(depth), instead of
   * lifting every edge for every container.
   */
  const edgesIn = new Map<string | undefined, [string, string][]>();
  for (const e of g.edges) {
    let a = byId.get(e.data.source);
    let b = byId.get(e.data.target);
    if (!a || !b) continue;
    let da = depthOf(a);
    let db = depthOf(b);
    if (da < 0 || db < 0) continue;
    for (; da > db; da--) a = byId.get(a.parent!)!;
    for (; db > da; db--) b = byId.get(b.parent!)!;
    if (a === b) continue;
    while (a.parent !== b.parent) {
      a = byId.get(a.parent!)!;
      b = byId.get(b.parent!)!;
    }
    const k = a.parent;
    if (!edgesIn.has(k)) edgesIn.set(k, []);
    edgesIn.get(k)!.push([a.id, b.id]);
  }

  /** The container's children, split into chains: connected components ordered by their edges. */
  function pieces(container: string | undefined, skip?: (n: NodeData) => boolean): Expr[] {
    const kids = (children.get(container) ?? []).filter((n) => !skip?.(n)).sort((a, b) => a.seq - b.seq);
    const ids = new Set(kids.map((k) => k.id));
    const succ = new Map<string, Set<string>>(kids.map((k) => [k.id, new Set()]));
    const indeg = new Map<string, number>(kids.map((k) => [k.id, 0]));
    const comp = new Map<string, string>(kids.map((k) => [k.id, k.id]));
    const find = (x: string): string => {
      let r = x;
      while (comp.get(r) !== r) r = comp.get(r)!;
      while (x !== r) {
        const next = comp.get(x)!;
        comp.set(x, r);
        x = next;
      }
      return r;
    };
    for (const [a, b] of edgesIn.get(container) ?? []) {
      if (!ids.has(a) || !ids.has(b)) continue;
      if (!succ.get(a)!.has(b)) {
        succ.get(a)!.add(b);
        indeg.set(b, indeg.get(b)! + 1);
      }
      comp.set(find(a), find(b));
    }
    const groups = new Map<string, NodeData[]>();
    for (const k of kids) {
      const r = find(k.id);
      if (!groups.has(r)) groups.set(r, []);
      groups.get(r)!.push(k);
    }
    const out: { seq: number; expr: Expr }[] = [];
    for (const members of groups.values()) {
      // Kahn's algorithm, ties by seq: a chain's steps in order.
      const order: NodeData[] = [];
      const ready = members.filter((m) => indeg.get(m.id) === 0);
      while (ready.length) {
        ready.sort((a, b) => a.seq - b.seq);
        const m = ready.shift()!;
        order.push(m);
        for (const s of succ.get(m.id)!) {
          indeg.set(s, indeg.get(s)! - 1);
          if (indeg.get(s) === 0) ready.push(byId.get(s)!);
        }
      }
      if (order.length !== members.length) throw new Error("the graph has a cycle: a canvas cannot");
      const steps = order.map(build);
      out.push({ seq: Math.min(...members.map((m) => m.seq)), expr: steps.length === 1 ? steps[0]! : { kind: "chain", items: steps } });
    }
    return out.sort((a, b) => a.seq - b.seq).map((x) => x.expr);
  }

  // Each rebuilt node also carries the element id it came from (`key`; chains have none; a chord
  // also its header's, `headerKey`), which the structural layout uses; normalize() drops them.
  function build(n: NodeData): Expr {
    switch (n.kind) {
      case "task":
        return { kind: "task", name: n.task!, args: n.args ?? [], immutable: !!n.immutable, options: n.options ?? {}, key: n.id } as Expr;
      case "group":
        return { kind: "group", items: pieces(n.id), key: n.id } as Expr;
      case "chord": {
        const header = (children.get(n.id) ?? []).find((c) => c.kind === "header");
        const body = pieces(n.id, (c) => c.kind === "header");
        if (!header || body.length !== 1) throw new Error(`chord ${n.id} needs a header and exactly one body`);
        return { kind: "chord", header: pieces(header.id), body: body[0]!, key: n.id, headerKey: header.id } as Expr;
      }
      case "header":
        throw new Error("a chord header outside its chord");
    }
  }

  return pieces(undefined);
}
