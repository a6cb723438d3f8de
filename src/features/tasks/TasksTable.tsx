/** A Flower-like task list: newest first, filter by state and name, click a row for its detail. */
import { createMemo, createSignal, For, Show } from "solid-js";
import { fmtArgs, fmtS, fmtValue, shortId } from "../../lib/format";
import { selectTasks, type RunView } from "../../state/run-store";
import type { TaskView } from "../../workers/protocol";
import { StateBadge } from "./StateBadge";

const STATES = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED", "REJECTED"];

function outcome(t: TaskView): string {
  if (t.exception) return `${t.exception.type}: ${t.exception.message}`;
  return t.result === null || t.result === undefined ? "" : fmtValue(t.result, 48);
}

export function TasksTable(props: { run: RunView; selected: number | null; onSelect(index: number): void }) {
  const [state, setState] = createSignal("");
  const [name, setName] = createSignal("");
  const view = createMemo(() => {
    void props.run.version;
    return selectTasks(props.run, { state: state(), name: name() });
  });
  return (
    <div class="tasks">
      <div class="filters">
        <label class="field">
          <span>State</span>
          <select value={state()} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">all</option>
            <For each={STATES}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </label>
        <label class="field grow">
          <span>Name</span>
          <input type="search" placeholder="task name or id" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <span class="muted small">
          {view().matched} of {props.run.tasks.size} tasks
          {view().matched > view().rows.length ? ` (newest ${view().rows.length} shown)` : ""}
        </span>
      </div>
      <div class="table-wrap">
        <table class="grid" aria-label="Tasks">
          <thead>
            <tr>
              <th>id</th>
              <th>name</th>
              <th>state</th>
              <th>args</th>
              <th>result / exception</th>
              <th class="num">retries</th>
              <th>worker</th>
              <th class="num">received</th>
              <th class="num">started</th>
              <th class="num">runtime</th>
            </tr>
          </thead>
          <tbody>
            <For each={view().rows}>
              {(t) => (
                <tr
                  classList={{ selected: props.selected === t.index }}
                  tabIndex={0}
                  onClick={() => props.onSelect(t.index)}
                  onKeyDown={(e) => e.key === "Enter" && props.onSelect(t.index)}
                >
                  <td class="mono" title={t.id}>
                    {shortId(t.id)}
                  </td>
                  <td>{t.name}</td>
                  <td>
                    <StateBadge state={t.eventState} />
                  </td>
                  <td class="mono clip">{fmtArgs(t.args, t.kwargs)}</td>
                  <td class={`mono clip ${t.exception ? "exc" : ""}`}>{outcome(t)}</td>
                  <td class="num">{t.retries}</td>
                  <td>{t.worker ?? "–"}</td>
                  <td class="num">{fmtS(t.receivedAt)}</td>
                  <td class="num">{fmtS(t.startedAt)}</td>
                  <td class="num">{fmtS(t.runtime, 3)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={props.run.tasks.size === 0}>
          <p class="empty">Run a scenario to see its tasks here.</p>
        </Show>
      </div>
    </div>
  );
}
