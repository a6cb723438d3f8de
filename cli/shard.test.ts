/**
 * Sharded sweeps (issue 21): `sweep --shard i/n` in separate processes, then `sweep merge`, give
 * byte for byte what the unsharded sweep writes; bad shard sets are refused with the reason; the
 * recipes (Kubernetes Indexed Job, GitHub Actions matrix) run the same two commands.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeShards, parseShard, shardRuns } from "./shard";
import { expandRuns, parseExperiment } from "../sim/experiment";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-shard-"));
cpSync(join(root, "recipes", "sweep", "example"), dir, { recursive: true });
const EXP = join(dir, "acks.json");
const BIN = join(root, "bin", "celery-playground.mjs");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** One shard in a process of its own; all started together, as a Job's pods or a matrix's jobs are. */
function shardProcess(i: number, n: number, out: string): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, "sweep", EXP, "--shard", `${i}/${n}`, "--threads", "1", "--out", out], { cwd: root });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => resolve({ code, err }));
  });
}

describe("sweeps in shards", () => {
  it("3 shards as separate processes, merged, write byte for byte what the unsharded sweep writes", async () => {
    const whole = join(dir, "whole");
    const one = cli("sweep", EXP, "--threads", "2", "--out", whole);
    expect(one.code, one.err).toBe(0);
    const shards = join(dir, "shards");
    const done = await Promise.all([1, 2, 3].map((i) => shardProcess(i, 3, shards)));
    for (const d of done) expect(d.code, d.err).toBe(0);
    const files = readdirSync(shards).sort();
    expect(files).toEqual(["acks.shard-1-of-3.json", "acks.shard-2-of-3.json", "acks.shard-3-of-3.json"]);
    const merged = join(dir, "merged");
    const m = cli("sweep", "merge", EXP, ...files.map((f) => join(shards, f)), "--out", merged);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toMatch(/acks: 12 runs merged from 3 shards/);
    for (const f of ["acks.csv", "acks.runs.csv", "acks.results.json"]) expect(readFileSync(join(merged, f), "utf8"), f).toBe(readFileSync(join(whole, f), "utf8"));
    // The results are about something (not a merge of empty files): every run has its trace hash.
    const res = JSON.parse(readFileSync(join(merged, "acks.results.json"), "utf8")) as { runs: { traceHash: string }[] };
    expect(res.runs.every((r) => /^\w{6,}$/.test(r.traceHash))).toBe(true);

    // A missing shard, a shard given twice, a shard of another experiment: refused, nothing merged.
    const missing = cli("sweep", "merge", EXP, join(shards, files[0]!), join(shards, files[2]!), "--out", join(dir, "bad"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/missing shard 2\/3/);
    const twice = cli("sweep", "merge", EXP, ...files.map((f) => join(shards, f)), join(shards, files[1]!), "--out", join(dir, "bad"));
    expect(twice.err).toMatch(/shard 2\/3 given twice/);
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ ...(JSON.parse(readFileSync(EXP, "utf8")) as object), seeds: [9] }));
    const foreign = cli("sweep", "merge", other, ...files.map((f) => join(shards, f)), "--out", join(dir, "bad"));
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/a shard of another experiment/);
  }, 240_000);

  it("the slices: every run in exactly one shard, spread evenly; --shard is checked", () => {
    const runs = expandRuns(parseExperiment(JSON.parse(readFileSync(EXP, "utf8"))));
    const slices = [1, 2, 3, 4, 5].map((i) => shardRuns(runs, { index: i, count: 5 }).map((r) => r.index));
    expect(slices.flat().sort((a, b) => a - b)).toEqual(runs.map((r) => r.index));
    expect(Math.max(...slices.map((s) => s.length)) - Math.min(...slices.map((s) => s.length))).toBeLessThanOrEqual(1);
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1", "a/b", "1/0"]) expect(() => parseShard(bad), bad).toThrow(/--shard needs i\/n/);
    expect(() => mergeShards([], { fingerprint: "x", totalRuns: 1 })).toThrow(/needs the shard files/);
  });

  it("the recipes run these two commands, with as many shards as their matrix or Job has", () => {
    const gha = readFileSync(join(root, ".github", "workflows", "sweep.yml"), "utf8");
    const matrix = /shard: \[([\d, ]+)\]/.exec(gha)![1]!.split(",").map((x) => Number(x.trim()));
    const shardsEnv = Number(/SHARDS: (\d+)/.exec(gha)![1]);
    expect(matrix).toEqual(Array.from({ length: shardsEnv }, (_, i) => i + 1));
    expect(gha).toMatch(/npx celery-playground sweep "\$\{\{ inputs\.experiment \}\}" --shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS" --out shards/);
    expect(gha).toMatch(/npx celery-playground sweep merge "\$\{\{ inputs\.experiment \}\}" shards\/\*\.shard-\*-of-\*\.json/);
    expect(readFileSync(join(root, ".github", "workflows", "sweep.yml"), "utf8")).toMatch(/default: recipes\/sweep\/example\/acks\.json/);
    const job = readFileSync(join(root, "recipes", "sweep", "k8s-indexed-job.yaml"), "utf8");
    const completions = Number(/completions: (\d+)/.exec(job)![1]);
    expect(Number(/name: SHARDS\s+value: "(\d+)"/.exec(job)![1])).toBe(completions);
    expect(job).toMatch(/completionMode: Indexed/);
    expect(job).toMatch(/--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/\$SHARDS" --out \/results/);
    const merge = readFileSync(join(root, "recipes", "sweep", "k8s-merge-job.yaml"), "utf8");
    expect(merge).toMatch(/sweep merge "\$EXPERIMENT" \/results\/\*\.shard-\*-of-\*\.json --out \/results/);
  });
});
