import { describe, expect, it } from "vitest";
import { Sim } from "../engine/sim";
import { Rng } from "../kernel/rng";
import { ConnectionError, HttpError } from "./errors";
import { drawLatencyS, parseServiceRate, service, type ServiceOptions } from "./service";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

interface Outcome {
  calledS: number;
  doneS: number;
  ok: boolean;
  value: unknown;
}

/** Call the service at each of `timesS` and run the simulation to the end. */
async function callAt(timesS: number[], opts: ServiceOptions, seed = 7) {
  const sim = new Sim(seed, host);
  const svc = service(sim, "payments", opts);
  const outcomes: Outcome[] = [];
  const all: Promise<unknown>[] = [];
  for (const t of timesS)
    sim.sched.schedule(t, () => {
      const o: Outcome = { calledS: sim.nowS, doneS: NaN, ok: false, value: null };
      outcomes.push(o);
      all.push(
        svc.call({ n: outcomes.length }).then(
          (v) => Object.assign(o, { ok: true, value: v, doneS: sim.nowS }),
          (e) => Object.assign(o, { ok: false, value: e, doneS: sim.nowS }),
        ),
      );
    });
  while (await sim.stepOne()) {
    /* run */
  }
  await Promise.all(all);
  return { sim, svc, outcomes };
}

describe("service", () => {
  it("a call takes its latency and answers with the payload", async () => {
    const { outcomes, svc } = await callAt([0], { latency: 0.25 });
    expect(outcomes[0]).toEqual({ calledS: 0, doneS: 0.25, ok: true, value: { status: 200, service: "payments", payload: { n: 1 } } });
    expect([svc.calls, svc.succeeded, svc.failures, svc.rejected429]).toEqual([1, 1, 0, 0]);
  });

  it("fails with ConnectionError during an outage [fromS, toS), and records the failure in the trace", async () => {
    const { outcomes, svc, sim } = await callAt([0.5, 1, 1.999, 2], { latency: 0.1, outages: [{ fromS: 1, toS: 2 }] });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    const err = outcomes[1]!.value as Error;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.name).toBe("ConnectionError");
    expect(err.message).toBe("Service 'payments' unavailable (outage from 1 s to 2 s)");
    expect([svc.calls, svc.succeeded, svc.failures, svc.rejected429]).toEqual([4, 2, 2, 0]);
    const notes = sim.trace.slice().filter((e) => e.kind === "note");
    expect(notes.map((n) => n.atS)).toEqual([1.1, 1.999 + 0.1]);
    expect(notes[0]!.data).toMatchObject({ service: "payments", error: "ConnectionError", reason: "outage from 1 s to 2 s", latencyS: 0.1 });
    expect(svc.isDown(1.5)).toBe(true);
    expect(svc.isDown(2)).toBe(false);
  });

  it("answers 429 beyond its own rate limit: at most `limit` accepted calls in any window", async () => {
    // "3/s": three at 0 pass, the fourth gets 429 (retry after 1 s); at 0.5 still full (retry after
    // 0.5 s); at 1.0 the calls made at 0 have left the window (0 <= 1 - 1), so it passes.
    const { outcomes, svc } = await callAt([0, 0, 0, 0, 0.5, 1], { latency: 0.01, rateLimit: "3/s" });
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false, false, true]);
    const e4 = outcomes[3]!.value as HttpError;
    expect(e4).toBeInstanceOf(HttpError);
    expect(e4.status).toBe(429);
    expect(e4.name).toBe("HttpError");
    expect(e4.retryAfterS).toBe(1);
    expect((outcomes[4]!.value as HttpError).retryAfterS).toBe(0.5);
    expect([svc.calls, svc.succeeded, svc.failures, svc.rejected429]).toEqual([6, 4, 0, 2]);
  });

  it("fails with probability failureRate, from the seeded stream", async () => {
    const times = Array.from({ length: 2000 }, (_, i) => i * 0.01);
    const never = await callAt(times.slice(0, 50), { latency: 0, failureRate: 0 });
    expect(never.svc.failures).toBe(0);
    const always = await callAt(times.slice(0, 50), { latency: 0, failureRate: 1 });
    expect(always.svc.failures).toBe(50);
    const some = await callAt(times, { latency: 0, failureRate: 0.3 });
    expect(some.svc.failures / 2000).toBeGreaterThan(0.27);
    expect(some.svc.failures / 2000).toBeLessThan(0.33);
    const again = await callAt(times, { latency: 0, failureRate: 0.3 });
    expect(again.outcomes.map((o) => o.ok)).toEqual(some.outcomes.map((o) => o.ok));
    const otherSeed = await callAt(times, { latency: 0, failureRate: 0.3 }, 8);
    expect(otherSeed.outcomes.map((o) => o.ok)).not.toEqual(some.outcomes.map((o) => o.ok));
  });

  it("an outage does not reshuffle the draws of the calls around it", async () => {
    const times = Array.from({ length: 40 }, (_, i) => i * 0.5);
    const latency = { dist: "exponential", meanS: 0.2 } as const;
    const plain = await callAt(times, { latency, failureRate: 0.5 });
    const down = await callAt(times, { latency, failureRate: 0.5, outages: [{ fromS: 5, toS: 10 }] });
    for (let i = 0; i < times.length; i++) {
      expect(down.outcomes[i]!.doneS).toBe(plain.outcomes[i]!.doneS);
      const inOutage = times[i]! >= 5 && times[i]! < 10;
      expect(down.outcomes[i]!.ok).toBe(inOutage ? false : plain.outcomes[i]!.ok);
    }
  });

  it("draws latencies from each distribution", () => {
    const rng = new Rng(3, "t");
    const n = 4000;
    const mean = (f: () => number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += f();
      return s / n;
    };
    expect(drawLatencyS(rng, 0.3)).toBe(0.3);
    const u = Array.from({ length: n }, () => drawLatencyS(rng, { dist: "uniform", minS: 1, maxS: 2 }));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...u)).toBeLessThan(2);
    expect(u.reduce((a, b) => a + b) / n).toBeCloseTo(1.5, 1);
    expect(mean(() => drawLatencyS(rng, { dist: "exponential", meanS: 0.5 }))).toBeCloseTo(0.5, 1);
    expect(mean(() => drawLatencyS(rng, { dist: "normal", meanS: 2, sdS: 0.1 }))).toBeCloseTo(2, 1);
    // Clamped at 0: with mean 0, about half the draws are exactly 0.
    const zeros = Array.from({ length: n }, () => drawLatencyS(rng, { dist: "normal", meanS: 0, sdS: 1 })).filter((x) => x === 0).length;
    expect(zeros / n).toBeGreaterThan(0.45);
    expect(zeros / n).toBeLessThan(0.55);
  });

  it("parses rate limits and rejects bad options", () => {
    expect(parseServiceRate("10/s")).toEqual({ limit: 10, perS: 1 });
    expect(parseServiceRate("100/m")).toEqual({ limit: 100, perS: 60 });
    expect(parseServiceRate("5/h")).toEqual({ limit: 5, perS: 3600 });
    expect(parseServiceRate({ limit: 2, perS: 0.5 })).toEqual({ limit: 2, perS: 0.5 });
    expect(() => parseServiceRate("10 per second")).toThrow(RangeError);
    const sim = new Sim(1, host);
    expect(() => service(sim, "x", { failureRate: 1.5 })).toThrow(RangeError);
    expect(() => service(sim, "x", { latency: -1 })).toThrow(RangeError);
    expect(() => service(sim, "x", { latency: { dist: "uniform", minS: 2, maxS: 1 } })).toThrow(RangeError);
    expect(() => service(sim, "x", { outages: [{ fromS: 5, toS: 1 }] })).toThrow(RangeError);
  });
});
