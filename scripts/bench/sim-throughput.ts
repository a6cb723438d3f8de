/**
 * Bench: simulated task lifecycles per wall second. One worker, concurrency 8, Redis, results and
 * events on; N trivial tasks sent at t=0. Then, in the same process, a bare binary-heap event loop
 * (peers/heap-loop.ts) fires as many events as the simulator did: the simulator's events/s as a
 * fraction of the bare loop's is the figure that travels between machines (issue 21's goal: 1/16).
 * Prints one JSON line.
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { heapLoopEventsPerS } from "./peers/heap-loop";
import { runStats } from "../../sim/engine/report";
import { burstScenario } from "./peers/burst-scenario";

const N = Number(process.argv[2] ?? 1_000_000);
/** BENCH_COSTS=realistic|ideal: the cost model's mode (default: the simulator's default). */
const costs = process.env.BENCH_COSTS as "realistic" | "ideal" | undefined;
const src = burstScenario(N);
const code = await compile(src);
const t0 = performance.now();
const session = await createSession(code, { seed: 1, host: nodeHost, ...(costs ? { costs } : {}) });
await session.advance();
const wallS = (performance.now() - t0) / 1000;
// The run's stats as the CLI's summary reads them (reportSummary): not a whole report, whose million
// task views added ~0.2 GB to the peak this bench measures (the --json report is measured by mm4).
const stats = runStats(session.world);
const rssMB = process.resourceUsage().maxRSS / 1024;
// Two counts of "events": the scheduler's (what a heap loop fires; ~1 per task here, the rest of a
// lifecycle runs in the microtasks an event wakes) and the trace's (every state change and broker
// message, ~8 per task: what a SimPy model would schedule one by one). The peer fires as many as
// the scheduler did; the ratio is given for both counts, the scheduler's being the strict one.
const events = session.eventsFired;
const ourEventsPerS = Math.round(events / wallS);
const peer = heapLoopEventsPerS(events);
const oneIn = (ours: number) => `1/${Math.round((peer.eventsPerS / ours) * 10) / 10}`;
console.log(JSON.stringify({
  bench: "sim-throughput",
  costs: costs ?? "default",
  tasks: N,
  succeeded: stats.succeeded,
  traceEvents: stats.events,
  wallS: Math.round(wallS * 1000) / 1000,
  tasksPerS: Math.round(N / wallS),
  peakRssMB: Math.round(rssMB),
  eventsFired: events,
  eventsPerS: ourEventsPerS,
  heapLoop: peer,
  // Our events/s over the bare loop's, as "1/k": the goal is k <= 16.
  ratioToHeapLoop: oneIn(ourEventsPerS),
  ratioToHeapLoopByTraceEvents: oneIn(stats.events / wallS),
  goal: { tasksPerS: 500000, peakRssMB: 500, ratioToHeapLoop: "1/16" },
}));
