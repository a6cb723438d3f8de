import { describe, expect, it } from "vitest";
import { Sim } from "../../engine/sim";
import { CircuitOpenError, ConnectionError } from "../errors";
import { service } from "../service";
import { CircuitBreaker } from "./circuit-breaker";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

/** A breaker on a hand-driven clock, and calls that succeed or fail at once. */
function breaker(failureThreshold = 3, resetTimeoutS = 30) {
  const clock = { nowS: 0 };
  const cb = new CircuitBreaker({ failureThreshold, resetTimeoutS, clock });
  let made = 0;
  const ok = (t: number) => {
    clock.nowS = t;
    return cb.call(() => (made++, "fine"));
  };
  const fail = (t: number) => {
    clock.nowS = t;
    return cb.call(() => {
      made++;
      throw new ConnectionError("API unavailable");
    });
  };
  return { cb, clock, ok, fail, made: () => made };
}

const settle = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: true, v }),
    (e: Error) => ({ ok: false, v: e.name }),
  );

describe("CircuitBreaker", () => {
  it("opens after failureThreshold consecutive failures and refuses calls without making them", async () => {
    const { cb, ok, fail, made } = breaker();
    expect(await settle(fail(0))).toEqual({ ok: false, v: "ConnectionError" });
    expect(await settle(fail(1))).toEqual({ ok: false, v: "ConnectionError" });
    expect(cb.state).toBe("CLOSED");
    expect(cb.failures).toBe(2);
    await settle(fail(2));
    expect(cb.state).toBe("OPEN");
    expect(made()).toBe(3);
    const refused = await ok(10).catch((e) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused.message).toBe("Circuit breaker is OPEN");
    expect(refused.retryAfterS).toBe(22); // opened at 2, reset timeout 30
    expect(made()).toBe(3);
    expect(cb.rejected).toBe(1);
  });

  it("a success resets the count of consecutive failures", async () => {
    const { cb, ok, fail } = breaker();
    await settle(fail(0));
    await settle(fail(1));
    await ok(2);
    await settle(fail(3));
    await settle(fail(4));
    expect(cb.state).toBe("CLOSED");
    expect(cb.failures).toBe(2);
  });

  it("after the reset timeout one trial call goes through; its success closes the circuit", async () => {
    const { cb, ok, fail, made } = breaker();
    for (const t of [0, 1, 2]) await settle(fail(t));
    expect(await settle(ok(31.999))).toEqual({ ok: false, v: "CircuitOpenError" });
    expect(await ok(32)).toBe("fine"); // exactly resetTimeoutS after the last failure
    expect(cb.state).toBe("CLOSED");
    expect(cb.failures).toBe(0);
    expect(made()).toBe(4);
    expect(cb.transitions).toEqual([
      { atS: 2, from: "CLOSED", to: "OPEN", reason: "3 consecutive failures (threshold 3)" },
      { atS: 32, from: "OPEN", to: "HALF_OPEN", reason: "reset timeout of 30 s passed since the last failure" },
      { atS: 32, from: "HALF_OPEN", to: "CLOSED", reason: "trial call succeeded" },
    ]);
  });

  it("a failed trial opens the circuit again, for a fresh timeout from that failure", async () => {
    const { cb, ok, fail } = breaker();
    for (const t of [0, 1, 2]) await settle(fail(t));
    await settle(fail(40));
    expect(cb.state).toBe("OPEN");
    expect(cb.transitions.map((t) => [t.atS, t.to])).toEqual([
      [2, "OPEN"],
      [40, "HALF_OPEN"],
      [40, "OPEN"],
    ]);
    expect(await settle(ok(69.9))).toEqual({ ok: false, v: "CircuitOpenError" });
    expect(await ok(70)).toBe("fine");
    expect(cb.state).toBe("CLOSED");
  });

  it("refuses other calls while the trial is in flight", async () => {
    const { cb, clock, ok, fail } = breaker();
    for (const t of [0, 1, 2]) await settle(fail(t));
    clock.nowS = 40;
    let finish!: (v: string) => void;
    const trial = cb.call(() => new Promise<string>((r) => (finish = r)));
    expect(cb.state).toBe("HALF_OPEN");
    expect(await settle(ok(41))).toEqual({ ok: false, v: "CircuitOpenError" });
    clock.nowS = 42;
    finish("trial ok");
    expect(await trial).toBe("trial ok");
    expect(cb.state).toBe("CLOSED");
    expect(cb.transitions.at(-1)).toEqual({ atS: 42, from: "HALF_OPEN", to: "CLOSED", reason: "trial call succeeded" });
    expect(await ok(43)).toBe("fine");
  });

  it("a trial that never ends is given up after resetTimeoutS; a late end of it decides nothing", async () => {
    const { cb, clock, fail } = breaker();
    for (const t of [0, 1, 2]) await settle(fail(t));
    clock.nowS = 40;
    let finishLost!: (v: string) => void;
    const lost = cb.call(() => new Promise<string>((r) => (finishLost = r)));
    expect(await settle(fail(69.9))).toEqual({ ok: false, v: "CircuitOpenError" });
    await settle(fail(70)); // the new trial, failing: open again
    expect(cb.state).toBe("OPEN");
    finishLost("too late");
    await lost;
    expect(cb.state).toBe("OPEN");
  });

  it("errors that isFailure excludes pass through without counting", async () => {
    const clock = { nowS: 0 };
    const cb = new CircuitBreaker({ failureThreshold: 1, clock, isFailure: (e) => !(e instanceof RangeError) });
    await expect(
      cb.call(() => {
        throw new RangeError("bad input");
      }),
    ).rejects.toThrow("bad input");
    expect(cb.state).toBe("CLOSED");
    expect(cb.failures).toBe(0);
  });

  it("protects a service through an outage, on the simulated clock", async () => {
    // Outage [0, 10), latency 0.1, threshold 3, reset 5; one call per second at t = 0..16.
    // Calls at 0, 1, 2 fail (seen at 0.1, 1.1, 2.1): OPEN at 2.1. 3..7 refused (7 - 2.1 < 5).
    // 8: trial, fails at 8.1: OPEN. 9..13 refused. 14: trial, succeeds at 14.1: CLOSED. 15, 16 pass.
    const sim = new Sim(5, host);
    const api = service(sim, "api", { latency: 0.1, outages: [{ fromS: 0, toS: 10 }] });
    const cb = new CircuitBreaker({ failureThreshold: 3, resetTimeoutS: 5, clock: sim });
    const outcomes: string[] = [];
    const all: Promise<unknown>[] = [];
    for (let t = 0; t <= 16; t++)
      sim.sched.schedule(t, () => {
        all.push(settle(cb.call(() => api.call())).then((r) => (outcomes[t] = r.ok ? "ok" : String(r.v))));
      });
    while (await sim.stepOne()) {
      /* run */
    }
    await Promise.all(all);
    const R = "CircuitOpenError";
    const C = "ConnectionError";
    expect(outcomes).toEqual([C, C, C, R, R, R, R, R, C, R, R, R, R, R, "ok", "ok", "ok"]);
    expect(api.calls).toBe(7);
    expect(cb.rejected).toBe(10);
    expect(cb.transitions.map((t) => [t.atS, t.from, t.to])).toEqual([
      [2.1, "CLOSED", "OPEN"],
      [8, "OPEN", "HALF_OPEN"],
      [8.1, "HALF_OPEN", "OPEN"],
      [14, "OPEN", "HALF_OPEN"],
      [14.1, "HALF_OPEN", "CLOSED"],
    ]);
  });
});
