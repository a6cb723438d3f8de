/** The page's worker pool, with in-process fake workers: order, determinism, cancel, hangs; and the form's parsing. */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../../../sim/testing/harness";
import { runPoint } from "../../../sim/experiment/run";
import { expandRuns } from "../../../sim/experiment/spec";
import { buildResults } from "../../../sim/experiment/aggregate";
import { ACKS_LATE_EXPERIMENT } from "../../../sim/experiment/builtin";
import type { ExperimentReply, ExperimentRequest } from "../../workers/protocol";
import { ExperimentPool, type PoolWorker } from "./pool";
import { parametersToText, parseParametersText, parseSeedsText, plotModel, seedsToText } from "./form";

/** A worker that runs points in this process, after a delay, unless told to hang on a seed. */
function fakeWorker(log: { spawned: number; terminated: number }, hangSeed?: number): PoolWorker {
  log.spawned++;
  const listeners: ((ev: MessageEvent<ExperimentReply>) => void)[] = [];
  let dead = false;
  return {
    postMessage(m: ExperimentRequest) {
      if (m.type !== "run") return;
      if (m.run.seed === hangSeed) return; // never answers
      setTimeout(async () => {
        const result = await runPoint(m.code, m.run, { host: nodeHost });
        if (!dead) for (const l of listeners) l({ data: { type: "result", result } } as MessageEvent<ExperimentReply>);
      }, 5 + ((m.run.index * 7) % 13));
    },
    addEventListener(type: string, fn: (ev: never) => void) {
      if (type === "message") listeners.push(fn as (ev: MessageEvent<ExperimentReply>) => void);
    },
    terminate() {
      if (!dead) log.terminated++;
      dead = true;
    },
  };
}

describe("experiment pool", () => {
  const spec = { ...ACKS_LATE_EXPERIMENT, seeds: [1, 2, 3] };

  it("runs every point across workers; results in run order, equal to each point run alone", async () => {
    const code = await compile(spec.source!);
    const runs = expandRuns(spec);
    const log = { spawned: 0, terminated: 0 };
    const progress: number[] = [];
    const pool = new ExperimentPool({ spawn: () => fakeWorker(log), size: 3 });
    const out = await pool.sweep({ code, file: "a.ts", runs, onResult: (_r, n) => progress.push(n) }).done;
    expect(out.cancelled).toBe(false);
    expect(out.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    // A fresh worker (a new realm) per point, every one retired after its point.
    expect(log.spawned).toBe(6);
    expect(log.terminated).toBe(6);
    for (const p of runs) expect(out.results[p.index]!.traceHash).toBe((await runPoint(code, p, { host: nodeHost })).traceHash);
    const res = buildResults(spec, out.results);
    expect(res.summary[0]!.figures.lost!.mean).toBeGreaterThan(0);
  });

  it("cancel terminates every worker and keeps what finished", async () => {
    const code = await compile(spec.source!);
    const log = { spawned: 0, terminated: 0 };
    const pool = new ExperimentPool({ spawn: () => fakeWorker(log, 3), size: 2 });
    const h = pool.sweep({ code, file: "a.ts", runs: expandRuns(spec) });
    await new Promise((r) => setTimeout(r, 150));
    h.cancel();
    const out = await h.done;
    expect(out.cancelled).toBe(true);
    expect(out.results.length).toBeLessThan(6);
    expect(log.terminated).toBe(log.spawned);
  });

  it("a worker silent past the watchdog: its run is hung, a new worker takes over, the rest finish", async () => {
    const code = await compile(spec.source!);
    const log = { spawned: 0, terminated: 0 };
    const pool = new ExperimentPool({ spawn: () => fakeWorker(log, 2), size: 2, hangMs: 300 });
    const out = await pool.sweep({ code, file: "a.ts", runs: expandRuns(spec) }).done;
    expect(out.results).toHaveLength(6);
    const hung = out.results.filter((r) => r.error);
    expect(hung.map((r) => r.seed)).toEqual([2, 2]);
    expect(hung[0]!.error).toMatch(/^hung/);
    expect(log.spawned).toBeGreaterThan(2);
  });
});

describe("the panel's fields", () => {
  it("parameters text round-trips; values are JSON when they can be", () => {
    const ps = [{ key: "conf.taskAcksLate", values: [false, true] }, { key: "mode", values: ["a", "b,c"] }, { key: "plan", values: [[1, 2], { x: 1 }] }];
    expect(parseParametersText(parametersToText(ps))).toEqual(ps);
    expect(parseParametersText("workers = 1, 2, 4\n# a comment\nname = fast, slow")).toEqual([
      { key: "workers", values: [1, 2, 4] },
      { key: "name", values: ["fast", "slow"] },
    ]);
    expect(parseParametersText("k = [1, [2, 3]]")).toEqual([{ key: "k", values: [1, [2, 3]] }]);
    expect(() => parseParametersText("oops")).toThrow(/line 1/);
    expect(() => parseParametersText("a = 1\na = 2")).toThrow(/twice/);
  });

  it("seeds: ranges and lists", () => {
    expect(parseSeedsText("1-5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeedsText("3, 7, 10-11")).toEqual([3, 7, 10, 11]);
    expect(() => parseSeedsText("x")).toThrow(/seeds/);
    expect(seedsToText([1, 2, 3, 4])).toBe("1-4");
    expect(seedsToText([1, 5])).toBe("1, 5");
  });

  it("plot model: x is the last parameter, one line per combination of the others", () => {
    const res = buildResults({ name: "t", parameters: [{ key: "a", values: [1, 2] }, { key: "b", values: ["x", "y", "z"] }], seeds: [1], figures: ["lost"] }, expandRuns({ parameters: [{ key: "a", values: [1, 2] }, { key: "b", values: ["x", "y", "z"] }], seeds: [1] }).map((r) => ({ index: r.index, point: r.point, seed: r.seed, params: r.params, figures: { lost: r.index }, traceHash: "", endReason: "completed", error: null, wallMs: 0 })));
    const m = plotModel(res, "lost");
    expect(m.xLabels).toEqual(["x", "y", "z"]);
    expect(m.series.map((s) => s.label)).toEqual(["a=1", "a=2"]);
    expect(m.series[1]!.mean).toEqual([3, 4, 5]);
  });
});
