/**
 * Probe (not a bench): how the burst's trace spends its columns: events whose time equals the
 * previous event's, nums that are NaN, int32 or other.   node scripts/probe/run.mjs trace-stats 100000
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 100_000);
const session = await createSession(await compile(burstScenario(N)), { seed: 1, host: nodeHost });
await session.advance();
const t = session.sim.trace;
let sameTime = 0, sameTask = 0, nan = 0, int32 = 0, other = 0, prev = NaN, prevTask = -2;
for (let i = 0; i < t.length; i++) {
  const at = t.timeAt(i);
  if (at === prev) sameTime++;
  prev = at;
  if (t.taskAt(i) === prevTask) sameTask++;
  prevTask = t.taskAt(i);
  const n = t.get(i).num;
  if (Number.isNaN(n)) nan++;
  else if ((n | 0) === n && !Object.is(n, -0)) int32++;
  else other++;
}
console.log(JSON.stringify({ events: t.length, sameTimeAsPrevious: sameTime / t.length, sameTaskAsPrevious: sameTask / t.length, numNaN: nan / t.length, numInt32: int32 / t.length, numOther: other / t.length }));
