/**
 * Sharded sweeps (issue 21): `sweep --shard i/n` in separate processes, then `sweep merge`, give
 * byte for byte what the unsharded sweep writes; bad shard sets are refused with the reason; the
 * recipes (Kubernetes Indexed Job, GitHub Actions matrix) run the same two commands.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

  it("the recipes' own shell steps, run here: shards and a merge that writes the results; a wrong path or a missing shard fails its step", () => {
    // The steps as the recipes spell them, with `npx celery-playground` this repository's bin and the
    // install lines left out; the k8s volume is a directory here. What a cluster or a runner adds
    // (scheduling, artifacts) is not tested: no cluster, no Actions runner here.
    const work = mkdtempSync(join(tmpdir(), "cp-recipe-"));
    cpSync(join(root, "recipes", "sweep", "example"), join(work, "recipes", "sweep", "example"), { recursive: true });
    const bin = join(work, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "npx"), `#!/bin/sh\n[ "$1" = celery-playground ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const sh = (script: string, env: Record<string, string>) =>
      spawnSync("bash", ["-e", "-u", "-c", script], { cwd: work, encoding: "utf8", timeout: 120_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });
    /** The block scalars after `marker` (`run: |`, `- |`), unindented. */
    const blocks = (yaml: string, marker: string): string[] => {
      const lines = yaml.split("\n");
      const out: string[] = [];
      lines.forEach((l, k) => {
        if (!l.trimEnd().endsWith(marker)) return;
        const indent = l.length - l.trimStart().length;
        const body: string[] = [];
        for (let j = k + 1; j < lines.length && (lines[j]!.trim() === "" || lines[j]!.length - lines[j]!.trimStart().length > indent); j++) body.push(lines[j]!);
        const cut = Math.min(...body.filter((b) => b.trim()).map((b) => b.length - b.trimStart().length));
        out.push(body.map((b) => b.slice(cut)).join("\n"));
      });
      return out;
    };
    const EXPERIMENT = "recipes/sweep/example/acks.json";

    // GitHub Actions: the matrix's shard step once per shard, then the merge step.
    const gha = readFileSync(join(root, ".github", "workflows", "sweep.yml"), "utf8");
    const SHARDS = /SHARDS: (\d+)/.exec(gha)![1]!;
    expect(/shard: \[([\d, ]+)\]/.exec(gha)![1]!.split(",").map((x) => Number(x.trim()))).toEqual(Array.from({ length: Number(SHARDS) }, (_, i) => i + 1));
    const [shardStep, mergeStep] = blocks(gha, "run: |").map((b) => b.replaceAll("${{ inputs.experiment }}", EXPERIMENT));
    expect(shardStep).toContain("--shard");
    expect(mergeStep).toContain("sweep merge");
    for (let i = 1; i <= Number(SHARDS); i++) {
      const r = sh(shardStep!.replaceAll("${{ matrix.shard }}", String(i)), { SHARDS });
      expect(r.status, r.stderr + r.stdout).toBe(0);
    }
    expect(sh(mergeStep!, { SHARDS }).status).toBe(0);
    const ghaResults = readFileSync(join(work, "results", "acks.results.json"), "utf8");
    expect(ghaResults).toMatch(/"runs"/);
    const typo = sh(shardStep!.replaceAll("${{ matrix.shard }}", "1").replaceAll(EXPERIMENT, "recipes/sweep/example/ack.json"), { SHARDS });
    expect(typo.status, "a wrong experiment path must fail the shard's step").not.toBe(0);
    rmSync(join(work, "shards", `acks.shard-${SHARDS}-of-${SHARDS}.json`));
    rmSync(join(work, "results"), { recursive: true });
    const short = sh(mergeStep!, { SHARDS });
    expect(short.status, "a missing shard must fail the merge's step").not.toBe(0);
    expect(short.stderr).toMatch(new RegExp(`missing shard ${SHARDS}/${SHARDS}`));

    // Kubernetes: the Indexed Job's pod script per completion index, then the merge Job's, on a
    // volume that still holds an earlier sweep's shards of another count.
    const volume = join(work, "volume");
    mkdirSync(volume);
    const pod = (file: string) => {
      const yaml = readFileSync(join(root, "recipes", "sweep", file), "utf8");
      const [script] = blocks(yaml, "- |");
      return script!.split("\n").filter((l) => !/git (init|fetch|checkout)|npm ci/.test(l)).join("\n").replaceAll("/results", volume);
    };
    const job = readFileSync(join(root, "recipes", "sweep", "k8s-indexed-job.yaml"), "utf8");
    const completions = /completions: (\d+)/.exec(job)![1]!;
    expect(/name: SHARDS\s+value: "(\d+)"/.exec(job)![1]).toBe(completions);
    const merge = readFileSync(join(root, "recipes", "sweep", "k8s-merge-job.yaml"), "utf8");
    expect(/name: SHARDS\s+value: "(\d+)"/.exec(merge)![1]).toBe(completions);
    writeFileSync(join(volume, "acks.shard-1-of-3.json"), "{}");
    for (let index = 0; index < Number(completions); index++) {
      const r = sh(pod("k8s-indexed-job.yaml"), { EXPERIMENT, SHARDS: completions, JOB_COMPLETION_INDEX: String(index) });
      expect(r.status, r.stderr + r.stdout).toBe(0);
    }
    const merged = sh(pod("k8s-merge-job.yaml"), { EXPERIMENT, SHARDS: completions });
    expect(merged.status, merged.stderr + merged.stdout).toBe(0);
    expect(readFileSync(join(volume, "acks.results.json"), "utf8")).toBe(ghaResults);
    rmSync(join(volume, "acks.shard-2-of-4.json"));
    const broken = sh(pod("k8s-merge-job.yaml"), { EXPERIMENT, SHARDS: completions });
    expect(broken.status, "a missing shard must fail the merge Job").not.toBe(0);
    expect(() => readFileSync(join(volume, "acks.results.json")), "no results left from the merge before").toThrow();
  }, 300_000);
});
