/**
 * A task's state on the graph: colour, node shape, glyph and word together, so a state reads in
 * grayscale and without colour vision (the same glyphs as the tasks table's StateBadge).
 */
import type { GraphElements, NodeData } from "./elements";

/** The fields of the simulator's TaskView the graph reads. */
export interface TaskLike {
  index: number;
  id: string;
  eventState: string;
  result: unknown;
  exception: { type: string; message: string } | null;
  retries: number;
}

export interface StateLook {
  state: string;
  colour: string;
  /** A cytoscape node shape. */
  shape: string;
  glyph: string;
  /** Border style, so PENDING (not yet sent) differs from the rest by more than colour. */
  border: "dashed" | "solid" | "double";
}

const LOOKS: Record<string, Omit<StateLook, "state">> = {
  PENDING: { colour: "#7f8a99", shape: "round-rectangle", glyph: "○", border: "dashed" },
  RECEIVED: { colour: "#9aa8ff", shape: "diamond", glyph: "◇", border: "solid" },
  STARTED: { colour: "#5aa2ff", shape: "hexagon", glyph: "▶", border: "solid" },
  RETRY: { colour: "#f2b84b", shape: "octagon", glyph: "↻", border: "solid" },
  SUCCESS: { colour: "#4fcf82", shape: "round-rectangle", glyph: "✓", border: "solid" },
  FAILURE: { colour: "#ff5d6c", shape: "cut-rectangle", glyph: "✕", border: "double" },
  REVOKED: { colour: "#b58cff", shape: "barrel", glyph: "⊘", border: "solid" },
  REJECTED: { colour: "#b58cff", shape: "barrel", glyph: "⊗", border: "solid" },
  IGNORED: { colour: "#b58cff", shape: "barrel", glyph: "–", border: "solid" },
};

export function lookOf(state: string): StateLook {
  return { state, ...(LOOKS[state] ?? { colour: "#63d3d3", shape: "round-tag", glyph: "◐", border: "solid" }) };
}

function short(v: unknown, n = 18): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Second label line: the state word and what it ended with (result, exception type, retries). */
export function statusLine(t: TaskLike | undefined): string {
  if (!t) return "PENDING";
  const st = t.eventState;
  const retries = t.retries ? ` · ${t.retries} retr${t.retries === 1 ? "y" : "ies"}` : "";
  if (st === "SUCCESS") return `SUCCESS → ${short(t.result)}${retries}`;
  if (t.exception && (st === "FAILURE" || st === "RETRY")) return `${st}: ${t.exception.type}${retries}`;
  return `${st}${retries}`;
}

export interface LiveNode extends NodeData {
  state: string;
  colour: string;
  shape: string;
  border: string;
  /** Multi-line label: glyph + task(args), then the status line. */
  display: string;
  /** Index in the run's task table, when the task exists there (for the detail view). */
  taskIndex: number | null;
}

/**
 * The elements with each task node's current look, from the run's tasks by Celery task id. Nodes
 * whose task was never sent are PENDING. Compound nodes get a summary of their members.
 */
export function withStates(g: GraphElements, byId: (id: string) => TaskLike | undefined): { nodes: { data: LiveNode }[]; edges: GraphElements["edges"] } {
  const nodes = g.nodes.map((n) => {
    const d = n.data;
    if (d.kind !== "task") return { data: { ...d, state: "", colour: "", shape: "round-rectangle", border: "solid", display: d.label, taskIndex: null } };
    const t = d.celeryId ? byId(d.celeryId) : undefined;
    const look = lookOf(t?.eventState ?? "PENDING");
    return {
      data: { ...d, state: look.state, colour: look.colour, shape: look.shape, border: look.border, display: `${look.glyph} ${d.label}\n${statusLine(t)}`, taskIndex: t ? t.index : null },
    };
  });
  return { nodes, edges: g.edges };
}

/** How many tasks of the graph are in each state (the legend's counts). */
export function stateTally(nodes: { data: LiveNode }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) if (n.data.kind === "task") out[n.data.state] = (out[n.data.state] ?? 0) + 1;
  return out;
}
