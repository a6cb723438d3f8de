/**
 * One cytoscape instance with the dagre layout, left to right. The layout runs when the structure
 * changes (nodes, parents, edges); state changes only update each node's data, so colours follow a
 * playing run at frame rate without nodes jumping around.
 */
import cytoscape, { type Core, type ElementDefinition } from "cytoscape";
import dagre from "cytoscape-dagre";
import { createEffect, onCleanup, onMount } from "solid-js";
import type { EdgeData, GraphElements } from "./model/elements";
import { structuralLayout } from "./model/layout";
import type { LiveNode } from "./model/status";

let registered = false;
export function ensureDagre(): void {
  if (!registered) {
    cytoscape.use(dagre);
    registered = true;
  }
}

export interface GraphInput {
  nodes: { data: LiveNode }[];
  edges: { data: EdgeData }[];
}

export const LAYOUT = { name: "dagre", rankDir: "LR", nodeSep: 14, rankSep: 46, edgeSep: 8, fit: true, padding: 24, animate: false } as const;

export const STYLE: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: { "font-family": "Inter, ui-sans-serif, system-ui, sans-serif", color: "#d5dbe3", "font-size": 11 },
  },
  {
    selector: 'node[kind = "task"]',
    style: {
      shape: "data(shape)" as never,
      width: 168,
      height: 46,
      label: "data(display)",
      "text-wrap": "wrap",
      "text-max-width": "156px",
      "text-valign": "center",
      "text-halign": "center",
      "line-height": 1.35,
      "background-color": "data(colour)",
      "background-opacity": 0.2,
      "border-width": 2,
      "border-color": "data(colour)",
      "border-style": "data(border)" as never,
    },
  },
  { selector: 'node[kind = "task"][border = "double"]', style: { "border-width": 4 } },
  { selector: 'node[kind = "task"][!state]', style: { "background-color": "#5aa2ff", "border-color": "#5aa2ff", "background-opacity": 0.12, "border-style": "solid" } },
  {
    selector: "node:parent",
    style: {
      label: "data(label)",
      "text-valign": "top",
      "text-halign": "center",
      "text-margin-y": -4,
      "font-size": 10,
      color: "#8591a1",
      "background-opacity": 0.05,
      "border-width": 1,
      padding: "12px",
      shape: "round-rectangle",
    },
  },
  { selector: 'node[kind = "group"]', style: { "background-color": "#5aa2ff", "border-color": "#3b4a5e", "border-style": "dashed" } },
  { selector: 'node[kind = "chord"]', style: { "background-color": "#b58cff", "border-color": "#6c5a8f", "border-style": "solid" } },
  { selector: 'node[kind = "header"]', style: { "background-color": "#b58cff", "border-color": "#4d4463", "border-style": "dotted" } },
  { selector: "node.picked", style: { "underlay-color": "#ffffff", "underlay-opacity": 0.22, "underlay-padding": 6, "border-color": "#ffffff", "border-width": 3 } },
  { selector: "node.focused", style: { "overlay-color": "#5aa2ff", "overlay-opacity": 0.18, "overlay-padding": 6 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "taxi",
      "taxi-direction": "rightward",
      "line-color": "#4a5565",
      "target-arrow-color": "#4a5565",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.8,
    },
  },
  { selector: 'edge[kind = "body"]', style: { "line-color": "#8a6fc2", "target-arrow-color": "#8a6fc2", "line-style": "dashed" } },
];

/**
 * Dagre (compound mode, so group and chord boxes are respected) lays out small canvases. Its
 * ordering phase grows fast (measured here: ~2 s for 140 tasks, ~5 s for 1,000, flat or compound),
 * so bigger canvases get the structural layout: canvases are series-parallel, and one O(n) pass
 * places them (model/layout.ts).
 */
export const DAGRE_MAX_TASKS = 60;

export function runLayout(cy: Core, g: GraphElements): "dagre" | "structural" {
  const tasks = g.nodes.filter((n) => n.data.kind === "task").length;
  if (tasks <= DAGRE_MAX_TASKS) {
    cy.layout(LAYOUT as unknown as cytoscape.LayoutOptions).run();
    return "dagre";
  }
  const pos = structuralLayout(g);
  cy.batch(() => cy.nodes().forEach((n) => void (pos.has(n.id()) && n.position(pos.get(n.id())!))));
  cy.fit(undefined, LAYOUT.padding);
  return "structural";
}

/**
 * Overrides for big canvases (past DAGRE_MAX_TASKS): labels skipped while too small to read,
 * straight edges, no wrapping. Measured on a 1,000-task canvas, these are what bring creating and
 * painting from seconds to well under one.
 */
export const BIG_STYLE: cytoscape.StylesheetJson = [
  { selector: "node", style: { "min-zoomed-font-size": 9 } },
  { selector: 'node[kind = "task"]', style: { "text-wrap": "none" } },
  { selector: "edge", style: { "curve-style": "haystack", "haystack-radius": 0, "target-arrow-shape": "none" } },
];

export function styleFor(tasks: number): cytoscape.StylesheetJson {
  return tasks > DAGRE_MAX_TASKS ? [...STYLE, ...BIG_STYLE] : STYLE;
}

function structureKey(g: GraphInput): string {
  return `${g.nodes.map((n) => `${n.data.id}<${n.data.parent ?? ""}`).join("|")}#${g.edges.map((e) => e.data.id).join("|")}`;
}

export function CyGraph(props: { graph: GraphInput; picked?: string[]; focused?: string | null; onTap?(id: string): void; label: string }) {
  let host!: HTMLDivElement;
  let cy: Core | null = null;
  let lastKey = "";

  onMount(() => {
    ensureDagre();
    cy = cytoscape({ container: host, style: STYLE, minZoom: 0.15, maxZoom: 2.5, wheelSensitivity: 0.3, boxSelectionEnabled: false, autoungrabify: true, autounselectify: true });
    cy.on("tap", "node", (e) => props.onTap?.(e.target.id()));
    const ro = new ResizeObserver(() => cy?.resize());
    ro.observe(host);
    onCleanup(() => {
      ro.disconnect();
      cy?.destroy();
      cy = null;
    });
  });

  createEffect(() => {
    const g = props.graph;
    const picked = props.picked ?? [];
    const focused = props.focused ?? null;
    if (!cy) return;
    const key = structureKey(g);
    cy.batch(() => {
      if (key !== lastKey) {
        cy!.style(styleFor(g.nodes.filter((n) => n.data.kind === "task").length));
        cy!.elements().remove();
        cy!.add([...g.nodes, ...g.edges] as ElementDefinition[]);
      } else {
        for (const n of g.nodes) cy!.getElementById(n.data.id).data(n.data);
      }
      cy!.nodes().removeClass("picked focused");
      for (const id of picked) cy!.getElementById(id).addClass("picked");
      if (focused) cy!.getElementById(focused).addClass("focused");
    });
    if (key !== lastKey) {
      lastKey = key;
      if (g.nodes.length) runLayout(cy, g);
    }
  });

  return <div class="cy-host" ref={host} role="img" aria-label={props.label} data-testid="graph-canvas" />;
}
