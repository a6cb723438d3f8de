/**
 * A tiny read/write handle on `window` for end-to-end tests and the benchmark: set the code without
 * typing it, and read the run's state without scraping the DOM. Nothing in the app depends on it.
 */
import type { Playground } from "./state/playground";

export interface PlaygroundHook {
  setCode(text: string): void;
  getCode(): string;
  snapshot(): { phase: string; nowS: number; timeS: number; done: boolean; traceHash: string; traceLength: number; stateCounts: Record<string, number>; tasks: number; logs: string[]; lastCompile: { ms: number; cached: boolean; workerMs?: number } | null };
}

declare global {
  interface Window {
    __playground?: PlaygroundHook;
  }
}

export function installTestHook(pg: Playground): void {
  window.__playground = {
    setCode: (t) => pg.setCode(t),
    getCode: () => pg.code(),
    snapshot: () => {
      const r = pg.run();
      return {
        phase: pg.phase(),
        nowS: r.nowS,
        timeS: pg.timeS(),
        done: r.done,
        traceHash: r.traceHash,
        traceLength: r.traceLength,
        stateCounts: { ...r.stateCounts },
        tasks: r.tasks.size,
        logs: r.logs.map((l) => l.text),
        lastCompile: pg.lastCompile(),
      };
    },
  };
}
