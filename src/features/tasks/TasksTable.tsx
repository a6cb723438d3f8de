/**
 * A Flower-like task list: newest first, filter by state and name, click a row for its detail.
 * Only the rows in view are in the DOM (fixed row height, spacer rows above and below), and rows are
 * reused by position, so a frame that changes 10k tasks costs a few dozen cell updates and a tiny
 * layout (a full table of 200 rows cost 0.4–0.9 s of layout per frame on a 2-core machine).
 */
import { createMemo, createSignal, For, Index, onCleanup, onMount, Show } from "solid-js";
import { fmtArgs, fmtS, fmtValue, shortId } from "../../lib/format";
import { selectTasks, type RunView } from "../../state/run-store";
import type { TaskView } from "../../workers/protocol";
import { StateBadge } from "./StateBadge";

const STATES = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED", "REJECTED"];

function outcome(t: TaskView): string {
  if (t.exception) return `${t.exception.type}: ${t.exception.message}`;
  return t.result === null || t.result === undefined ? "" : fmtValue(t.result, 48);
}

/** Must match `.tasks tbody tr { height }` in styles.css. */
export const ROW_PX = 30;
const OVERSCAN = 6;
/** Column widths (id, name, state, args, result, retries, worker, received, started, runtime): fixed layout never measures cells. */
const COLUMN_PX = [80, 96, 112, 120, 160, 56, 64, 76, 76, 76];

export function TasksTable(props: { run: RunView; selected: number | null; onSelect(index: number): void }) {
  const [state, setState] = createSignal("");
  const [name, setName] = createSignal("");
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewportPx, setViewportPx] = createSignal(600);
  let wrap!: HTMLDivElement;
  onMount(() => {
    const ro = new ResizeObserver(() => setViewportPx(wrap.clientHeight));
    ro.observe(wrap);
    onCleanup(() => ro.disconnect());
  });
  const count = () => Math.ceil(viewportPx() / ROW_PX) + 2 * OVERSCAN;
  const view = createMemo(() => {
    void props.run.version;
    const filter = { state: state(), name: name() };
    const want = Math.max(0, Math.floor(scrollTop() / ROW_PX) - OVERSCAN);
    const v = selectTasks(props.run, filter, count(), want);
    // Fewer matches than the scroll position (a filter just narrowed them): show the last page.
    if (v.rows.length || want === 0) return { ...v, first: want };
    const last = Math.max(0, v.matched - count());
    return { ...selectTasks(props.run, filter, count(), last), first: last };
  });
  const first = () => view().first;
  // A new filter starts at the top of its matches.
  const filterBy = (set: (v: string) => void, v: string) => {
    set(v);
    wrap.scrollTop = 0;
    setScrollTop(0);
  };
  const below = () => Math.max(0, view().matched - first() - view().rows.length) * ROW_PX;
  let pending = false;
  const onScroll = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      setScrollTop(wrap.scrollTop);
    });
  };
  return (
    <div class="tasks">
      <div class="filters">
        <label class="field">
          <span>State</span>
          <select value={state()} onChange={(e) => filterBy(setState, e.currentTarget.value)}>
            <option value="">all</option>
            <For each={STATES}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </label>
        <label class="field grow">
          <span>Name</span>
          <input type="search" placeholder="task name or id" value={name()} onInput={(e) => filterBy(setName, e.currentTarget.value)} />
        </label>
        <span class="muted small">
          {view().matched} of {props.run.tasks.size} tasks
        </span>
      </div>
      <div class="table-wrap" ref={wrap} onScroll={onScroll}>
        <table class="grid virtual" aria-label="Tasks" aria-rowcount={view().matched + 1}>
          <colgroup>
            <For each={COLUMN_PX}>{(w) => <col style={{ width: `${w}px` }} />}</For>
          </colgroup>
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
            <tr class="spacer" aria-hidden="true" style={{ height: `${first() * ROW_PX}px` }}>
              <td colSpan={10} />
            </tr>
            <Index each={view().rows}>
              {(t, i) => (
                <tr
                  classList={{ selected: props.selected === t().index }}
                  aria-rowindex={first() + i + 2}
                  tabIndex={0}
                  onClick={() => props.onSelect(t().index)}
                  onKeyDown={(e) => e.key === "Enter" && props.onSelect(t().index)}
                >
                  <td class="mono" title={t().id}>
                    {shortId(t().id)}
                  </td>
                  <td class="clip">{t().name}</td>
                  <td>
                    <StateBadge state={t().eventState} />
                  </td>
                  <td class="mono clip">{fmtArgs(t().args, t().kwargs)}</td>
                  <td class={`mono clip ${t().exception ? "exc" : ""}`}>{outcome(t())}</td>
                  <td class="num">{t().retries}</td>
                  <td class="clip">{t().worker ?? "–"}</td>
                  <td class="num">{fmtS(t().receivedAt)}</td>
                  <td class="num">{fmtS(t().startedAt)}</td>
                  <td class="num">{fmtS(t().runtime, 3)}</td>
                </tr>
              )}
            </Index>
            <tr class="spacer" aria-hidden="true" style={{ height: `${below()}px` }}>
              <td colSpan={10} />
            </tr>
          </tbody>
        </table>
        <Show when={props.run.tasks.size === 0}>
          <p class="empty">Run a scenario to see its tasks here.</p>
        </Show>
      </div>
    </div>
  );
}
