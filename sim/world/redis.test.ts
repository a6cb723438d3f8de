import { describe, expect, it } from "vitest";
import { ExecContext, Sim } from "../engine/sim";
import { ResponseError } from "./errors";
import { SimRedis } from "./redis";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

async function drain(sim: Sim): Promise<void> {
  while (await sim.stepOne()) {
    /* run every event */
  }
}

describe("SimRedis (async, one round trip per command)", () => {
  it("a reply arrives one round trip after the command was sent", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0.002 });
    const times: number[] = [];
    const main = (async () => {
      expect(await redis.set("k", "v")).toBe("OK");
      times.push(sim.nowS);
      expect(await redis.get("k")).toBe("v");
      times.push(sim.nowS);
    })();
    await drain(sim);
    await main;
    expect(times[0]).toBeCloseTo(0.002, 12);
    expect(times[1]).toBeCloseTo(0.004, 12);
    expect(redis.commandCount).toBe(2);
    expect(redis.countByCommand).toEqual({ SET: 1, GET: 1 });
  });

  it("a command runs when it reaches the server, half a round trip after it is sent", async () => {
    // SET EX 1 sent at 0 runs at 0.001, so the key lives until 1.001. A GET sent at 0.999 arrives at
    // 1.000 and still sees it; a GET sent at 1.001 arrives at 1.002 and does not.
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0.002 });
    const seen: (string | null)[] = [];
    const main = (async () => {
      await redis.set("k", "v", { EX: 1 });
      await sim.sleep(0.997);
      expect(sim.nowS).toBeCloseTo(0.999, 12);
      seen.push(await redis.get("k"));
      expect(sim.nowS).toBeCloseTo(1.001, 12);
      seen.push(await redis.get("k"));
    })();
    await drain(sim);
    await main;
    expect(seen).toEqual(["v", null]);
  });

  it("each command is atomic; a GET then SET from two clients loses an update, INCR does not", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim);
    const readModifyWrite = async () => {
      const v = Number((await redis.get("rmw")) ?? "0");
      await redis.set("rmw", v + 1);
    };
    const main = Promise.all([readModifyWrite(), readModifyWrite(), redis.incr("atomic"), redis.incr("atomic")]);
    await drain(sim);
    const [, , a, b] = await main;
    expect(redis.store.get("rmw")).toBe("1"); // both read 0 before either wrote
    expect([a, b]).toEqual([1, 2]);
    expect(redis.store.get("atomic")).toBe("2");
  });

  it("an error reply rejects the promise, after the round trip, with Redis's text", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0.01 });
    redis.store.set("k", "abc");
    let caught: unknown = null;
    let atS = -1;
    const main = redis.incr("k").catch((e) => {
      caught = e;
      atS = sim.nowS;
    });
    await drain(sim);
    await main;
    expect(caught).toBeInstanceOf(ResponseError);
    expect((caught as Error).message).toBe("ERR value is not an integer or out of range");
    expect(atS).toBeCloseTo(0.01, 12);
  });

  it("a command sent by a context that then dies still runs on the server; only the reply is lost", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0.002 });
    const ctx = new ExecContext("task", "doomed", 0);
    let replied = false;
    sim.enter(ctx, () => void redis.incr("n").then(() => (replied = true)));
    sim.kill(ctx);
    await drain(sim);
    expect(redis.store.get("n")).toBe("1");
    expect(replied).toBe(false);
    expect(sim.nowS).toBeCloseTo(0.001, 12);
  });

  it("a shared store serves clients with different round trips", async () => {
    const sim = new Sim(1, host);
    const near = new SimRedis(sim, { roundTripS: 0.001 });
    const far = new SimRedis(sim, { roundTripS: 0.1, store: near.store });
    // far's SET is sent first but lands at 0.05; near's SET lands at 0.0005 and is overwritten.
    const main = Promise.all([far.set("k", "far"), near.set("k", "near")]);
    await drain(sim);
    await main;
    expect(near.store.get("k")).toBe("far");
    expect(() => new SimRedis(sim, { roundTripS: -1 })).toThrow(RangeError);
  });
});
