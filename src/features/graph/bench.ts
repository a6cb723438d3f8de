/**
 * `window.__graphBench(n)`: lays out and renders a canvas of about n task nodes (a chord whose
 * header is n/20 chains of 20 steps) in an off-screen cytoscape with the live graph's style and
 * layout, and returns the milliseconds. The e2e suite calls it; nothing in the app does.
 */
import cytoscape from "cytoscape";
import { CY_OPTIONS, ensureDagre, prepareGraph, runLayout } from "./CyGraph";
import { fromExpr, toElements } from "./model/elements";
import { chain, chord, task, type Expr } from "./model/expr";
import { withStates } from "./model/status";

export interface BenchResult {
  mode: "dagre" | "structural";
  nodes: number;
  edges: number;
  /** Creating the instance and adding the elements. */
  createMs: number;
  /** Dagre; or the structural layout (with preparing the elements) and fitting the view to it. */
  layoutMs: number;
  paintMs: number;
  /** Creating the instance, adding the elements, the layout and the first painted frame. */
  totalMs: number;
}

export function benchCanvas(n: number): Expr {
  const len = 20;
  const lanes = Math.max(1, Math.round((n - 1) / len));
  const header: Expr[] = [];
  for (let l = 0; l < lanes; l++) header.push(chain(...Array.from({ length: len }, (_, s) => task(`step${s}`, [l]))));
  return chord(header, task("collect"));
}

declare global {
  interface Window {
    __graphBench?: (n: number) => Promise<BenchResult>;
  }
}

export function installGraphBench(): void {
  window.__graphBench = async (n: number) => {
    ensureDagre();
    const el = toElements([fromExpr(benchCanvas(n))]);
    const live = withStates(el, () => undefined);
    const host = document.createElement("div");
    host.style.cssText = "position:fixed;left:0;top:0;width:1200px;height:800px;opacity:0.01;pointer-events:none";
    document.body.append(host);
    const t0 = performance.now();
    // What CyGraph does when a canvas's structure changes: prepare (for a big canvas the structural
    // layout runs here, and its elements come already placed), add them in one batch, then lay out
    // (dagre) or fit the view (structural).
    const prepared = prepareGraph(live);
    const tp = performance.now();
    const cy = cytoscape({ ...CY_OPTIONS, container: host, style: prepared.style });
    cy.batch(() => void cy.add(prepared.elements));
    const t1 = performance.now();
    const mode = runLayout(cy, prepared);
    const t2 = performance.now();
    await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
    const t3 = performance.now();
    const out = { mode, nodes: cy.nodes().length, edges: cy.edges().length, createMs: t1 - tp, layoutMs: tp - t0 + (t2 - t1), paintMs: t3 - t2, totalMs: t3 - t0 };
    cy.destroy();
    host.remove();
    return out;
  };
}
