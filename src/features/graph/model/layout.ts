/**
 * A left-to-right layout made for canvases, used when dagre would be too slow (dagre's ordering
 * phase takes seconds past a few hundred nodes). Canvases are series-parallel by construction, so
 * one pass places everything: a chain's steps side by side, a group's members stacked, a chord's
 * header before its body, each compound box leaving room for its border and label. O(n).
 */
import type { ElementDefinition } from "cytoscape";
import { fromElements, type GraphElements, type NodeData } from "./elements";
import type { Expr } from "./expr";

export interface LayoutSizes {
  nodeW: number;
  nodeH: number;
  gapX: number;
  gapY: number;
  /** Room a compound box needs around its members (padding + border). */
  pad: number;
  /** Room above a compound's members for its label. */
  label: number;
}

export const DEFAULT_SIZES: LayoutSizes = { nodeW: 168, nodeH: 46, gapX: 46, gapY: 14, pad: 14, label: 14 };

interface Box {
  w: number;
  h: number;
  place(x: number, y: number): void;
}

type Keyed = Expr & { key?: string; headerKey?: string };

/** A compound's drawn box (its label sits in the `label` strip above it): top-left corner and size. */
export interface BoxPlace {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placement {
  /** Centre positions of the task nodes, by element id. */
  tasks: Map<string, { x: number; y: number }>;
  /** The group, chord and chord-header boxes, by element id, outermost first. */
  boxes: Map<string, BoxPlace>;
  /** Extent of everything placed (labels included), for fitting the view without measuring. */
  w: number;
  h: number;
}

/** Centre positions of the task nodes, by element id. */
export function structuralLayout(g: GraphElements, z: LayoutSizes = DEFAULT_SIZES): Map<string, { x: number; y: number }> {
  return structuralPlacement(g, z).tasks;
}

/**
 * The task positions and the compound boxes: what a big canvas is drawn from without compound
 * nodes (cytoscape's compound bookkeeping is most of the cost of a big canvas, see CyGraph).
 */
export function structuralPlacement(g: GraphElements, z: LayoutSizes = DEFAULT_SIZES): Placement {
  const out = new Map<string, { x: number; y: number }>();
  const boxes = new Map<string, BoxPlace>();

  function stack(items: Box[]): Box {
    const w = Math.max(0, ...items.map((b) => b.w));
    const h = items.reduce((a, b) => a + b.h, 0) + z.gapY * Math.max(0, items.length - 1);
    return {
      w,
      h,
      place(x, y) {
        let cy = y;
        for (const b of items) {
          b.place(x + (w - b.w) / 2, cy);
          cy += b.h + z.gapY;
        }
      },
    };
  }

  function row(items: Box[]): Box {
    const w = items.reduce((a, b) => a + b.w, 0) + z.gapX * Math.max(0, items.length - 1);
    const h = Math.max(0, ...items.map((b) => b.h));
    return {
      w,
      h,
      place(x, y) {
        let cx = x;
        for (const b of items) {
          b.place(cx, y + (h - b.h) / 2);
          cx += b.w + z.gapX;
        }
      },
    };
  }

  function boxed(inner: Box, id: string | undefined): Box {
    const w = inner.w + 2 * z.pad;
    const h = inner.h + 2 * z.pad + z.label;
    return {
      w,
      h,
      place(x, y) {
        if (id !== undefined) boxes.set(id, { x, y: y + z.label, w, h: h - z.label });
        inner.place(x + z.pad, y + z.pad + z.label);
      },
    };
  }

  function measure(e: Keyed): Box {
    switch (e.kind) {
      case "task":
        return { w: z.nodeW, h: z.nodeH, place: (x, y) => void out.set(e.key!, { x: x + z.nodeW / 2, y: y + z.nodeH / 2 }) };
      case "chain":
        return row(e.items.map(measure));
      case "group":
        return boxed(stack(e.items.map(measure)), e.key);
      case "chord":
        return boxed(row([boxed(stack(e.header.map(measure)), e.headerKey), measure(e.body)]), e.key);
    }
  }

  const all = stack(fromElements(g).map(measure));
  all.place(0, 0);
  return { tasks: out, boxes, w: all.w, h: all.h };
}

/**
 * A big canvas's elements for cytoscape without compound nodes, each node already at its place:
 * the group, chord and header boxes first (outermost first, so inner ones draw on top), as plain
 * nodes with their size in `w` and `h`; then the tasks; then the edges. No node has a parent.
 */
export function flatElements<N extends NodeData>(g: { nodes: { data: N }[]; edges: GraphElements["edges"] }, z: LayoutSizes = DEFAULT_SIZES): { elements: ElementDefinition[]; placement: Placement } {
  const placement = structuralPlacement(g, z);
  const elements: ElementDefinition[] = [];
  const byId = new Map(g.nodes.map((n) => [n.data.id, n.data]));
  const strip = (d: N) => {
    const { parent: _parent, ...rest } = d;
    return rest;
  };
  for (const [id, b] of placement.boxes) {
    const d = byId.get(id);
    if (d) elements.push({ group: "nodes", data: { ...strip(d), w: b.w, h: b.h }, position: { x: b.x + b.w / 2, y: b.y + b.h / 2 } });
  }
  // Position objects of their own: cytoscape keeps and moves the one it is given.
  for (const n of g.nodes) if (n.data.kind === "task") elements.push({ group: "nodes", data: strip(n.data), position: { ...(placement.tasks.get(n.data.id) ?? { x: 0, y: 0 }) } });
  for (const e of g.edges) elements.push({ group: "edges", data: e.data });
  return { elements, placement };
}
