// Ideal costs (no Celery overheads, sim/celery/costs.ts) in these scenarios: they check the mechanism's exact times.
/** Experiments as data: parsing, expansion, injection of swept values, figures, spread, CSV. */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import {
  ACKS_LATE_EXPERIMENT,
  buildResults,
  expandPoints,
  expandRuns,
  ExperimentError,
  parseExperiment,
  percentile,
  runPoint,
  runsCsv,
  spread,
  summaryCsv,
  summaryTable,
  type RunPoint,
} from "./index";

const point = (params: RunPoint["params"], seed = 1): RunPoint => ({ index: 0, point: 0, seed, params });

describe("an experiment is data", () => {
  it("reads the short forms: parameters as an object, seeds as a count or a range", () => {
    const a = parseExperiment({ name: "x", source: "", parameters: { "conf.taskAcksLate": [false, true], workers: [1, 2, 4] }, seeds: 3 });
    expect(a.parameters).toEqual([
      { key: "conf.taskAcksLate", values: [false, true] },
      { key: "workers", values: [1, 2, 4] },
    ]);
    expect(a.seeds).toEqual([1, 2, 3]);
    expect(parseExperiment({ scenario: "s.ts", seeds: { from: 10, count: 2 } }).seeds).toEqual([10, 11]);
    expect(parseExperiment({ scenario: "s.ts", parameters: [{ key: "k", values: 5 }] }).parameters[0]!.values).toEqual([5]);
  });

  it("says what is wrong with a bad experiment", () => {
    expect(() => parseExperiment({ parameters: {} })).toThrow(/scenario.*source/);
    expect(() => parseExperiment({ source: "", parameters: { k: [] } })).toThrow(/k has no values/);
    expect(() => parseExperiment({ source: "", seeds: [] })).toThrow(ExperimentError);
    expect(() => parseExperiment({ source: "", seeds: ["a"] })).toThrow(/numbers/);
    expect(() => parseExperiment({ source: "", parameters: [{ key: "a", values: [1] }, { key: "a", values: [2] }] })).toThrow(/twice/);
  });

  it("expands to points × seeds, first parameter slowest, point-major", () => {
    const spec = { parameters: [{ key: "a", values: [1, 2] }, { key: "b", values: ["x", "y", "z"] }], seeds: [7, 8] };
    expect(expandPoints(spec).map((p) => p.params)).toEqual([
      { a: 1, b: "x" }, { a: 1, b: "y" }, { a: 1, b: "z" },
      { a: 2, b: "x" }, { a: 2, b: "y" }, { a: 2, b: "z" },
    ]);
    const runs = expandRuns(spec);
    expect(runs).toHaveLength(12);
    expect(runs.slice(0, 3).map((r) => [r.index, r.point, r.seed])).toEqual([[0, 0, 7], [1, 0, 8], [2, 1, 7]]);
    expect(expandRuns({ parameters: [], seeds: [1, 2] }).map((r) => r.params)).toEqual([{}, {}]);
  });
});

const PROBE = `
import { Celery, sleep, params } from "celery";
const app = new Celery("probe", { broker: "redis", costs: "ideal" });
app.conf.update({ taskAcksLate: false, workerPrefetchMultiplier: 4 });
app.conf.workerPrefetchMultiplier = 3;
const t = app.task(async function t(i: number) { await sleep(1); return i; });
export default async function main() {
  const w = app.worker({ hostname: "w1", concurrency: 1 });
  const rs = [0, 1, 2, 3].map((i) => t.delay(i));
  await Promise.all(rs.map((r) => r.get()));
  return {
    acksLate: app.conf.taskAcksLate,
    prefetch: app.conf.workerPrefetchMultiplier,
    concurrency: w.concurrency,
    k: typeof params === "undefined" ? -1 : (params as any).k ?? -2,
    full: typeof params === "undefined" ? -1 : ((params as any)["conf.taskAcksLate"] ? 1 : 0),
  };
}`;

describe("swept values reach the scenario", () => {
  it("conf.* is pinned on the app whatever the scenario sets, worker.* overrides app.worker options, the rest is params", async () => {
    const code = await compile(PROBE);
    const plainRun = await runPoint(code, point({}), { host: nodeHost });
    expect(plainRun.error).toBeNull();
    expect(plainRun.figures).toMatchObject({ "returned.acksLate": 0, "returned.prefetch": 3, "returned.concurrency": 1, "returned.k": -2, "returned.full": 0 });
    const swept = await runPoint(code, point({ "conf.taskAcksLate": true, "conf.workerPrefetchMultiplier": 1, "worker.concurrency": 4, k: 42 }), { host: nodeHost });
    expect(swept.error).toBeNull();
    expect(swept.figures).toMatchObject({ "returned.acksLate": 1, "returned.prefetch": 1, "returned.concurrency": 4, "returned.k": 42, "returned.full": 1 });
    // Four 1 s tasks on four processes instead of one.
    expect(swept.figures.makespan).toBe(1);
    expect(plainRun.figures.makespan).toBe(4);
  });

  it("without an experiment, params is undefined (the scenario runs on its own)", async () => {
    const { run } = await import("../testing/harness");
    const r = await run(PROBE);
    expect(r.report.returned).toMatchObject({ k: -1, full: -1 });
  });

  it("a scenario that throws gives a run with its error, left out of the spread", async () => {
    const code = await compile(`import { params } from "celery"; export default function main() { throw new Error("boom " + (params as any).x); }`);
    const r = await runPoint(code, point({ x: 7 }), { host: nodeHost });
    expect(r.error).toMatch(/boom 7/);
    // The wrapper keeps the inline source map last: the error still names the learner's line.
    const lined = await compile(`import { params } from "celery";\n\nexport default function main() {\n  throw new Error("x" + (params as any).x);\n}\n`);
    expect((await runPoint(lined, point({ x: 1 }), { host: nodeHost, file: "mine.ts" })).error).toMatch(/mine\.ts:4:/);
    const res = buildResults({ name: "t", parameters: [{ key: "x", values: [7] }], seeds: [1] }, [r]);
    expect(res.summary[0]).toMatchObject({ runs: 1, errors: 1 });
    expect(res.summary[0]!.figures.sent).toMatchObject({ n: 0, mean: null });
  });
});

describe("figures", () => {
  it("makespan, throughput, wait and runtime percentiles of a known run", async () => {
    // One process, four 1 s tasks sent at 0: they start at 0, 1, 2, 3.
    const code = await compile(PROBE);
    const r = await runPoint(code, point({}), { host: nodeHost });
    expect(r.figures).toMatchObject({ sent: 4, succeeded: 4, failed: 0, lost: 0, duplicated: 0, makespan: 4, throughput: 1, wait_p50: 1, wait_p95: 3, wait_p99: 3, runtime_p50: 1 });
  });

  it("percentile is nearest-rank, spread is mean/min/max/sample sd", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([3, 1, 2, 4], 50)).toBe(2);
    expect(percentile([3, 1, 2, 4], 95)).toBe(4);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(spread([2, 4, 4, 4, 5, 5, 7, 9])).toMatchObject({ n: 8, mean: 5, min: 2, max: 9 });
    expect(spread([2, 4, 4, 4, 5, 5, 7, 9]).sd).toBeCloseTo(2.138, 3);
    expect(spread([3])).toEqual({ n: 1, mean: 3, min: 3, max: 3, sd: 0 });
    expect(spread([null, undefined])).toMatchObject({ n: 0, mean: null });
  });
});

describe("the acks_late experiment", () => {
  it("early acks lose the killed worker's tasks; late acks run them twice", async () => {
    const spec = { ...ACKS_LATE_EXPERIMENT, seeds: [1, 2] };
    const code = await compile(spec.source!);
    const runs = [];
    for (const p of expandRuns(spec)) runs.push(await runPoint(code, p, { host: nodeHost }));
    const res = buildResults(spec, runs);
    expect(runs.every((r) => r.error === null)).toBe(true);
    const [early, late] = res.summary;
    expect(early!.params).toEqual({ "conf.taskAcksLate": false });
    expect(early!.figures.lost!.min).toBeGreaterThan(0);
    expect(early!.figures.duplicated!.max).toBe(0);
    expect(late!.figures.lost!.max).toBe(0);
    expect(late!.figures.duplicated!.min).toBeGreaterThan(0);
    expect(late!.figures.succeeded!.mean).toBe(24);

    const table = summaryTable(res);
    expect(table.split("\n")[0]).toMatch(/^acksLate\s+runs\s+lost\s+duplicated/);
    const csv = summaryCsv(res).trim().split("\n");
    expect(csv[0]!.startsWith("conf.taskAcksLate,runs,errors,lost_mean,lost_sd,lost_min,lost_max,duplicated_mean")).toBe(true);
    expect(csv).toHaveLength(3);
    expect(csv[1]!.startsWith("false,2,0,")).toBe(true);
    const runLines = runsCsv(res).trim().split("\n");
    expect(runLines).toHaveLength(5);
    expect(runLines[1]).toMatch(/^false,1,[0-9a-f]{16},completed,,/);
  });

  it("CSV quotes what needs quoting", () => {
    const res = buildResults({ name: "q", parameters: [{ key: "label", values: ['a,"b"'] }], seeds: [1], figures: ["lost"] }, [
      { index: 0, point: 0, seed: 1, params: { label: 'a,"b"' }, figures: { lost: 1 }, traceHash: "h", endReason: "completed", error: "x,\ny", wallMs: 1 },
    ]);
    expect(runsCsv(res)).toBe('label,seed,traceHash,endReason,error,lost\n"a,""b""",1,h,completed,"x,\ny",1\n');
  });
});

describe("figure labels", () => {
  it("name the unit of the built-in figures that have one, and leave the rest alone", async () => {
    const { figureLabel } = await import("./types");
    expect(["makespan", "throughput", "wait_p95", "runtime_p50", "simTime", "lost", "returned.x"].map(figureLabel)).toEqual([
      "makespan (s)",
      "throughput (/s)",
      "wait_p95 (s)",
      "runtime_p50 (s)",
      "simTime (s)",
      "lost",
      "returned.x",
    ]);
  });
});
