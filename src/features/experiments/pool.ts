/**
 * Runs an experiment's points on a pool of Web Workers (one per core by default), each point in a
 * worker of its own (started for it, retired after it), results kept in run order. Cancel terminates every worker at once (a run in the
 * middle of learner code cannot be interrupted any other way). A worker silent for `hangMs` (no
 * progress, no result) is stopped, its run reported as hung, and a fresh worker takes its place.
 *
 * Knows nothing of the DOM beyond the Worker-like endpoint it is handed: unit-tested in Node.
 */
import { HANG_BUDGET_S, hangSentence } from "../../../sim/engine/hang";
import { HangWatch } from "../../../sim/engine/hang-watch";
import { failedRun } from "../../../sim/experiment/run";
import type { DiffResult, ExperimentReply, ExperimentRequest, ParamValue, RunPoint, RunResult } from "../../workers/protocol";

export interface PoolWorker {
  postMessage(m: ExperimentRequest): void;
  addEventListener(type: "message", fn: (ev: MessageEvent<ExperimentReply>) => void): void;
  addEventListener(type: "error", fn: (ev: Event) => void): void;
  terminate(): void;
}

export interface SweepJob {
  code: string;
  file: string;
  untilS?: number;
  runs: RunPoint[];
  /** How many workers (default: the pool's size). */
  workers?: number;
  onResult?: (r: RunResult, done: number, total: number) => void;
}

export interface SweepHandle {
  /** Every run's result in run order; after a cancel, only those that finished. */
  done: Promise<{ results: RunResult[]; cancelled: boolean }>;
  cancel(): void;
}

export interface PoolOptions {
  spawn: () => PoolWorker;
  size: number;
  /** Real ms without a word from a busy worker before its run is called hung. */
  hangMs?: number;
}

export function defaultPoolSize(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(16, n && n > 0 ? n : 2));
}

export class ExperimentPool {
  constructor(private readonly opts: PoolOptions) {}

  get size(): number {
    return this.opts.size;
  }

  sweep(job: SweepJob): SweepHandle {
    const hangMs = this.opts.hangMs ?? HANG_BUDGET_S.experiments * 1000;
    const results: (RunResult | undefined)[] = new Array(job.runs.length);
    const live = new Set<{ worker: PoolWorker; watch: HangWatch }>();
    let next = 0;
    let finished = 0;
    let over = false;
    let settle!: (v: { results: RunResult[]; cancelled: boolean }) => void;
    const done = new Promise<{ results: RunResult[]; cancelled: boolean }>((r) => (settle = r));
    const end = (cancelled: boolean) => {
      if (over) return;
      over = true;
      for (const w of live) {
        w.watch.stop();
        w.worker.terminate();
      }
      live.clear();
      settle({ results: results.filter((r): r is RunResult => r !== undefined), cancelled });
    };
    const record = (r: RunResult) => {
      if (over || results[r.index]) return;
      results[r.index] = r;
      finished++;
      job.onResult?.(r, finished, job.runs.length);
      if (finished === job.runs.length) end(false);
    };
    const start = () => {
      let current: RunPoint | null = null;
      let startedAt = 0;
      const onHang = () => {
        if (over || !current) return;
        const p = current;
        current = null;
        retire();
        record(failedRun(p, hungMessage(hangMs), now() - startedAt));
        if (!over && next < job.runs.length) start();
      };
      const slot = { worker: this.opts.spawn(), watch: new HangWatch(hangMs, onHang) };
      live.add(slot);
      const retire = () => {
        slot.watch.stop();
        slot.worker.terminate();
        live.delete(slot);
      };
      const feed = () => {
        if (over) return;
        if (next >= job.runs.length) {
          retire();
          return;
        }
        current = job.runs[next++]!;
        startedAt = now();
        slot.watch.start();
        slot.worker.postMessage({ type: "run", code: job.code, file: job.file, run: current, ...(job.untilS !== undefined ? { untilS: job.untilS } : {}) });
      };
      slot.worker.addEventListener("message", (ev) => {
        const m = ev.data;
        if (over) return;
        if (m.type === "progress") slot.watch.beat();
        else if (m.type === "result") {
          current = null;
          record(m.result);
          // Every point in a fresh worker (a new realm): nothing one run did to its globals reaches the next.
          retire();
          if (!over && next < job.runs.length) start();
        }
      });
      slot.worker.addEventListener("error", () => {
        if (over || !current) return;
        const p = current;
        current = null;
        retire();
        record(failedRun(p, "the worker failed to start or crashed", now() - startedAt));
        if (next < job.runs.length) start();
      });
      feed();
    };
    if (!job.runs.length) end(false);
    else for (let i = 0; i < Math.max(1, Math.min(job.workers ?? this.opts.size, job.runs.length)); i++) start();
    return { done, cancel: () => end(true) };
  }

  /** The same seed run twice, a then b, in one worker; the diff comes back. */
  diff(req: { code: string; file: string; untilS?: number; seed: number; a: Record<string, ParamValue>; b: Record<string, ParamValue> }, signal?: AbortSignal): Promise<DiffResult> {
    const hangMs = this.opts.hangMs ?? HANG_BUDGET_S.experiments * 1000;
    return new Promise((resolve, reject) => {
      const worker = this.opts.spawn();
      const watch = new HangWatch(hangMs, () => stop(new Error(hungMessage(hangMs))));
      const stop = (e?: Error, v?: DiffResult) => {
        watch.stop();
        worker.terminate();
        if (e) reject(e);
        else resolve(v!);
      };
      signal?.addEventListener("abort", () => stop(new DOMException("cancelled", "AbortError")), { once: true });
      worker.addEventListener("message", (ev) => {
        const m = ev.data;
        if (m.type === "progress") watch.beat();
        else if (m.type === "diff") stop(undefined, m.result);
        else if (m.type === "error") stop(new Error(m.message));
      });
      worker.addEventListener("error", () => stop(new Error("the worker failed to start or crashed")));
      watch.start();
      worker.postMessage({ type: "diff", ...req });
    });
  }
}

function hungMessage(hangMs: number): string {
  return `hung: ${hangSentence(null, hangMs / 1000)}`;
}

function now(): number {
  return performance.now();
}
