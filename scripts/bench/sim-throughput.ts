/**
 * Bench: simulated task lifecycles per wall second. One worker, concurrency 8, Redis, results and
 * events on; N trivial tasks sent at t=0. Prints one JSON line.
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";

const N = Number(process.argv[2] ?? 1_000_000);
/** BENCH_COSTS=realistic|ideal: the cost model's mode (default: the simulator's default). */
const costs = process.env.BENCH_COSTS as "realistic" | "ideal" | undefined;
const src = `
import { Celery } from "celery";
const app = new Celery("bench", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < ${N}; i++) add.delay(i, i);
}`;
const code = await compile(src);
const t0 = performance.now();
const session = await createSession(code, { seed: 1, host: nodeHost, ...(costs ? { costs } : {}) });
await session.advance();
const wallS = (performance.now() - t0) / 1000;
const report = session.report({ events: false });
const rssMB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({
  bench: "sim-throughput",
  costs: costs ?? "default",
  tasks: N,
  succeeded: report.stats.succeeded,
  traceEvents: report.stats.events,
  wallS: Math.round(wallS * 1000) / 1000,
  tasksPerS: Math.round(N / wallS),
  peakRssMB: Math.round(rssMB),
  goal: { tasksPerS: 500000, peakRssMB: 500 },
}));
