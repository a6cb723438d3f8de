/**
 * One cytoscape instance, laid out left to right (dagre for small canvases, the structural layout
 * for big ones). The layout runs when the structure changes (nodes, parents, edges); state changes
 * only update the data of the nodes whose look changed, so colours follow a playing run at frame
 * rate without nodes jumping around.
 */
import cytoscape, { type Core, type ElementDefinition } from "cytoscape";
import dagre from "cytoscape-dagre";
import { createEffect, onCleanup, onMount } from "solid-js";
import type { EdgeData } from "./model/elements";
import { flatElements, type Placement } from "./model/layout";
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

/** How a group or chord box looks: a compound node on small canvases, a plain node on big ones. */
const BOX_LOOK = {
  label: "data(label)",
  "text-valign": "top",
  "text-halign": "center",
  "text-margin-y": -4,
  "font-size": 10,
  color: "#8591a1",
  "background-opacity": 0.05,
  "border-width": 1,
} as const;

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
      ...BOX_LOOK,
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
 *
 * Big canvases are also drawn without compound nodes: the layout already knows every group and
 * chord box, so each is a plain node of that size, under the edges and tasks, at its place. With
 * any compound node in the graph, cytoscape re-walks each changed element's parents, descendants
 * and their edges for every style property it applies, and re-measures the compounds' bounds:
 * on a 1,000-task canvas that was most of a second. The elements carry their positions, so they are
 * added once, already placed, and the view is fitted from the layout's extent without measuring.
 */
export const DAGRE_MAX_TASKS = 60;

export type LayoutMode = "dagre" | "structural";

/** What cytoscape is given for a graph: its style, its elements, and for big ones their placement. */
export interface Prepared {
  mode: LayoutMode;
  style: cytoscape.StylesheetJson;
  elements: ElementDefinition[];
  placement?: Placement;
}

export function taskCount(g: GraphInput): number {
  let n = 0;
  for (const x of g.nodes) if (x.data.kind === "task") n++;
  return n;
}

export function prepareGraph(g: GraphInput): Prepared {
  if (taskCount(g) <= DAGRE_MAX_TASKS) return { mode: "dagre", style: STYLE, elements: [...g.nodes, ...g.edges] as ElementDefinition[] };
  const { elements, placement } = flatElements(g);
  return { mode: "structural", style: [...STYLE, ...BIG_STYLE], elements, placement };
}

/** Lays out what prepareGraph gave (already added to cy) and fits it into the view. */
export function runLayout(cy: Core, p: Prepared): LayoutMode {
  if (p.mode === "dagre" || !p.placement) {
    cy.layout(LAYOUT as unknown as cytoscape.LayoutOptions).run();
    return "dagre";
  }
  // cy.fit's arithmetic on the extent the layout already knows (labels included).
  const pad = LAYOUT.padding;
  const { w, h } = p.placement;
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min((cy.width() - 2 * pad) / Math.max(1, w), (cy.height() - 2 * pad) / Math.max(1, h))));
  cy.viewport({ zoom, pan: { x: (cy.width() - zoom * w) / 2, y: (cy.height() - zoom * h) / 2 } });
  return "structural";
}

/**
 * Overrides for big canvases (past DAGRE_MAX_TASKS): labels skipped while too small to read,
 * straight edges, and the group and chord boxes as plain nodes of the layout's size, drawn as the
 * compound nodes of a small canvas are. (Task labels wrap as on small canvases: without compound
 * nodes that costs a few ms on 1,000 tasks, and a one-line label was cut off at both ends.)
 */
export const BIG_STYLE: cytoscape.StylesheetJson = [
  { selector: "node", style: { "min-zoomed-font-size": 9 } },
  {
    selector: 'node[kind != "task"]',
    style: {
      ...BOX_LOOK,
      shape: "round-rectangle",
      width: "data(w)",
      height: "data(h)",
      "z-compound-depth": "bottom",
    },
  },
  { selector: "edge", style: { "curve-style": "haystack", "haystack-radius": 0, "target-arrow-shape": "none" } },
];

/** Whether setting `next` as a node's data would change anything (parent cannot change by data). */
function changed(cur: Record<string, unknown> | undefined, next: object): boolean {
  if (!cur) return false;
  for (const [k, v] of Object.entries(next)) if (k !== "parent" && cur[k] !== v) return true;
  return false;
}

/** The instance options of the live graph (the bench makes its instance with them too). */
export const CY_OPTIONS = { minZoom: 0.15, maxZoom: 2.5, wheelSensitivity: 0.3, boxSelectionEnabled: false, autoungrabify: true, autounselectify: true } satisfies cytoscape.CytoscapeOptions;

function structureKey(g: GraphInput): string {
  return `${g.nodes.map((n) => `${n.data.id}<${n.data.parent ?? ""}`).join("|")}#${g.edges.map((e) => e.data.id).join("|")}`;
}

export function CyGraph(props: { graph: GraphInput; picked?: string[]; focused?: string | null; onTap?(id: string): void; label: string }) {
  let host!: HTMLDivElement;
  let cy: Core | null = null;
  let lastKey = "";

  onMount(() => {
    ensureDagre();
    cy = cytoscape({ ...CY_OPTIONS, container: host, style: STYLE });
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
    const fresh = key !== lastKey ? prepareGraph(g) : null;
    cy.batch(() => {
      if (fresh) {
        cy!.style(fresh.style);
        cy!.elements().remove();
        cy!.add(fresh.elements);
      } else {
        for (const n of g.nodes) {
          const ele = cy!.getElementById(n.data.id);
          if (changed(ele.data() as Record<string, unknown> | undefined, n.data)) ele.data(n.data);
        }
      }
      cy!.nodes().removeClass("picked focused");
      for (const id of picked) cy!.getElementById(id).addClass("picked");
      if (focused) cy!.getElementById(focused).addClass("focused");
    });
    if (fresh) {
      lastKey = key;
      if (g.nodes.length) runLayout(cy, fresh);
    }
  });

  return <div class="cy-host" ref={host} role="img" aria-label={props.label} data-testid="graph-canvas" />;
}
