/**
 * Frames cross to the page with their events in columns (frame-wire.ts): what the page unpacks is
 * the frame the session built, event for event and key for key, through a structured clone with
 * the columns transferred.
 */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../../sim/testing/harness";
import { createSession } from "../../sim/engine/session";
import { packFrame, unpackFrame, type WireFrame } from "./frame-wire";

const SCENARIO = `
import { Celery, sleep } from "celery";
const app = new Celery("x", { broker: "redis" });
const ok = app.task(async function ok(n: number) { await sleep(n); console.log("done", n); return { n }; });
const bad = app.task(function bad() { throw new Error("no"); });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (let i = 0; i < 5; i++) ok.delay(i / 2);
  bad.delay();
  await sleep(4);
}`;

describe("a frame on the wire", () => {
  it("unpacks to the frame the session built", async () => {
    const s = await createSession(await compile(SCENARIO), { seed: 1, host: nodeHost });
    await s.advance();
    const frames = [s.frame(0, 7), s.frame(7, 20), s.frame(27, 100_000), s.frame(s.traceLength)];
    let withData = 0;
    for (const f of frames) {
      const { frame, transfer } = packFrame(f);
      if (f.events.length) expect(frame.events).toEqual([]);
      const sent = structuredClone(frame, { transfer }) as WireFrame;
      const back = unpackFrame(sent);
      expect(back).toStrictEqual(f);
      expect(JSON.stringify(back)).toBe(JSON.stringify(f));
      withData += f.events.filter((e) => e.data !== undefined).length;
    }
    // The run's events include ones with data (logs, failures) and ones with NaN numbers.
    expect(withData).toBeGreaterThan(5);
    expect(frames.flatMap((f) => f.events).some((e) => Number.isNaN(e.num))).toBe(true);
    expect(frames[2]!.events.length).toBeGreaterThan(20);
  });
});
