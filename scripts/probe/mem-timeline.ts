/**
 * Probe (not a bench): the sim-throughput burst's memory as it runs, sampled every 50k scheduler
 * events without forcing a GC (what RSS sees), then once after a full GC at the end.
 *   node scripts/probe/run.mjs mem-timeline 1000000
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 1_000_000);
const code = await compile(burstScenario(N));
const session = await createSession(code, { seed: 1, host: nodeHost });
const mb = (b: number) => Math.round(b / 2 ** 20);
let last = -1;
while (true) {
  await session.advance({ maxEvents: 50_000 });
  const m = process.memoryUsage();
  const done = session.sim.trace.length === last;
  last = session.sim.trace.length;
  console.log(JSON.stringify({ atS: Math.round(session.sim.nowS * 10) / 10, trace: session.sim.trace.length, queued: session.world.broker.queueLength("celery"), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), arrayBuffersMB: mb(m.arrayBuffers), rssMB: mb(m.rss) }));
  if (done) break;
}
console.log(JSON.stringify({ maxRSSMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
