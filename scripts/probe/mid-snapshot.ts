/** Probe: a heap snapshot half-way through the burst's processing (after a full GC), to see what in-flight work keeps. */
import { writeHeapSnapshot } from "node:v8";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 100_000);
const session = await createSession(await compile(burstScenario(N)), { seed: 1, host: nodeHost });
await session.advance({ toS: Number(process.argv[3] ?? 50) });
console.log({ nowS: session.sim.nowS, queued: session.world.broker.queueLength("celery"), file: writeHeapSnapshot(`/tmp/mid-${N}.heapsnapshot`) });
