/**
 * Bench: what the cost model costs the simulator (issue 20: "the simulator's own speed does not drop
 * by more than 15 % with costs on"). The sim-throughput scenario (one worker c=8, Redis, results
 * on, N trivial tasks sent at t=0) run with costs "ideal" and "realistic", alternating in one
 * process so both see the same machine; the ratio of the medians (CPU time, less noisy than wall
 * time on a shared machine) is the figure.
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = 3;
const src = `
import { Celery } from "celery";
const app = new Celery("bench", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  // A start-up in both modes: with ideal costs and none, the whole run would happen at t=0, where
  // V8 keeps every timestamp a small integer and allocates nothing for it: a speed no real run has
  // (and 1.5 s, not 1 s, for the same reason).
  app.worker({ hostname: "w1", concurrency: 8, startupS: 1.5 });
  for (let i = 0; i < ${N}; i++) add.delay(i, i);
}`;
const code = await compile(src);

async function tasksPerS(costs: "ideal" | "realistic"): Promise<number> {
  const t0 = process.cpuUsage();
  const session = await createSession(code, { seed: 1, host: nodeHost, costs });
  await session.advance();
  const used = process.cpuUsage(t0);
  const wallS = (used.user + used.system) / 1e6;
  if (session.report({ events: false }).stats.succeeded !== N) throw new Error(`${costs}: not every task succeeded`);
  return N / wallS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ideal: number[] = [];
const realistic: number[] = [];
await tasksPerS("ideal"); // warm-up: the first run pays for V8's compilation
for (let i = 0; i < ROUNDS; i++) {
  ideal.push(await tasksPerS("ideal"));
  realistic.push(await tasksPerS("realistic"));
}
const ratio = median(realistic) / median(ideal);
console.log(JSON.stringify({
  bench: "costs-overhead",
  tasks: N,
  rounds: ROUNDS,
  idealTasksPerS: Math.round(median(ideal)),
  realisticTasksPerS: Math.round(median(realistic)),
  realisticOverIdeal: Math.round(ratio * 1000) / 1000,
  goal: { realisticOverIdeal: 0.85 },
  met: ratio >= 0.85,
}));
