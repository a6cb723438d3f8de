/**
 * Sweeps beyond one machine: `sweep exp.json --shard i/n` runs one deterministic slice of the runs
 * and writes what it measured to a shard file; `sweep merge exp.json <shard files…>` checks that the
 * shards are the n slices of this very experiment and writes exactly what the unsharded sweep writes.
 * The engine that spreads the shards is someone else's (a Kubernetes Indexed Job, a GitHub Actions
 * matrix: recipes/sweep/); this only makes the slices and puts them back together.
 */
import { createHash } from "node:crypto";
import type { RunPoint, RunResult } from "../sim/experiment/types";

/** Which shard of how many: 1-based, as `--shard 2/3` (Playwright's convention). */
export interface ShardSpec {
  index: number;
  count: number;
}

export const SHARD_FORMAT = "celery-playground-sweep-shard";
/** 2: shard files say which simulator build and which run options made them. */
export const SHARD_VERSION = 2;

/** The options that change a run's outcome (a hang, a limit reached): all shards of a sweep must share them. */
export interface ShardOptions {
  hangTimeoutS: number;
  maxEvents: number;
  maxTasks: number;
  memoryMb: number;
}

export interface ShardFile {
  format: typeof SHARD_FORMAT;
  version: typeof SHARD_VERSION;
  /** The experiment's name, and a hash of its spec and scenario: shards of another experiment are refused. */
  experiment: string;
  fingerprint: string;
  /** A hash of the simulator the runs ran on (the sandbox's runtime): shards of other builds are refused. */
  simulator: string;
  options: ShardOptions;
  shard: ShardSpec;
  /** How many runs the whole sweep has. */
  totalRuns: number;
  /** This shard's runs, in run order, without wall-clock times. */
  runs: Omit<RunResult, "wallMs">[];
}

export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) throw new Error(`--shard needs i/n with 1 ≤ i ≤ n, e.g. --shard 2/3 (got "${text}")`);
  return { index, count };
}

/** Run r goes to shard (r mod n) + 1: every shard gets every point's seeds spread evenly. */
export function shardRuns(runs: RunPoint[], s: ShardSpec): RunPoint[] {
  return runs.filter((r) => r.index % s.count === s.index - 1);
}

export function fingerprint(specJson: unknown, source: string): string {
  return createHash("sha256").update(JSON.stringify(specJson)).update("\0").update(source).digest("hex").slice(0, 16);
}

export function withoutWallTime(r: RunResult): Omit<RunResult, "wallMs"> {
  const { wallMs: _wallMs, ...rest } = r;
  return rest;
}

export function shardFileName(base: string, s: ShardSpec): string {
  return `${base}.shard-${s.index}-of-${s.count}.json`;
}

/**
 * The runs of the whole sweep from its shard files, or the reason they do not make one sweep: every
 * file a shard of this experiment (same fingerprint), all of one count, each index once, together
 * every run exactly once.
 */
export function mergeShards(files: { name: string; data: unknown }[], expected: { fingerprint: string; totalRuns: number }): RunResult[] {
  if (!files.length) throw new Error("sweep merge needs the shard files (…shard-1-of-N.json …)");
  const shards = files.map(({ name, data }) => {
    const f = data as Partial<ShardFile>;
    if (f?.format !== SHARD_FORMAT || f.version !== SHARD_VERSION) throw new Error(`${name}: not a sweep shard file (format ${SHARD_FORMAT} v${SHARD_VERSION})`);
    if (f.fingerprint !== expected.fingerprint) throw new Error(`${name}: a shard of another experiment or scenario (fingerprint ${f.fingerprint}, this one ${expected.fingerprint})`);
    return { name, f: f as ShardFile };
  });
  const first = shards[0]!;
  for (const { name, f } of shards) {
    if (f.simulator !== first.f.simulator) throw new Error(`${name}: made by another build of the simulator than ${first.name} (${f.simulator}, not ${first.f.simulator}): run every shard from the same commit`);
    const a = JSON.stringify(f.options), b = JSON.stringify(first.f.options);
    if (a !== b) throw new Error(`${name}: run with other options than ${first.name} (${a}, not ${b}): give every shard the same --hang-timeout, --max-events, --max-tasks and --max-memory`);
  }
  const count = first.f.shard.count;
  const seen = new Map<number, string>();
  for (const { name, f } of shards) {
    if (f.shard.count !== count) throw new Error(`${name}: shard ${f.shard.index}/${f.shard.count}, but ${shards[0]!.name} is one of ${count}`);
    const other = seen.get(f.shard.index);
    if (other) throw new Error(`${name}: shard ${f.shard.index}/${count} given twice (also ${other})`);
    seen.set(f.shard.index, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new Error(`missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")}`);
  const runs: RunResult[] = new Array(expected.totalRuns);
  for (const { name, f } of shards)
    for (const r of f.runs) {
      if (r.index % count !== f.shard.index - 1 || r.index >= expected.totalRuns || runs[r.index]) throw new Error(`${name}: run ${r.index} does not belong to shard ${f.shard.index}/${count}`);
      runs[r.index] = { ...r, wallMs: 0 };
    }
  const absent = runs.findIndex((r) => !r);
  if (absent >= 0 || runs.length !== expected.totalRuns) throw new Error(`run ${absent} is in no shard file: it belongs to shard ${(absent % count) + 1}/${count} (${seen.get((absent % count) + 1)}), which was cut short`);
  return runs;
}
