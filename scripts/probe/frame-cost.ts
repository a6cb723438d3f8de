/**
 * Probe (not a bench): the page's pull loop at max speed, in Node: frames of `cap` events from a
 * burst as frame-wire packs them, and what each part costs to structured-clone (v8.serialize as a
 * proxy for postMessage; across processes, as the page's sandboxed worker is, a message costs
 * ~10 µs per KB in Chromium on this machine).   node scripts/probe/run.mjs frame-cost 100000 1000
 */
import { serialize, deserialize } from "node:v8";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { burstScenario } from "../bench/peers/burst-scenario";
import { packFrame } from "../../src/workers/frame-wire";
import { nextCursor } from "../../src/workers/protocol";

const N = Number(process.argv[2] ?? 100_000);
const CAP = Number(process.argv[3] ?? 1000);
const session = await createSession(await compile(burstScenario(N)), { seed: 1, host: nodeHost });
const ser = new Map<string, number>();
const de = new Map<string, number>();
const bytes = new Map<string, number>();
let frames = 0, advanceMs = 0, frameMs = 0, packMs = 0, from = 0;
for (;;) {
  let t = performance.now();
  if (session.traceLength - from < CAP) await session.advance({ shouldYield: () => performance.now() - t > 24 });
  advanceMs += performance.now() - t;
  t = performance.now();
  const f = session.frame(from, CAP, { columns: true });
  frameMs += performance.now() - t;
  t = performance.now();
  const w = packFrame(f).frame as unknown as Record<string, unknown>;
  packMs += performance.now() - t;
  frames++;
  const pieces: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(w)) if (v && typeof v === "object" && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) pieces[`${k}.${k2}`] = v2; else pieces[k] = v;
  for (const [p, v] of Object.entries(pieces)) {
    let t0 = performance.now();
    const b = serialize(v);
    ser.set(p, (ser.get(p) ?? 0) + performance.now() - t0);
    bytes.set(p, (bytes.get(p) ?? 0) + b.length);
    t0 = performance.now();
    deserialize(b);
    de.set(p, (de.get(p) ?? 0) + performance.now() - t0);
  }
  from = nextCursor(from, f);
  if (f.done && !f.truncated) break;
}
const r = (x: number) => Math.round(x);
console.log({ frames, traceLength: session.traceLength, advanceMs: r(advanceMs), frameMs: r(frameMs), packMs: r(packMs) });
let total = 0;
for (const [p, b] of [...bytes].sort((a, b) => b[1] - a[1])) {
  total += b;
  if (b > 100_000) console.log(p.padEnd(24), "ser", String(r(ser.get(p)!)).padStart(5), "ms  deser", String(r(de.get(p)!)).padStart(5), "ms ", String(r(b / 1024)).padStart(7), "KiB");
}
console.log("total", r(total / 1024), "KiB,", r(total / frames / 1024), "KiB a frame");
