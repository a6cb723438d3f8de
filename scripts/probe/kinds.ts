/**
 * Probe (not a bench): events per task by kind in a scenario's trace, and how many carry data of
 * their own (not sharedData).   node scripts/probe/run.mjs kinds 20000 [scenario.ts]
 */
import { readFileSync } from "node:fs";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 20_000);
const file = process.argv[3];
const source = file ? readFileSync(file, "utf8").replace(/\b400000\b/, String(N)) : burstScenario(N);
const session = await createSession(await compile(source), { seed: 1, host: nodeHost });
await session.advance();
const t = session.sim.trace;
const byKind = new Map<string, { n: number; withData: number }>();
for (let i = 0; i < t.length; i++) {
  const e = t.get(i);
  const k = byKind.get(e.kind) ?? { n: 0, withData: 0 };
  k.n++;
  if (e.data !== undefined && !Object.isFrozen(e.data)) k.withData++;
  byKind.set(e.kind, k);
}
const tasks = session.world.tasks.all.length;
console.log(`events ${t.length}, tasks ${tasks}, events/task ${(t.length / tasks).toFixed(2)}`);
for (const [k, v] of [...byKind].sort((a, b) => b[1].n - a[1].n)) console.log(k.padEnd(20), (v.n / tasks).toFixed(3).padStart(7), "own data", (v.withData / tasks).toFixed(3));
