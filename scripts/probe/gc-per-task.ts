/**
 * Probe (not a bench): what the burst allocates and promotes to V8's old generation per task, by
 * phase (main's sends, then the worker's processing), from V8's own GC log (`--trace-gc-nvp`), and how
 * much the live heap grew meanwhile (full GCs either side). Promoted bytes beyond the live growth are
 * garbage that only major GCs collect: what drives the peak RSS. Trust this over the sampling heap
 * profiler (promoted.ts) for totals: a sample it keeps is kept alive through scavenges, and what that
 * sample points at with it (it blamed a Map's rehashed tables for ~50 B a task that this log shows
 * was never promoted).   node scripts/probe/run.mjs gc-per-task 200000 [scenario.ts]
 * With a scenario file of your own, "send" is its first simulated millisecond and `N` only divides.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 200_000);
const file = process.argv[3];

if (process.env.GC_PER_TASK_CHILD) {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const code = await compile(file ? readFileSync(file, "utf8") : burstScenario(N));
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const h0 = heap();
  console.log("PHASE send");
  const session = await createSession(code, { seed: 1, host: nodeHost });
  await session.advance({ toS: 0.001 }); // main's loop has sent them all; the worker is not up yet
  console.log("PHASE end");
  const h1 = heap();
  console.log("PHASE process");
  await session.advance();
  console.log("PHASE end");
  const h2 = heap();
  console.log(`LIVE ${h1 - h0} ${h2 - h1}`);
} else {
  const child = spawnSync(process.execPath, ["--expose-gc", "--trace-gc-nvp", fileURLToPath(import.meta.url), String(N), ...(file ? [file] : [])], { env: { ...process.env, GC_PER_TASK_CHILD: "1" }, encoding: "utf8", maxBuffer: 1 << 28 });
  const phases = new Map<string, { allocated: number; promoted: number; scavenges: number; majors: number }>();
  let phase: string | null = null;
  let live: number[] = [];
  for (const line of child.stdout.split("\n")) {
    const p = /^PHASE (\w+)/.exec(line);
    if (p) {
      phase = p[1] === "end" ? null : p[1]!;
      if (phase) phases.set(phase, { allocated: 0, promoted: 0, scavenges: 0, majors: 0 });
      continue;
    }
    if (line.startsWith("LIVE ")) live = line.slice(5).split(" ").map(Number);
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (!phase || !kind) continue;
    const at = phases.get(phase)!;
    const field = (name: string) => Number(new RegExp(` ${name}=(\\d+)`).exec(line)?.[1] ?? 0);
    if (kind === "s") {
      at.scavenges++;
      at.allocated += field("allocated");
      at.promoted += field("promoted");
    } else at.majors++;
  }
  if (child.status !== 0 || live.length !== 2) throw new Error(`the probe's child failed (status ${child.status}): ${child.stderr.slice(-2000)}`);
  const perTask = (b: number) => Math.round(b / N);
  [...phases].forEach(([name, at], i) =>
    console.log(JSON.stringify({ phase: name, tasks: N, scavenges: at.scavenges, majorGCs: at.majors, allocatedBPerTask: perTask(at.allocated), promotedBPerTask: perTask(at.promoted), liveGrowthBPerTask: perTask(live[i]!) })),
  );
}
