/**
 * Frames cross to the page with their events and task views in columns (frame-wire.ts): what the
 * page unpacks is the frame the session built with its events as objects, event for event and key
 * for key, through a structured clone with the columns transferred.
 */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { packFrame, unpackFrame, type WireFrame } from "./frame-wire";
import { nextCursor } from "./protocol";
import type { Frame } from "../../sim/engine/types";
import { plain } from "../../sim/engine/report";
import type { TraceEvent } from "../../sim/kernel/trace";

const SCENARIO = `
import { Celery, sleep, chain, group } from "celery";
const app = new Celery("x", { broker: "redis" });
const ok = app.task(async function ok(n: number) { await sleep(n); console.log("done", n); return { n }; });
const bad = app.task(function bad() { throw new Error("no"); });
const add = app.task(function add(x: number, y: number) { return x + y; });
const slow = app.task({ name: "slow" }, async function slow(s: number) { await sleep(s); return s / 3; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (let i = 0; i < 5; i++) ok.delay(i / 2);
  bad.delay();
  add.apply([1, 2]);
  add.applyAsync([1], { kwargs: { y: 2 }, countdown: 1, expires: 30 });
  chain(add.s(1, 2), add.s(3), group(add.s(1), add.s(2))).applyAsync();
  slow.delay(0.7);
  await sleep(4);
}`;

async function frames(): Promise<{ objects: Frame[]; columns: Frame[]; traced: TraceEvent[][] }> {
  const s = await createSession(await compile(SCENARIO), { seed: 1, host: nodeHost });
  await s.advance();
  const cuts: [number, number][] = [[0, 7], [7, 20], [27, 100_000], [s.traceLength, 5000]];
  // The trace's own events, one object each, their data made plain: what a frame's events must be.
  const traced = cuts.map(([a, n]) => s.sim.trace.slice(a, a + n).map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) })));
  return { objects: cuts.map(([a, b]) => s.frame(a, b)), columns: cuts.map(([a, b]) => s.frame(a, b, { columns: true })), traced };
}

describe("a frame on the wire", () => {
  it("unpacks to the frame the session built", async () => {
    const { objects, columns, traced } = await frames();
    let withData = 0;
    for (let k = 0; k < objects.length; k++) {
      const f = objects[k]!;
      expect(f.events).toStrictEqual(traced[k]);
      // The worker's next pull starts where this frame ends, however its events are held.
      expect(nextCursor(5, columns[k]!)).toBe(nextCursor(5, f));
      const { frame, transfer } = packFrame(columns[k]!);
      expect(frame.events).toEqual([]);
      if (f.events.length) expect(frame.packed!.kinds.length).toBe(f.events.length);
      if (f.tasks.length || f.taskPatches.length) expect(frame.tasks.length + frame.taskPatches.length).toBe(0);
      const sent = structuredClone(frame, { transfer }) as WireFrame;
      const back = unpackFrame(sent);
      expect(back).toStrictEqual(f);
      expect(JSON.stringify(back)).toBe(JSON.stringify(f));
      withData += f.events.filter((e) => e.data !== undefined).length;
    }
    const all = objects.flatMap((f) => f.events);
    const views = [...objects.flatMap((f) => f.tasks), ...objects.flatMap((f) => f.taskPatches)];
    // What the columns cannot hold goes beside them, and comes back: data (logs, failures), NaN and
    // fractional nums, exceptions, children, kwargs, an eager task, a parent, a group, a root not its own.
    expect(withData).toBeGreaterThan(5);
    expect(all.some((e) => Number.isNaN(e.num))).toBe(true);
    expect(all.some((e) => !Number.isInteger(e.num) && !Number.isNaN(e.num))).toBe(true);
    expect(views.some((t) => t.exception !== null)).toBe(true);
    expect(views.some((t) => t.children.length > 0)).toBe(true);
    expect(views.some((t) => t.eta !== null && t.expires !== null)).toBe(true);
    const whole = objects.flatMap((f) => f.tasks);
    expect(whole.some((t) => Object.keys(t.kwargs).length > 0)).toBe(true);
    expect(whole.some((t) => t.eager)).toBe(true);
    expect(whole.some((t) => t.parentId !== null && t.rootId !== t.id)).toBe(true);
    expect(whole.some((t) => t.groupId !== null)).toBe(true);
    expect(objects[2]!.events.length).toBeGreaterThan(20);
    expect(objects[2]!.taskPatches.length).toBeGreaterThan(0);
  });

  it("keeps its columns as narrow as their values allow", async () => {
    const { columns } = await frames();
    const p = packFrame(columns[2]!).frame;
    expect(p.packed!.dataAt).toBeInstanceOf(Int16Array);
    expect(p.packedTasks!.codes).toBeInstanceOf(Int16Array);
    // A null time takes no room: fewer times than rows times seven.
    expect(p.packedTasks!.times.length).toBeLessThan(p.packedTasks!.index.length * 7);
  });
});
