/** Lane layout for the timeline: a lane per worker pool slot, workers in index order. Pure. */
import type { WorkerView } from "../../workers/protocol";

export interface Lane {
  worker: number;
  slot: number;
  label: string;
}

export function layoutLanes(workers: readonly WorkerView[], slotsUsed: ReadonlyMap<number, number>): { lanes: Lane[]; offset: Map<number, number> } {
  const lanes: Lane[] = [];
  const offset = new Map<number, number>();
  const byIndex = [...workers].sort((a, b) => a.index - b.index);
  const known = new Set(byIndex.map((w) => w.index));
  // Executions can name a worker the frame no longer lists; give them lanes too.
  const extra = [...slotsUsed.keys()].filter((w) => !known.has(w)).sort((a, b) => a - b);
  for (const w of byIndex) {
    offset.set(w.index, lanes.length);
    const n = Math.max(1, w.concurrency, slotsUsed.get(w.index) ?? 0);
    for (let s = 0; s < n; s++) lanes.push({ worker: w.index, slot: s, label: `${w.hostname} #${s}` });
  }
  for (const w of extra) {
    offset.set(w, lanes.length);
    for (let s = 0; s < slotsUsed.get(w)!; s++) lanes.push({ worker: w, slot: s, label: `worker ${w} #${s}` });
  }
  return { lanes, offset };
}

/** About five round tick times covering [0, endS]. */
export function ticks(endS: number): number[] {
  if (!(endS > 0)) return [0];
  const raw = endS / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t <= endS + 1e-9; t += step) out.push(+t.toFixed(6));
  return out;
}

/**
 * The time axis grows in steps (1, 2, 5 × 10^k seconds), not with every frame: bars keep their place
 * until the run outgrows the axis, so a frame restyles only the bars that changed.
 */
export function axisEndS(nowS: number): number {
  const t = Math.max(nowS, 1);
  const mag = 10 ** Math.floor(Math.log10(t));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= t - 1e-9)!;
}
