/**
 * A left-to-right layout made for canvases, used when dagre would be too slow (dagre's ordering
 * phase takes seconds past a few hundred nodes). Canvases are series-parallel by construction, so
 * one pass places everything: a chain's steps side by side, a group's members stacked, a chord's
 * header before its body, each compound box leaving room for its border and label. O(n).
 */
import { fromElements, type GraphElements } from "./elements";
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

type Keyed = Expr & { key?: string };

/** Centre positions of the task nodes, by element id. */
export function structuralLayout(g: GraphElements, z: LayoutSizes = DEFAULT_SIZES): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();

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

  function boxed(inner: Box): Box {
    return { w: inner.w + 2 * z.pad, h: inner.h + 2 * z.pad + z.label, place: (x, y) => inner.place(x + z.pad, y + z.pad + z.label) };
  }

  function measure(e: Keyed): Box {
    switch (e.kind) {
      case "task":
        return { w: z.nodeW, h: z.nodeH, place: (x, y) => void out.set(e.key!, { x: x + z.nodeW / 2, y: y + z.nodeH / 2 }) };
      case "chain":
        return row(e.items.map(measure));
      case "group":
        return boxed(stack(e.items.map(measure)));
      case "chord":
        return boxed(row([boxed(stack(e.header.map(measure))), measure(e.body)]));
    }
  }

  stack(fromElements(g).map(measure)).place(0, 0);
  return out;
}
