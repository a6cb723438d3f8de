/** A counterfactual diff, side by side: outcomes, the first divergence in the trace, tasks that differ. */
import { For, Show } from "solid-js";
import { describeParams, formatNumber } from "../../../sim/experiment/aggregate";
import type { DiffEvent, DiffResult, TaskSide } from "../../../sim/experiment/diff";

function eventText(e: DiffEvent | null): string {
  if (!e) return "(trace ended)";
  const parts = [`#${e.i}`, `${e.atS.toFixed(3)} s`, e.kind];
  if (e.taskName) parts.push(`${e.taskName}[${e.taskId?.slice(0, 8)}]`);
  if (e.worker) parts.push(`@${e.worker}`);
  if (e.data !== null && e.data !== undefined) parts.push(JSON.stringify(e.data).slice(0, 80));
  return parts.join("  ");
}

const cell = (v: unknown) => (v === null || v === undefined ? "–" : typeof v === "number" ? formatNumber(v) : String(v));

export function DiffView(props: { diff: DiffResult }) {
  const d = () => props.diff;
  const figures = () => Object.keys(d().a.figures).filter((k) => k in d().b.figures);
  return (
    <div class="exp-diff" data-testid="diff">
      <p class="muted">
        Seed {d().seed}. A: <span class="mono">{describeParams(d().a.params)}</span> · B: <span class="mono">{describeParams(d().b.params)}</span>
      </p>
      <table class="exp-table" aria-label="Outcomes side by side">
        <thead>
          <tr>
            <th>figure</th>
            <th>A</th>
            <th>B</th>
          </tr>
        </thead>
        <tbody>
          <For each={figures()}>
            {(f) => (
              <tr classList={{ changed: d().a.figures[f] !== d().b.figures[f] }}>
                <td>{f}</td>
                <td class="num">{cell(d().a.figures[f])}</td>
                <td class="num">{cell(d().b.figures[f])}</td>
              </tr>
            )}
          </For>
          <tr>
            <td>trace</td>
            <td class="mono">
              {d().a.traceLength} ev · {d().a.traceHash}
            </td>
            <td class="mono">
              {d().b.traceLength} ev · {d().b.traceHash}
            </td>
          </tr>
        </tbody>
      </table>
      <h4>First divergence</h4>
      <Show when={d().divergence} fallback={<p data-testid="divergence">The two traces are the same, event for event.</p>}>
        {(div) => (
          <div data-testid="divergence">
            <p>
              At trace event <strong>#{div().index}</strong> ({div().fields.join(", ")} differ). Before it, both runs are identical.
            </p>
            <div class="exp-events">
              <For each={div().before}>{(e) => <div class="ev same mono">{eventText(e)}</div>}</For>
              <div class="ev a mono">A {eventText(div().a)}</div>
              <div class="ev b mono">B {eventText(div().b)}</div>
            </div>
            <div class="exp-sides">
              <div>
                <h5>A continues</h5>
                <For each={div().afterA}>{(e) => <div class="ev mono">{eventText(e)}</div>}</For>
              </div>
              <div>
                <h5>B continues</h5>
                <For each={div().afterB}>{(e) => <div class="ev mono">{eventText(e)}</div>}</For>
              </div>
            </div>
          </div>
        )}
      </Show>
      <h4>
        Tasks that differ ({d().tasks.length}; {d().sameTasks} the same)
      </h4>
      <Show when={d().tasks.length}>
        <table class="exp-table" aria-label="Tasks that differ">
          <thead>
            <tr>
              <th>task</th>
              <th>what differs</th>
              <th>A</th>
              <th>B</th>
            </tr>
          </thead>
          <tbody>
            <For each={d().tasks.slice(0, 200)}>
              {(t) => (
                <tr>
                  <td class="mono">
                    {t.name}[{t.id.slice(0, 8)}]
                  </td>
                  <td>{t.changed.join(", ")}</td>
                  <td class="mono">{sideText(t.a, t.changed)}</td>
                  <td class="mono">{sideText(t.b, t.changed)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}

function sideText(s: TaskSide | null, fields: readonly string[]): string {
  if (!s) return "(not in this run)";
  return fields
    .filter((f) => f !== "runtime" || fields.length === 1)
    .map((f) => `${f}=${cell((s as unknown as Record<string, unknown>)[f])}`)
    .join(" ");
}
