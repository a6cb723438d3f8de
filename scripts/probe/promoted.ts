/**
 * Probe (not a bench): where the garbage that outlives young-generation GCs is allocated, by V8's
 * sampling heap profiler keeping objects collected by major GCs (and not those the scavenger took).
 * Prints the top allocation sites by sampled bytes.   node scripts/probe/run.mjs promoted 200000 [all]
 * With "all", every allocation (the scavenger's garbage too): where the allocation rate comes from.
 */
import { Session } from "node:inspector/promises";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 200_000);
const all = process.argv[3] === "all";
const code = await compile(burstScenario(N));
const inspector = new Session();
inspector.connect();
await inspector.post("HeapProfiler.enable");
await inspector.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: all } as never);
const session = await createSession(code, { seed: 1, host: nodeHost });
await session.advance();
const { profile } = (await inspector.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: Node } };
interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] }
const sites = new Map<string, number>();
const walk = (n: Node, stack: string[]) => {
  const here = `${n.callFrame.functionName || "(anon)"}:${n.callFrame.lineNumber}`;
  const s = [...stack, here];
  if (n.selfSize) {
    const key = process.env.DEPTH ? s.slice(-Number(process.env.DEPTH)).join(" < ") : s.slice(-3).join(" < ");
    sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, s);
};
walk(profile.head, []);
const total = [...sites.values()].reduce((a, b) => a + b, 0);
console.log(`sampled ${Math.round(total / 2 ** 20)} MB (live at the end + collected by ${all ? "any GC" : "major GCs"})`);
for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(Math.round(v / 1024)).padStart(8), "kB ", k);
