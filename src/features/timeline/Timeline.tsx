/**
 * The worker timeline: a lane per pool slot, a bar per execution labelled and coloured by outcome,
 * and markers where a worker was killed, a pool child was lost, or a message was redelivered. A
 * bar's hatched end is the time its cpu() waited for a core.
 */
import { createMemo, For, Show } from "solid-js";
import type { RunView } from "../../state/run-store";
import type { Bar, Marker, Outcome } from "../../state/timeline";
import { axisEndS, layoutLanes, ticks } from "./lanes";

const VISIBLE_BARS = 1500;
const LANE_PX = 26;

const OUTCOME: Record<Outcome, { shape: string; word: string }> = {
  running: { shape: "▶", word: "running" },
  success: { shape: "✓", word: "success" },
  failure: { shape: "✕", word: "failure" },
  retry: { shape: "↻", word: "retry" },
  rejected: { shape: "⊗", word: "rejected" },
  revoked: { shape: "⊘", word: "revoked" },
  killed: { shape: "☠", word: "killed" },
  lost: { shape: "⚠", word: "lost" },
};
const MARK: Record<Marker["kind"], string> = { kill: "✕ kill", lost: "⚠ lost", redelivery: "↺ redelivered" };

export function Timeline(props: { run: RunView; onSelect(task: number): void }) {
  const layout = createMemo(() => {
    void props.run.version;
    return layoutLanes(props.run.workers, props.run.timeline.slots);
  });
  const endS = createMemo(() => axisEndS(props.run.nowS));
  const pct = (s: number) => `${(100 * s) / endS()}%`;
  // The reducer's own bar objects, so <For> keeps a bar's element while it stays in the window; it
  // closes bars in place, so what a bar shows is read again on every frame (`live`).
  const bars = createMemo(() => {
    void props.run.version;
    return props.run.timeline.bars.slice(-VISIBLE_BARS);
  });
  const live = <T,>(f: () => T) => () => (void props.run.version, f());
  const markers = createMemo(() => {
    void props.run.version;
    return props.run.timeline.markers.slice(-300);
  });
  const name = (b: Bar) => props.run.tasks.get(b.task)?.name ?? `task ${b.task}`;
  const top = (worker: number, slot: number) => ((layout().offset.get(worker) ?? 0) + slot) * LANE_PX;

  return (
    <div class="timeline" aria-label="Worker timeline">
      <div class="tl-legend" aria-label="Legend">
        <For each={Object.entries(OUTCOME)}>
          {([k, o]) => (
            <span class={`tl-key out-${k}`}>
              <span aria-hidden="true">{o.shape}</span> {o.word}
            </span>
          )}
        </For>
        <span class="tl-key out-success tl-key-cpuwait">
          <span class="tl-cpuwait" aria-hidden="true" /> waited for a CPU core
        </span>
      </div>
      <Show when={layout().lanes.length > 0} fallback={<p class="empty">No workers yet.</p>}>
        <div class="tl-body">
          <div class="tl-labels">
            <For each={layout().lanes}>{(l) => <div class="tl-lane-label" style={{ height: `${LANE_PX}px` }}>{l.label}</div>}</For>
          </div>
          {/* Below the lanes: a row for redelivery labels, then the time axis's labels. */}
          <div class="tl-plot" style={{ height: `${layout().lanes.length * LANE_PX + 38}px` }}>
            <For each={layout().lanes}>{(l) => <div class="tl-lane" style={{ top: `${top(l.worker, l.slot)}px`, height: `${LANE_PX}px` }} />}</For>
            <For each={ticks(endS())}>
              {(t) => (
                <div class="tl-tick" style={{ left: pct(t) }}>
                  <span>{t}s</span>
                </div>
              )}
            </For>
            <For each={bars()}>
              {(bar) => {
                const b = live(() => bar);
                const outcome = live(() => bar.outcome);
                const o = () => OUTCOME[outcome()];
                const end = live(() => bar.endS ?? props.run.nowS);
                const waited = live(() => bar.cpuWaitS);
                return (
                  <button
                    class={`tl-bar out-${outcome()}`}
                    style={{ left: pct(b().startS), width: `max(3px, calc(${pct(end() - b().startS)}))`, top: `${top(b().worker, b().slot) + 3}px`, height: `${LANE_PX - 6}px` }}
                    title={`${name(b())}: ${o().word}, ${b().startS.toFixed(3)}–${end().toFixed(3)} s${waited() > 0 ? `, waited ${waited().toFixed(3)} s for a CPU core` : ""}`}
                    aria-label={`${name(b())} ${o().word}${waited() > 0 ? `, waited ${waited().toFixed(2)} s for a CPU core` : ""}`}
                    onClick={() => props.onSelect(bar.task)}
                  >
                    {/* The share of the bar its cpu() spent waiting for a core, hatched at its end. */}
                    <Show when={waited() > 0 && end() > b().startS}>
                      <span class="tl-cpuwait" aria-hidden="true" style={{ width: `${Math.min(100, (100 * waited()) / (end() - b().startS))}%` }} />
                    </Show>
                    <span aria-hidden="true">{o().shape}</span> {name(b())}
                  </button>
                );
              }}
            </For>
            <For each={markers()}>
              {(m) => {
                const lanes = () => layout().lanes.filter((l) => l.worker === m.worker).length || 1;
                return (
                  <div
                    class={`tl-mark mk-${m.kind}`}
                    style={{ left: pct(m.atS), top: `${top(m.worker, 0)}px`, height: `${lanes() * LANE_PX}px` }}
                    title={`${MARK[m.kind]} at ${m.atS.toFixed(3)} s`}
                  >
                    {/* A redelivery starts a bar right there: its label goes in the row under the lanes. */}
                    <Show when={m.kind !== "redelivery"} fallback={<span style={{ top: `${layout().lanes.length * LANE_PX - top(m.worker, 0) + 2}px` }}>{MARK[m.kind]}</span>}>
                      <span>{MARK[m.kind]}</span>
                    </Show>
                  </div>
                );
              }}
            </For>
          </div>
        </div>
      </Show>
      <Show when={props.run.timeline.dropped > 0}>
        <p class="muted small">{props.run.timeline.dropped} older executions not drawn.</p>
      </Show>
    </div>
  );
}
