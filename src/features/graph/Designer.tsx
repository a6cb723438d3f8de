/**
 * The designer's controls: every operation is a button with an accessible name (keyboard first;
 * clicking nodes on the graph is a shortcut, not the only way). Pure state changes come from
 * model/designer.ts; this file only wires them to the page.
 */
import { createMemo, createSignal, For, Show } from "solid-js";
import { addTask, clearSelection, combine, describeNode, findNode, redo, remove, select, setArgs, setOptions, undo, ungroup, walk, type DesignerState } from "./model/designer";
import { tsLiteral } from "./model/export";
import { parseCanvas } from "./model/parse";
import type { CodeTask } from "./model/scenario-code";

export function parseArgs(text: string): unknown[] {
  return (parseCanvas(`x.s(${text})`) as { args: unknown[] }).args;
}

export function Designer(props: {
  state: DesignerState;
  update(f: (s: DesignerState) => DesignerState): void;
  tasks: CodeTask[];
  onExecute(): void;
  onImport(): void;
  onExport(lang: "ts" | "py"): void;
  busy: boolean;
}) {
  const [taskName, setTaskName] = createSignal("");
  const [argsText, setArgsText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const name = () => taskName() || props.tasks[0]?.ident || "";
  const params = () => props.tasks.find((t) => t.ident === name())?.params ?? [];
  const outline = createMemo(() => walk(props.state.design.roots));
  const sel = () => props.state.selected;
  /** The task whose options the form edits: the last selected one. */
  const current = createMemo(() => {
    const id = sel()[sel().length - 1];
    const n = id ? findNode(props.state.design.roots, id) : null;
    return n && n.kind === "task" ? n : null;
  });

  function add() {
    try {
      const args = argsText().trim() ? parseArgs(argsText()) : [];
      if (!name()) return setError("No tasks found in the editor's code: declare one with app.task(...).");
      setError(null);
      props.update((s) => addTask(s, name(), args));
    } catch (e) {
      setError(`Arguments: ${(e as Error).message}`);
    }
  }

  function applyOptions(form: HTMLFormElement) {
    const n = current();
    if (!n) return;
    const f = new FormData(form);
    const num = (k: string) => {
      const v = String(f.get(k) ?? "").trim();
      return v === "" ? undefined : Number(v);
    };
    try {
      const args = String(f.get("args") ?? "").trim();
      const opts = { countdown: num("countdown"), queue: String(f.get("queue") ?? "").trim() || undefined, retries: num("retries") };
      if ([opts.countdown, opts.retries].some((x) => x !== undefined && (!Number.isFinite(x) || x < 0))) throw new Error("countdown and retries must be numbers ≥ 0");
      setError(null);
      props.update((s) => setOptions(setArgs(s, n.id, args ? parseArgs(args) : [], f.get("immutable") === "on"), n.id, opts as never));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section class="designer" aria-label="Workflow designer">
      <h3>Designer</h3>
      <div class="designer-add" role="group" aria-label="Add a task">
        <label class="field">
          <span>Task</span>
          <select aria-label="Task to add" value={name()} onChange={(e) => setTaskName(e.currentTarget.value)}>
            <For each={props.tasks}>{(t) => <option value={t.ident}>{t.ident}{t.params.length ? `(${t.params.join(", ")})` : "()"}</option>}</For>
          </select>
        </label>
        <label class="field grow">
          <span>Arguments</span>
          <input
            aria-label="Arguments"
            class="mono"
            placeholder={params().join(", ") || "e.g. 2, 2"}
            value={argsText()}
            onInput={(e) => setArgsText(e.currentTarget.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
          />
        </label>
        <button class="btn" onClick={add} disabled={!props.tasks.length}>
          Add task
        </button>
      </div>

      <div class="designer-ops" role="toolbar" aria-label="Design operations">
        <button class="btn small" onClick={() => props.update((s) => combine(s, "chain"))} title="Chain the selected nodes, in the order selected">
          Make chain
        </button>
        <button class="btn small" onClick={() => props.update((s) => combine(s, "group"))} title="Run the selected nodes in parallel">
          Make group
        </button>
        <button class="btn small" onClick={() => props.update((s) => combine(s, "chord"))} title="A chord: the selected nodes as the header, the last selected as the body">
          Make chord
        </button>
        <button class="btn small" onClick={() => props.update((s) => ungroup(s, s.selected[s.selected.length - 1] ?? ""))} title="Take the selected chain, group or chord apart">
          Ungroup
        </button>
        <button class="btn small" onClick={() => props.update((s) => remove(s))}>
          Delete
        </button>
        <button class="btn small" onClick={() => props.update(undo)} disabled={!props.state.past.length}>
          Undo
        </button>
        <button class="btn small" onClick={() => props.update(redo)} disabled={!props.state.future.length}>
          Redo
        </button>
        <button class="btn small ghost" onClick={() => props.update(clearSelection)} disabled={!sel().length}>
          Clear selection
        </button>
      </div>

      <Show when={error() ?? props.state.message}>
        {(m) => (
          <p class="designer-msg" role="status">
            {m()}
          </p>
        )}
      </Show>

      <Show when={outline().length} fallback={<p class="muted small">Add tasks, select them (the order you select is the chain's order; a chord's body is selected last), then make a chain, a group or a chord.</p>}>
        <ul class="outline" aria-label="Design outline">
          <For each={outline()}>
            {(w) => {
              const pos = () => sel().indexOf(w.node.id);
              return (
                <li style={{ "padding-left": `${w.depth * 14}px` }}>
                  <button
                    class={`outline-node k-${w.node.kind}`}
                    aria-pressed={pos() >= 0}
                    aria-label={`${pos() >= 0 ? "Deselect" : "Select"} ${describeNode(w.node)}`}
                    onClick={() => props.update((s) => select(s, w.node.id))}
                  >
                    <span class="sel-order" aria-hidden="true">
                      {pos() >= 0 ? pos() + 1 : ""}
                    </span>
                    <span class="mono">{describeNode(w.node)}</span>
                  </button>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>

      <Show when={current()} keyed>
        {(n) => (
          <form
            class="options"
            aria-label={`Options of ${n.name}`}
            onSubmit={(e) => {
              e.preventDefault();
              applyOptions(e.currentTarget);
            }}
          >
            <div class="options-title">
              Options of <span class="mono">{n.name}</span>
            </div>
            <label class="field grow">
              <span>args</span>
              <input name="args" class="mono" value={n.args.map(tsLiteral).join(", ")} />
            </label>
            <label class="field check">
              <input name="immutable" type="checkbox" checked={n.immutable} />
              <span title="si(): ignore the previous task's result">immutable (.si)</span>
            </label>
            <label class="field">
              <span>countdown (s)</span>
              <input name="countdown" type="number" min="0" step="any" value={n.options.countdown ?? ""} />
            </label>
            <label class="field">
              <span>queue</span>
              <input name="queue" value={n.options.queue ?? ""} placeholder="celery" />
            </label>
            <label class="field">
              <span title="The retry count the message starts with (Celery's retries option)">retries</span>
              <input name="retries" type="number" min="0" step="1" value={n.options.retries ?? ""} />
            </label>
            <button class="btn small" type="submit">
              Apply options
            </button>
          </form>
        )}
      </Show>

      <div class="designer-run" role="group" aria-label="Run and export">
        <button class="btn primary" onClick={() => props.onExecute()} disabled={!props.state.design.roots.length || props.busy}>
          <span aria-hidden="true" class="ico">▶</span>Execute
        </button>
        <button class="btn small" onClick={() => props.onExport("ts")} disabled={!props.state.design.roots.length}>
          Export TypeScript
        </button>
        <button class="btn small" onClick={() => props.onExport("py")} disabled={!props.state.design.roots.length}>
          Export Python
        </button>
        <button class="btn small ghost" onClick={() => props.onImport()} title="Read chain/group/chord expressions from the editor's code">
          Import from editor
        </button>
      </div>
    </section>
  );
}
