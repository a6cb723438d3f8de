/**
 * A Flower-like task list: newest first, filter by state and name, click a row for its detail.
 * Only the rows in view are in the DOM (fixed row height, each row placed by a transform in a body as
 * tall as all the matches), and rows are reused by position, so a frame that changes 10k tasks costs
 * a few dozen cell updates and a tiny layout (a full table of 200 rows cost 0.4–0.9 s of layout per
 * frame on a 2-core machine; a virtual <table> of 30 rows still 5–30 ms, because a changed cell lays
 * out the whole table again).
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

/** Must match `.vtable .vrow { height }` in styles.css. */
export const ROW_PX = 30;
const OVERSCAN = 4;
/** Column widths (id, name, state, args, result, retries, worker, received, started, runtime); the result column takes what is left. */
const COLUMN_PX = [80, 96, 112, 120, 160, 56, 64, 76, 76, 76];
const HEADERS = ["id", "name", "state", "args", "result / exception", "retries", "worker", "received", "started", "runtime"];
const NUMERIC = new Set([5, 7, 8, 9]);
/** The column that takes the width left over (its COLUMN_PX is its minimum). */
const RESULT_COL = 4;

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
      <div class="table-wrap" ref={wrap} onScroll={onScroll} tabindex="0" role="region" aria-label="Tasks table">
        {/* ARIA table of divs: each row is its own layout and paint root (contain: strict), so a
            row whose text changed is laid out alone; a <table> lays out every row again. */}
        <div class="vtable" role="table" aria-label="Tasks" aria-rowcount={view().matched + 1}>
          <div class="vhead" role="rowgroup">
            <div class="vrow" role="row" aria-rowindex={1}>
              <For each={HEADERS}>
                {(h, i) => (
                  <div role="columnheader" class={`vcell${NUMERIC.has(i()) ? " num" : ""}${i() === RESULT_COL ? " grow" : ""}`} style={i() === RESULT_COL ? { "min-width": `${COLUMN_PX[i()]}px` } : { width: `${COLUMN_PX[i()]}px` }}>
                    {h}
                  </div>
                )}
              </For>
            </div>
          </div>
          <div class="vbody" role="rowgroup" style={{ height: `${view().matched * ROW_PX}px` }}>
            <Index each={view().rows}>
              {(t, i) => (
                <div
                  role="row"
                  class="vrow"
                  classList={{ selected: props.selected === t().index }}
                  style={{ transform: `translateY(${(first() + i) * ROW_PX}px)` }}
                  aria-rowindex={first() + i + 2}
                  tabIndex={0}
                  onClick={() => props.onSelect(t().index)}
                  onKeyDown={(e) => e.key === "Enter" && props.onSelect(t().index)}
                >
                  <div role="cell" class="vcell mono" style={{ width: `${COLUMN_PX[0]}px` }} title={t().id}>
                    {shortId(t().id)}
                  </div>
                  <div role="cell" class="vcell" style={{ width: `${COLUMN_PX[1]}px` }}>
                    {t().name}
                  </div>
                  <div role="cell" class="vcell" style={{ width: `${COLUMN_PX[2]}px` }}>
                    <StateBadge state={t().eventState} />
                  </div>
                  <div role="cell" class="vcell mono" style={{ width: `${COLUMN_PX[3]}px` }}>
                    {fmtArgs(t().args, t().kwargs)}
                  </div>
                  <div role="cell" class={`vcell mono grow${t().exception ? " exc" : ""}`} style={{ "min-width": `${COLUMN_PX[4]}px` }}>
                    {outcome(t())}
                  </div>
                  <div role="cell" class="vcell num" style={{ width: `${COLUMN_PX[5]}px` }}>
                    {t().retries}
                  </div>
                  <div role="cell" class="vcell" style={{ width: `${COLUMN_PX[6]}px` }}>
                    {t().worker ?? "–"}
                  </div>
                  <div role="cell" class="vcell num" style={{ width: `${COLUMN_PX[7]}px` }}>
                    {fmtS(t().receivedAt)}
                  </div>
                  <div role="cell" class="vcell num" style={{ width: `${COLUMN_PX[8]}px` }}>
                    {fmtS(t().startedAt)}
                  </div>
                  <div role="cell" class="vcell num" style={{ width: `${COLUMN_PX[9]}px` }}>
                    {fmtS(t().runtime, 3)}
                  </div>
                </div>
              )}
            </Index>
          </div>
        </div>
        <Show when={props.run.tasks.size === 0}>
          <p class="empty">Run a scenario to see its tasks here.</p>
        </Show>
      </div>
    </div>
  );
}
