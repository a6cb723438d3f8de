/** `celery-playground sweep`, as a person runs it: threads, the table, the files, determinism. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, nodeHost } from "../sim/testing/harness";
import { expandRuns, parseExperiment, runPoint, type ExperimentResults } from "../sim/experiment";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-sweep-"));
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// The sharded-sweep recipes' example: a worker killed mid-run, swept over the acks setting and the kill's moment.
const SCENARIO = readFileSync(join(root, "recipes", "sweep", "example", "kill.ts"), "utf8");
file("kill.ts", SCENARIO);
const EXP = file("acks.json", JSON.stringify({ name: "acks", scenario: "kill.ts", parameters: { "conf.taskAcksLate": [false, true], killAtS: [1, 2.5] }, seeds: [3, 4] }));

describe("celery-playground sweep", () => {
  it("runs every point on worker threads; each run equals that point run alone with its seed", async () => {
    const out = join(dir, "out2");
    const r = cli("sweep", EXP, "--threads", "2", "--json", "--out", out);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as ExperimentResults;
    expect(res.runs).toHaveLength(8);
    expect(res.runs.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // The same points, one by one, in this process.
    const code = await compile(SCENARIO);
    const spec = parseExperiment(JSON.parse(readFileSync(EXP, "utf8")));
    for (const p of expandRuns(spec)) {
      const alone = await runPoint(code, p, { host: nodeHost });
      const swept = res.runs[p.index]!;
      expect({ seed: swept.seed, params: swept.params }).toEqual({ seed: p.seed, params: p.params });
      expect(swept.traceHash).toBe(alone.traceHash);
      expect(swept.figures).toEqual(alone.figures);
    }
    // The sweep is about something: early acks lose, late acks duplicate; main's figure comes through.
    const lost = res.summary.map((s) => s.figures.lost!.mean);
    const dup = res.summary.map((s) => s.figures.duplicated!.mean);
    expect(lost[0]).toBeGreaterThan(0);
    expect(lost[2]).toBe(0);
    expect(dup[2]).toBeGreaterThan(0);
    expect(res.figures).toContain("returned.sentByMain");
    expect(res.summary[0]!.figures["returned.sentByMain"]!.mean).toBe(6);

    // Files next to the asked-for directory.
    for (const f of ["acks.csv", "acks.runs.csv", "acks.results.json"]) expect(existsSync(join(out, f)), f).toBe(true);
    const csv = readFileSync(join(out, "acks.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^conf\.taskAcksLate,killAtS,runs,errors,throughput_mean,/);
    expect(JSON.parse(readFileSync(join(out, "acks.results.json"), "utf8")).runs).toEqual(res.runs);
  });

  it("one thread gives the same results as two, and prints the table; files go next to the experiment by default", () => {
    const one = cli("sweep", EXP, "--threads", "1");
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/8 runs \(4 points × 2 seeds\) on 1 threads/);
    expect(one.out).toMatch(/conf\.taskAcksLate\s+killAtS\s+runs\s+throughput/);
    expect(one.out).toMatch(/^false\s+1\s+2\s/m);
    const byOne = JSON.parse(readFileSync(join(dir, "acks.results.json"), "utf8")) as ExperimentResults;
    const byTwo = JSON.parse(readFileSync(join(dir, "out2", "acks.results.json"), "utf8")) as ExperimentResults;
    expect(byOne.runs.map((r) => [r.traceHash, r.figures])).toEqual(byTwo.runs.map((r) => [r.traceHash, r.figures]));
  });

  it("a run that hangs is stopped and named; the others finish; exit code 2", () => {
    file("hang.ts", `import { Celery, params } from "celery";
const app = new Celery("h");
export default async function main() { if ((params as any).spin) { while (true) {} } return 1; }`);
    const exp = file("hang.json", JSON.stringify({ name: "hang", scenario: "hang.ts", parameters: { spin: [false, true] }, seeds: [1] }));
    const r = cli("sweep", exp, "--threads", "2", "--hang-timeout", "1", "--json");
    expect(r.code, r.err).toBe(2);
    const res = JSON.parse(r.out) as ExperimentResults;
    expect(res.runs[0]!.error).toBeNull();
    expect(res.runs[0]!.figures.returned).toBe(1);
    expect(res.runs[1]!.error).toMatch(/^hung/);
  });

  it("runs take run's limits (--max-tasks…): a run past one is named with its flag, exit 3; a run that throws names its file", () => {
    file("big.ts", `import { Celery, params } from "celery";
const app = new Celery("b");
const t = app.task({ name: "t", ignoreResult: true }, () => 1);
export default async function main() {
  if ((params as any).n < 0) throw new Error("negative");
  for (let i = 0; i < (params as any).n; i++) t.delay();
}`);
    const exp = file("big.json", JSON.stringify({ name: "big", scenario: "big.ts", parameters: { n: [10, 500] }, seeds: [1] }));
    const r = cli("sweep", exp, "--threads", "2", "--max-tasks", "100", "--json");
    expect(r.code, r.err).toBe(3);
    const res = JSON.parse(r.out) as ExperimentResults;
    expect(res.runs[0]!.error).toBeNull();
    expect(res.runs[1]!.error).toBe("resource limit: the run used more than 100 tasks (--max-tasks 100; raise it with --max-tasks)");
    expect(cli("sweep", exp, "--max-events", "0").err).toMatch(/--max-events needs a positive whole number/);
    const neg = file("neg.json", JSON.stringify({ name: "neg", scenario: "big.ts", parameters: { n: [-1] }, seeds: [1] }));
    const thrown = cli("sweep", neg, "--json");
    expect(thrown.code).toBe(1);
    expect((JSON.parse(thrown.out) as ExperimentResults).runs[0]!.error).toMatch(/\(big\.ts:5:\d+\)/);
  });

  it("a bad experiment or a scenario that does not compile: exit 1 with the reason", () => {
    const bad = file("bad.json", JSON.stringify({ name: "x", parameters: {} }));
    const r = cli("sweep", bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/needs "scenario"/);
    file("broken.ts", "export default function main() { return 1 +; }");
    const r2 = cli("sweep", file("broken.json", JSON.stringify({ scenario: "broken.ts" })));
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/broken\.ts:1:/);
    file("py.py", "x = 1\n");
    const r3 = cli("sweep", file("py.json", JSON.stringify({ scenario: "py.py" })));
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/py\.py: sweeps run TypeScript scenarios only/);
  });
});
