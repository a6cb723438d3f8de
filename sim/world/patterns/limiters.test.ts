import { describe, expect, it } from "vitest";
import { ExecContext, Sim } from "../../engine/sim";
import { SimRedis } from "../redis";
import { FixedWindowLimiter } from "./fixed-window";
import { SlidingWindowLimiter } from "./sliding-window";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

interface Limiter {
  isAllowed(id: string): Promise<boolean>;
}

/** Ask the limiter at each of `timesS` (in order for equal times) and return the answers in call order. */
async function askAt(sim: Sim, limiter: Limiter, timesS: number[]): Promise<boolean[]> {
  const answers: boolean[] = [];
  const all: Promise<unknown>[] = [];
  timesS.forEach((t, i) => sim.sched.schedule(t, () => all.push(limiter.isAllowed("user:1").then((a) => (answers[i] = a)))));
  while (await sim.stepOne()) {
    /* run */
  }
  await Promise.all(all);
  return answers;
}

describe("FixedWindowLimiter (the seed's lab 3.1)", () => {
  it("counts per window that starts at the first call and expires windowS later", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0 });
    const limiter = new FixedWindowLimiter(redis, { limit: 3, windowS: 1 });
    // Key made at 0 expires at 1.0: counts 1..5, then 1 at 1.0 (expires 2.0), 2 at 1.5, 1 at 2.0.
    expect(await askAt(sim, limiter, [0, 0.1, 0.2, 0.3, 0.999, 1, 1.5, 2])).toEqual([true, true, true, false, false, true, true, true]);
    expect(redis.countByCommand).toEqual({ INCR: 8, EXPIRE: 3 });
  });

  it("lets up to twice the limit through across a window's end", async () => {
    const sim = new Sim(1, host);
    const limiter = new FixedWindowLimiter(new SimRedis(sim, { roundTripS: 0 }), { limit: 3, windowS: 1 });
    const answers = await askAt(sim, limiter, [0, 0.9, 0.95, 1, 1.01, 1.02]);
    expect(answers).toEqual([true, true, true, true, true, true]); // five of them within 0.12 s
  });

  it("a caller that dies between INCR and EXPIRE leaves a counter that never expires", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0.002 });
    const limiter = new FixedWindowLimiter(redis, { limit: 3, windowS: 1 });
    const doomed = new ExecContext("task", "doomed", 0);
    sim.enter(doomed, () => limiter.isAllowed("user:1"));
    await sim.flush();
    sim.sched.schedule(0.0015, () => sim.kill(doomed)); // INCR ran at 0.001; its reply is due at 0.002
    while (await sim.stepOne()) {
      /* run */
    }
    expect(redis.store.get("celery_rate_limit:user:1")).toBe("1");
    expect(redis.store.ttl("celery_rate_limit:user:1")).toBe(-1);
    // Much later the window never started over: two more pass, then the user is throttled for good.
    expect(await askAt(sim, limiter, [100, 100, 100, 200])).toEqual([true, true, false, false]);
  });
});

describe("SlidingWindowLimiter", () => {
  it("allows at most `limit` calls in any window (now - windowS, now]", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0 });
    const limiter = new SlidingWindowLimiter(redis, { limit: 3, windowS: 1, clock: sim });
    // At 1.0 the call at 0 has left the window (score <= 0 removed): 0.5, 0.9, 1.0 -> 3, allowed.
    // At 1.05: 0.5, 0.9, 1.0, 1.05 -> 4, refused.
    expect(await askAt(sim, limiter, [0, 0.5, 0.9, 1, 1.05])).toEqual([true, true, true, true, false]);
    expect(redis.countByCommand).toEqual({ ZREMRANGEBYSCORE: 5, ZADD: 5, ZCARD: 5, PEXPIRE: 5 });
  });

  it("does not let the fixed window's boundary burst through", async () => {
    const sim = new Sim(1, host);
    const limiter = new SlidingWindowLimiter(new SimRedis(sim, { roundTripS: 0 }), { limit: 3, windowS: 1, clock: sim });
    // At 1.0 the call at 0 has left: 0.9, 0.95, 1.0 -> 3, allowed; 1.01 and 1.02 make 4 and 5.
    expect(await askAt(sim, limiter, [0, 0.9, 0.95, 1, 1.01, 1.02])).toEqual([true, true, true, true, false, false]);
  });

  it("is not atomic: calls racing between ZADD and ZCARD are all counted, and all refused", async () => {
    const sim = new Sim(1, host);
    const limiter = new SlidingWindowLimiter(new SimRedis(sim, { roundTripS: 0.001 }), { limit: 3, windowS: 1, clock: sim });
    // Two calls at 0.9 leave one slot. Three calls at 1.0 each ZADD before any ZCARD: each counts 5.
    expect(await askAt(sim, limiter, [0.9, 0.9, 1, 1, 1])).toEqual([true, true, false, false, false]);
  });

  it("counts refused calls too: a client that keeps calling stays refused", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0 });
    const limiter = new SlidingWindowLimiter(redis, { limit: 3, windowS: 1, clock: sim });
    // 0.6 is the 4th in the window; at 1.0, 1.2 and 1.5 the set still holds 4 entries; at 2.6 only 1.
    expect(await askAt(sim, limiter, [0, 0.2, 0.4, 0.6, 1, 1.2, 1.5, 2.6])).toEqual([true, true, true, false, false, false, false, true]);
    expect(redis.store.zcard("sliding_rate_limit:user:1")).toBe(1);
    expect(redis.store.pttl("sliding_rate_limit:user:1")).toBe(1000);
  });

  it("two limiters on one Redis share the window without clobbering each other's entries", async () => {
    const sim = new Sim(1, host);
    const redis = new SimRedis(sim, { roundTripS: 0 });
    const a = new SlidingWindowLimiter(redis, { limit: 2, windowS: 1, clock: sim });
    const b = new SlidingWindowLimiter(redis, { limit: 2, windowS: 1, clock: sim });
    expect([a.clientId, b.clientId]).toEqual(["c0", "c1"]);
    const answers: boolean[] = [];
    const main = (async () => {
      answers.push(await a.isAllowed("u"), await b.isAllowed("u"), await a.isAllowed("u"));
    })();
    while (await sim.stepOne()) {
      /* run */
    }
    await main;
    expect(answers).toEqual([true, true, false]);
  });
});
