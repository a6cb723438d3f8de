/**
 * The Graph tab (loaded on first open): the run's canvases drawn live from the trace, and the
 * designer. Execute runs the design on the simulator with the editor's app and tasks; the same
 * graph then colours as the run plays and as the scrubber seeks.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import type { Playground } from "../../state/playground";
import { TaskDetail } from "../tasks/TaskDetail";
import type { CanvasStore } from "./canvas-store";
import { CyGraph, type GraphInput } from "./CyGraph";
import { Designer } from "./Designer";
import { designExpr, emptyDesigner, importExprs, walk, type DesignerState, type DNode } from "./model/designer";
import { fromCanvasNode, fromExpr, toElements, type NodeData } from "./model/elements";
import { shapeOf, tasksOf } from "./model/expr";
import { toPythonModule, toTypeScript } from "./model/export";
import { findCanvases } from "./model/parse";
import { executionScenario, tasksInCode } from "./model/scenario-code";
import { lookOf, stateTally, withStates, type LiveNode } from "./model/status";
import { installGraphBench } from "./bench";
import { sharedProgress, type ProgressStore } from "../../state/progress";
import "./graph.css";

/** The design is saved with the learner's progress (IndexedDB; exported and imported with it). */
const DESIGN_DRAFT_KEY = "graph-design";
const LEGEND = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"];

function parseDesign(raw: string | null): DesignerState {
  try {
    const d = raw ? (JSON.parse(raw) as { v: 1; roots: DNode[]; next: number }) : null;
    if (d?.v === 1 && Array.isArray(d.roots)) return { ...emptyDesigner(), design: { roots: d.roots, next: d.next } };
  } catch {
    /* a broken save is a fresh designer */
  }
  return emptyDesigner();
}

export default function GraphPanel(props: { pg: Playground; store: CanvasStore }) {
  const pg = props.pg;
  const store = props.store;
  const [view, setView] = createSignal<"run" | "design">("run");
  const [choice, setChoice] = createSignal<number | null>(null); // trace index of the canvas shown; null = newest
  const [detailId, setDetailId] = createSignal<string | null>(null);
  const [designer, setDesigner] = createSignal<DesignerState>(emptyDesigner());
  let progress: ProgressStore | null = null;
  void sharedProgress().then((store) => {
    progress = store;
    const saved = store.draft(DESIGN_DRAFT_KEY);
    if (saved) setDesigner(parseDesign(saved));
  });
  const [exported, setExported] = createSignal<{ lang: "ts" | "py"; text: string } | null>(null);
  const [note, setNote] = createSignal<string | null>(null);
  installGraphBench();

  createEffect(on(designer, (s) => progress?.saveDraft(DESIGN_DRAFT_KEY, JSON.stringify({ v: 1, roots: s.design.roots, next: s.design.next })), { defer: true }));

  const codeTasks = createMemo(() => tasksInCode(pg.code()));
  const canvases = createMemo(() => {
    void store.version();
    return store.canvases().slice();
  });
  const shown = createMemo(() => {
    const list = canvases();
    const c = choice();
    return (c === null ? list[list.length - 1] : list.find((x) => x.i === c)) ?? null;
  });
  const runElements = createMemo(() => {
    const c = shown();
    return c ? toElements([fromCanvasNode(c.root, `c${c.i}`)]) : null;
  });
  const runGraph = createMemo<GraphInput | null>(() => {
    void store.version();
    const el = runElements();
    return el ? withStates(el, store.task) : null;
  });
  const designGraph = createMemo<GraphInput>(() => {
    const roots = designer().design.roots;
    const el = toElements(roots.map((r) => fromExpr(r, r.id, (e) => (e as DNode).id)));
    return {
      edges: el.edges,
      nodes: el.nodes.map((n) => ({ data: { ...n.data, state: "", colour: "#5aa2ff", shape: "round-rectangle", border: "solid", display: designLabel(n.data), taskIndex: null } as LiveNode })),
    };
  });
  const graph = () => (view() === "run" ? runGraph() : designGraph());
  const tally = createMemo(() => (runGraph() ? stateTally(runGraph()!.nodes) : {}));
  const detailTask = createMemo(() => {
    void store.version();
    const id = detailId();
    return id ? store.task(id) : undefined;
  });

  function update(f: (s: DesignerState) => DesignerState) {
    setDesigner(f);
  }

  function tapNode(id: string) {
    if (view() === "design") {
      update((s) => (walk(s.design.roots).some((w) => w.node.id === id) ? { ...s, selected: s.selected.includes(id) ? s.selected.filter((x) => x !== id) : [...s.selected, id], message: null } : s));
      return;
    }
    const n = runGraph()?.nodes.find((x) => x.data.id === id);
    if (n?.data.kind === "task") setDetailId(n.data.celeryId ?? null);
  }

  function execute() {
    const expr = designExpr(designer().design);
    if (!expr) return;
    const known = new Set(codeTasks().map((t) => t.ident));
    const unknown = [...new Set(tasksOf(expr).map((t) => t.name))].filter((n) => !known.has(n));
    if (unknown.length) return setNote(`Not declared in the editor's code: ${unknown.join(", ")}. Declare them with app.task(...) first.`);
    setNote(null);
    setExported(null);
    setDetailId(null);
    setChoice(null);
    setView("run");
    void pg.runCode(executionScenario(pg.code(), expr));
  }

  function doImport() {
    const found = findCanvases(pg.code());
    const ok = found.filter((f) => f.expr);
    const bad = found.filter((f) => f.error);
    if (ok.length) update((s) => importExprs(s, ok.map((f) => f.expr!)));
    setView("design");
    const why = bad.map((b) => `line ${b.error!.line}: ${b.error!.message}`).join("; ");
    setNote(!found.length ? "No chain(…), group(…) or chord(…) in the editor's code." : `Imported ${ok.length} of ${found.length} canvas expression${found.length > 1 ? "s" : ""}.${why ? ` Could not read ${why}.` : ""}`);
  }

  function doExport(lang: "ts" | "py") {
    const expr = designExpr(designer().design);
    if (!expr) return;
    const tasks = Object.fromEntries(codeTasks().map((t) => [t.ident, { params: t.params }]));
    setExported({ lang, text: lang === "ts" ? toTypeScript(expr) : toPythonModule(expr, { tasks }) });
  }

  async function copy() {
    const t = exported()?.text ?? "";
    try {
      await navigator.clipboard.writeText(t);
      setNote("Copied.");
    } catch {
      setNote("Copy failed: select the text and copy it.");
    }
  }

  // Escape closes the task detail: TaskDetail listens for it (one owner).

  return (
    // The run's canvas takes the whole width; the designer's column shows with the design (or a task's detail).
    <div class="graph-panel" classList={{ "no-side": view() === "run" && !detailTask() }}>
      <div class="graph-main">
        <div class="graph-bar">
          <div class="seg" role="radiogroup" aria-label="Graph shows">
            <button role="radio" aria-checked={view() === "run"} class="tab" onClick={() => setView("run")}>
              Run's canvas
            </button>
            <button role="radio" aria-checked={view() === "design"} class="tab" onClick={() => setView("design")}>
              Design
            </button>
          </div>
          <Show when={view() === "run" && canvases().length > 1}>
            <label class="field">
              <span>Canvas</span>
              <select aria-label="Canvas" value={String(choice() ?? "")} onChange={(e) => setChoice(e.currentTarget.value === "" ? null : Number(e.currentTarget.value))}>
                <option value="">newest</option>
                <For each={canvases()}>{(c, k) => <option value={String(c.i)}>#{k() + 1} at {c.atS.toFixed(2)} s: {shapeOf(fromElementsShape(c.root))}</option>}</For>
              </select>
            </label>
          </Show>
          <ul class="legend" aria-label="Legend">
            <For each={LEGEND}>
              {(s) => {
                const l = lookOf(s);
                return (
                  <li style={{ color: l.colour }}>
                    <span aria-hidden="true">{l.glyph}</span> {s}
                    <Show when={view() === "run" && tally()[s]}>
                      <span class="count">{tally()[s]}</span>
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        </div>
        <Show when={pg.overriding()}>
          <div class="banner info graph-banner" role="status">
            Showing a run of the designed workflow (your editor text is unchanged).
            <button class="btn small" onClick={() => (pg.clearOverride(), void pg.play(true))}>
              Run the editor's scenario
            </button>
          </div>
        </Show>
        <Show when={note()}>
          <div class="banner info graph-banner" role="status" data-testid="graph-note">
            {note()}
          </div>
        </Show>
        <Show
          when={graph()?.nodes.length}
          fallback={
            <p class="empty">
              {view() === "run" ? "This run has applied no chain, group or chord yet. Run a scenario that does, or build one in the designer and Execute it." : "The design is empty: add a task."}
            </p>
          }
        >
          <CyGraph graph={graph()!} picked={view() === "design" ? designer().selected : []} focused={view() === "run" ? (runGraph()?.nodes.find((n) => n.data.celeryId === detailId())?.data.id ?? null) : null} onTap={tapNode} label={view() === "run" ? "Graph of the run's canvas" : "Graph of the design"} />
          <Show when={view() === "run"}>
            <ul class="graph-nodes" aria-label="Graph nodes">
              <For each={runGraph()?.nodes.filter((n) => n.data.kind === "task") ?? []}>
                {(n) => (
                  <li>
                    <button class={`node-chip st-${n.data.state.toLowerCase()}`} data-state={n.data.state} onClick={() => setDetailId(n.data.celeryId ?? null)} aria-label={`${n.data.label} ${n.data.display.split("\n")[1]}`}>
                      <span aria-hidden="true">{lookOf(n.data.state).glyph}</span> {n.data.label} <span class="muted">{n.data.display.split("\n")[1]}</span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </div>
      <div class="graph-side">
        <Show
          when={detailTask()}
          fallback={
            <>
              <Designer state={designer()} update={update} tasks={codeTasks()} onExecute={execute} onImport={doImport} onExport={doExport} busy={pg.phase() === "compiling" || pg.phase() === "loading"} />
              <Show when={exported()}>
                {(x) => (
                  <section class="export" aria-label={x().lang === "ts" ? "TypeScript export" : "Python export"}>
                    <div class="options-title">
                      {x().lang === "ts" ? "TypeScript (paste into main())" : "Python (real Celery)"}
                      <button class="btn small" onClick={() => void copy()}>
                        Copy
                      </button>
                      <button class="btn small ghost" aria-label="Close export" onClick={() => setExported(null)}>
                        ✕
                      </button>
                    </div>
                    <pre class="mono" tabindex="0" data-testid="export-text">
                      {x().text}
                    </pre>
                  </section>
                )}
              </Show>
            </>
          }
        >
          {(t) => <TaskDetail task={t()} history={pg.taskHistory} onClose={() => setDetailId(null)} />}
        </Show>
      </div>
    </div>
  );
}

function designLabel(d: NodeData): string {
  if (d.kind !== "task") return d.label;
  const o = Object.entries(d.options ?? {}).map(([k, v]) => `${k}=${v}`);
  return `${d.label}${d.immutable ? " !" : ""}${o.length ? `\n${o.join(" ")}` : ""}`;
}

/** A short shape of a trace canvas for the selector (task names only). */
function fromElementsShape(root: Parameters<typeof fromCanvasNode>[0]) {
  const t = fromCanvasNode(root);
  const toExpr = (g: ReturnType<typeof fromCanvasNode>): import("./model/expr").Expr =>
    g.kind === "task" ? { kind: "task", name: g.task!, args: [], immutable: false, options: {} } : g.kind === "chord" ? { kind: "chord", header: g.items!.map(toExpr), body: toExpr(g.body!) } : { kind: g.kind, items: g.items!.map(toExpr) };
  return toExpr(t);
}
