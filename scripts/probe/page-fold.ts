/**
 * Probe (not a bench): what the page does with a burst's frames, part by part, in Node: unpacking
 * (frame-wire), the run store's fold (with the timeline), the dashboard's fold, and the graph's
 * canvas store (tasks by Celery id).   node scripts/probe/run.mjs page-fold 100000 800
 */
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";
import { packFrame, unpackFrame, type WireFrame } from "../../src/workers/frame-wire";
import { nextCursor } from "../../src/workers/protocol";
import { emptyRun, foldFrameInPlace } from "../../src/state/run-store";
import { emptyDashboard, foldDashboard } from "../../src/features/dashboard/model/series";
import type { Frame, TaskView } from "../../sim/engine/types";

const N = Number(process.argv[2] ?? 100_000);
const CAP = Number(process.argv[3] ?? 800);
const session = await createSession(await compile(burstScenario(N)), { seed: 1, host: nodeHost });
const wires: { wire: WireFrame; transfer: ArrayBuffer[]; from: number }[] = [];
for (let from = 0; ; ) {
  if (session.traceLength - from < CAP) await session.advance({ shouldYield: () => session.traceLength - from > 20 * CAP });
  const f = session.frame(from, CAP, { columns: true });
  const p = packFrame(f);
  wires.push({ wire: p.frame, transfer: p.transfer, from });
  from = nextCursor(from, f);
  if (f.done && !f.truncated) break;
}
const ms: Record<string, number> = { clone: 0, unpack: 0, runStore: 0, dashboard: 0, canvasStore: 0 };
let run = emptyRun();
const dash = emptyDashboard(1);
const byId = new Map<string, TaskView>();
for (const { wire, transfer, from } of wires) {
  let t = performance.now();
  const sent = structuredClone(wire, { transfer }) as WireFrame;
  ms.clone! += performance.now() - t;
  t = performance.now();
  const frame: Frame = unpackFrame(sent);
  ms.unpack! += performance.now() - t;
  t = performance.now();
  run = foldFrameInPlace(run, frame, from);
  ms.runStore! += performance.now() - t;
  const whole = frame.taskPatches.length ? { ...frame, tasks: run.changed, taskPatches: [] } : frame;
  t = performance.now();
  foldDashboard(dash, whole.events, whole.tasks, whole.workers, whole.nowS, !whole.truncated, whole.done);
  ms.dashboard! += performance.now() - t;
  t = performance.now();
  for (const x of whole.tasks) byId.set(x.id, x);
  ms.canvasStore! += performance.now() - t;
}
console.log({ frames: wires.length, tasks: run.tasks.size, ...Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])) });
