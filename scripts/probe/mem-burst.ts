/**
 * Probe (not a bench): bytes per task of the sim-throughput burst, by process.memoryUsage() after a
 * full GC, at the burst's peak (every message queued) and at the end. Run with --expose-gc:
 *   node scripts/probe/run.mjs mem-burst 100000 [snapshot]
 */
import { writeHeapSnapshot } from "node:v8";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 100_000);
const snap = process.argv[3] === "snapshot";
const src = burstScenario(N);
const gc = (globalThis as { gc?: () => void }).gc!;
const mem = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapMB: m.heapUsed / 2 ** 20, arrayBuffersMB: m.arrayBuffers / 2 ** 20, rssMB: m.rss / 2 ** 20 };
};
const code = await compile(src);
const base = mem();
const session = await createSession(code, { seed: 1, host: nodeHost });
// The worker takes ~2 s to start (0.5 s + 0.2 s per prefork child): at 0.4 s every message is queued.
await session.advance({ toS: 0.4 });
const queuedAtPeak = session.world.broker.queueLength("celery");
const peak = mem();
if (snap) writeHeapSnapshot(`/tmp/burst-peak-${N}.heapsnapshot`);
await session.advance();
const end = mem();
if (snap) writeHeapSnapshot(`/tmp/burst-end-${N}.heapsnapshot`);
const per = (m: typeof base) => ({ heapB: Math.round(((m.heapMB - base.heapMB) * 2 ** 20) / N), arrayB: Math.round(((m.arrayBuffersMB - base.arrayBuffersMB) * 2 ** 20) / N), rssMB: Math.round(m.rssMB) });
console.log(JSON.stringify({ N, queuedAtPeak, peak: per(peak), end: per(end), maxRSSMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
