/**
 * Builds the worker timeline from trace events: a lane per worker pool slot, a bar per execution,
 * and markers for kills, lost children and redeliveries. Pure and incremental (O(events) per
 * frame), so it keeps up with a long run; only the newest bars are kept.
 */
import type { TraceEvent } from "../workers/protocol";

export type Outcome = "running" | "success" | "failure" | "retry" | "rejected" | "revoked" | "killed" | "lost";

export interface Bar {
  /** Unique per execution (trace index of its task-started). */
  id: number;
  task: number;
  worker: number;
  slot: number;
  startS: number;
  endS: number | null;
  outcome: Outcome;
  /** Seconds its cpu() calls waited for a core (their host's cores were all busy): the trace's "cpu" events. */
  cpuWaitS: number;
}

export interface Marker {
  atS: number;
  worker: number;
  task: number;
  kind: "kill" | "lost" | "redelivery";
}

export interface TimelineModel {
  bars: Bar[];
  markers: Marker[];
  /** Slots ever used per worker index (lane count). */
  slots: Map<number, number>;
  /** Open executions by task index. */
  open: Map<number, Bar>;
  /** Bars dropped from the front to stay under the cap. */
  dropped: number;
}

export const MAX_BARS = 4000;
const MAX_MARKERS = 1000;

const CLOSE: Partial<Record<TraceEvent["kind"], Outcome>> = {
  "task-succeeded": "success",
  "task-failed": "failure",
  "task-retried": "retry",
  "task-rejected": "rejected",
  "task-revoked": "revoked",
};

export function emptyTimeline(): TimelineModel {
  return { bars: [], markers: [], slots: new Map(), open: new Map(), dropped: 0 };
}

function freeSlot(open: Map<number, Bar>, worker: number): number {
  const used = new Set<number>();
  for (const b of open.values()) if (b.worker === worker) used.add(b.slot);
  let s = 0;
  while (used.has(s)) s++;
  return s;
}

function close(m: TimelineModel, bar: Bar, atS: number, outcome: Outcome): void {
  bar.endS = atS;
  bar.outcome = outcome;
  m.open.delete(bar.task);
}

/** Fold events into the model (mutates and returns it). Events must come in trace order. */
export function addEvents(m: TimelineModel, events: readonly TraceEvent[]): TimelineModel {
  for (const ev of events) {
    if (ev.kind === "task-started") {
      const prev = m.open.get(ev.task);
      if (prev) close(m, prev, ev.atS, "lost");
      const slot = freeSlot(m.open, ev.worker);
      const bar: Bar = { id: ev.i, task: ev.task, worker: ev.worker, slot, startS: ev.atS, endS: null, outcome: "running", cpuWaitS: 0 };
      m.open.set(ev.task, bar);
      m.bars.push(bar);
      m.slots.set(ev.worker, Math.max(m.slots.get(ev.worker) ?? 0, slot + 1));
      continue;
    }
    const outcome = CLOSE[ev.kind];
    if (outcome) {
      const bar = m.open.get(ev.task);
      if (bar) close(m, bar, ev.atS, outcome);
      continue;
    }
    if (ev.kind === "cpu") {
      const bar = m.open.get(ev.task);
      if (bar) bar.cpuWaitS += ev.num;
      continue;
    }
    if (ev.kind === "worker-killed") {
      for (const bar of [...m.open.values()]) if (bar.worker === ev.worker) close(m, bar, ev.atS, "killed");
      m.markers.push({ atS: ev.atS, worker: ev.worker, task: -1, kind: "kill" });
    } else if (ev.kind === "worker-lost") {
      const bar = ev.task >= 0 ? m.open.get(ev.task) : undefined;
      if (bar) close(m, bar, ev.atS, "lost");
      m.markers.push({ atS: ev.atS, worker: ev.worker, task: ev.task, kind: "lost" });
    } else if (ev.kind === "message-delivered" && (ev.data as { redelivered?: boolean } | undefined)?.redelivered) {
      m.markers.push({ atS: ev.atS, worker: ev.worker, task: ev.task, kind: "redelivery" });
    }
  }
  if (m.bars.length > MAX_BARS) {
    const cut = m.bars.length - MAX_BARS;
    m.bars.splice(0, cut);
    m.dropped += cut;
  }
  if (m.markers.length > MAX_MARKERS) m.markers.splice(0, m.markers.length - MAX_MARKERS);
  return m;
}
