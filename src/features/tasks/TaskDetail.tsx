/** One task: its fields, its exception and traceback, and every event about it, in order. */
import { createResource, For, onCleanup, onMount, Show } from "solid-js";
import { fmtS, fmtValue } from "../../lib/format";
import type { CeleryEventView, TaskView } from "../../workers/protocol";
import { StateBadge } from "./StateBadge";

const SKIP = new Set(["type", "uuid", "timestamp", "hostname"]);

function rest(e: CeleryEventView): string {
  return Object.entries(e)
    .filter(([k, v]) => !SKIP.has(k) && v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${fmtValue(v, 80)}`)
    .join("  ");
}

export function TaskDetail(props: { task: TaskView; history(index: number): Promise<CeleryEventView[]>; onClose(): void }) {
  // Re-fetched whenever the task changes (a new event arrived for it).
  const [events] = createResource(
    () => [props.task.index, props.task.eventState, props.task.executions, props.task.retries, props.task.finishedAt] as const,
    ([i]) => props.history(i).catch(() => [] as CeleryEventView[]),
  );
  const t = () => props.task;
  // Escape closes it, unless the key was for something else (the editor, a field, an open menu).
  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      const el = e.target as HTMLElement | null;
      if (el?.closest(".cm-editor, input, select, textarea, dialog, .experiments")) return;
      props.onClose();
    };
    document.addEventListener("keydown", onKey);
    onCleanup(() => document.removeEventListener("keydown", onKey));
  });
  return (
    <aside class="detail" aria-label="Task detail">
      <header>
        <h3>
          {t().name} <StateBadge state={t().eventState} />
        </h3>
        <button class="btn small" onClick={() => props.onClose()} aria-label="Close task detail">
          ✕
        </button>
      </header>
      <dl class="kv">
        <dt>id</dt>
        <dd class="mono">{t().id}</dd>
        <dt>backend state</dt>
        <dd>{t().state}</dd>
        <dt>args</dt>
        <dd class="mono">{fmtValue(t().args, 200)}</dd>
        <Show when={Object.keys(t().kwargs).length}>
          <dt>kwargs</dt>
          <dd class="mono">{fmtValue(t().kwargs, 200)}</dd>
        </Show>
        <dt>result</dt>
        <dd class="mono">{fmtValue(t().result, 200) || "–"}</dd>
        <dt>retries / executions</dt>
        <dd>
          {t().retries} / {t().executions}
        </dd>
        <dt>worker · queue</dt>
        <dd>
          {t().worker ?? "–"} · {t().queue}
        </dd>
        <dt>sent · received · started · finished</dt>
        <dd class="mono">
          {fmtS(t().sentAt)} · {fmtS(t().receivedAt)} · {fmtS(t().startedAt)} · {fmtS(t().finishedAt)}
        </dd>
        <Show when={t().parentId}>
          <dt>parent</dt>
          <dd class="mono">{t().parentId}</dd>
        </Show>
      </dl>
      <Show when={t().exception}>
        {(ex) => (
          <div class="exception">
            <strong>
              {ex().type}: {ex().message}
            </strong>
            <Show when={ex().traceback}>
              <pre class="traceback">{ex().traceback}</pre>
            </Show>
          </div>
        )}
      </Show>
      <h4>Events</h4>
      <table class="grid compact" aria-label="Task events">
        <thead>
          <tr>
            <th class="num">time</th>
            <th>event</th>
            <th>host</th>
            <th>fields</th>
          </tr>
        </thead>
        <tbody>
          <For each={events() ?? []}>
            {(e) => (
              <tr>
                <td class="num">{fmtS(e.timestamp, 3)}</td>
                <td>{e.type}</td>
                <td>{e.hostname ?? "–"}</td>
                <td class="mono wrap">{rest(e)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </aside>
  );
}
