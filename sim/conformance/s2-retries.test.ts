/** FINDINGS §2: retries, countdowns, backoff, max_retries (worker c=4). */
import { describe, expect, it } from "vitest";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

const HEAD = `
import { Celery, sleep, now, ValueError, KeyError, RuntimeError, ConnectionError } from "celery";
const app = new Celery("s2", { broker: "redis" });
export const starts: Record<string, [number, number][]> = {};
function mark(name: string, retries: number) { (starts[name] ??= []).push([retries, now()]); }
`;

async function retryCase(task: string, call: string, seed = 1) {
  const r = await run(`${HEAD}
${task}
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 4 }).ready();
  const res = ${call};
  let raised: string | null = null;
  let value: unknown = null;
  try { value = await res.get({ timeout: 120 }); } catch (e: any) { raised = e.name + ": " + e.message; }
  const s = Object.values(starts)[0]!;
  return { state: res.state, raised, value, retries: s.map((x) => x[0]), gaps: s.slice(1).map((x, i) => x[1] - s[i]![1]) };
}`, { seed });
  return r.report.returned as { state: string; raised: string | null; value: unknown; retries: number[]; gaps: number[] };
}

/**
 * A retry's ETA job reaches the pool child at the worker loop's next wake (event-loop.ts): on a worker
 * with nothing else to do, the BRPOP re-armed by the retry's own message. So a gap is the countdown
 * plus at most, for whole-second countdowns, the lag measured on an idle Redis worker
 * (eta_countdown_start: 0.053-0.138 s, + its 0.05 tolerance); for a sub-second one, the rest of
 * that BRPOP's second, a cron tick (0.1005 s) and the retry's own publish (~0.04 s).
 */
function expectGaps(gaps: number[], countdowns: number[]): void {
  expect(gaps, `gaps ${gaps.join(", ")} for countdowns ${countdowns.join(", ")}`).toHaveLength(countdowns.length);
  gaps.forEach((g, i) => {
    const countdown = countdowns[i]!;
    const maxLagS = countdown >= 1 ? 0.138 + 0.05 : 1.001 + 0.1005 + 0.04 - countdown;
    expect(g, `gap ${i + 1}: ${g} for a countdown of ${countdown}`).toBeGreaterThan(countdown);
    expect(g, `gap ${i + 1}: ${g} for a countdown of ${countdown}`).toBeLessThan(countdown + maxLagS);
  });
}

describe("FINDINGS §2 retries", () => {
  it("max_retries=3, default_retry_delay=1, retry(exc=ValueError): 4 executions, retries 0..3, FAILURE with the original ValueError, gaps of 1 s", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.fail", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function f(self: any) {
  mark("f", self.request.retries);
  throw self.retry({ exc: new ValueError("always") });
});`, "f.delay()");
    const { gaps, ...rest } = out;
    expect(rest).toEqual({ state: "FAILURE", raised: "ValueError: always", value: null, retries: [0, 1, 2, 3] });
    expectGaps(gaps, [1, 1, 1]);
  });

  it("bare retry() past max_retries: MaxRetriesExceededError \"Can't retry s2.fail_noexc[<id>] args:() kwargs:{}\"", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.fail_noexc", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function f(self: any) {
  mark("f", self.request.retries);
  throw self.retry();
});`, "f.delay()");
    expect(out.state).toBe("FAILURE");
    expect(out.retries).toEqual([0, 1, 2, 3]);
    expect(out.raised).toMatch(/^MaxRetriesExceededError: Can't retry s2\.fail_noexc\[[0-9a-f-]{36}\] args:\(\) kwargs:\{\}$/);
  });

  it("catch KeyError and retry(exc=exc): FAILURE with KeyError after 4 executions", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.keyerr", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function f(self: any) {
  mark("f", self.request.retries);
  try { throw new KeyError("k"); } catch (exc) { throw self.retry({ exc }); }
});`, "f.delay()");
    expect(out.state).toBe("FAILURE");
    expect(out.raised).toBe("KeyError: k");
    expect(out.retries).toEqual([0, 1, 2, 3]);
  });

  it("autoretry_for=(ConnectionError,), retry_backoff=True, retry_backoff_max=4, retry_jitter=False, max_retries=4: countdowns 1, 2, 4, 4", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.backoff", bind: true, autoretryFor: [ConnectionError], retryBackoff: true, retryBackoffMax: 4, retryJitter: false, maxRetries: 4 },
  function f(self: any) { mark("f", self.request.retries); throw new ConnectionError("down"); });`, "f.delay()");
    const { gaps, ...rest } = out;
    expect(rest).toEqual({ state: "FAILURE", raised: "ConnectionError: down", value: null, retries: [0, 1, 2, 3, 4] });
    expectGaps(gaps, [1, 2, 4, 4]);
  });

  it("retry_jitter=True (the default) draws each countdown from [0, backoff] with the seeded stream", async () => {
    // Celery: countdown = random.randrange(backoff + 1), an integer from 0 to the backoff, each equally
    // likely. Over 24 seeds every gap stays in range, and the draws cover the range: without jitter
    // every run would give exactly the caps 1, 2, 4, 8.
    const caps = [1, 2, 4, 8];
    const drawn = caps.map(() => new Set<number>());
    for (let seed = 1; seed <= 24; seed++) {
      const out = await retryCase(`
export const f = app.task({ name: "s2.jitter", bind: true, autoretryFor: [ConnectionError], retryBackoff: true, retryBackoffMax: 8, maxRetries: 4 },
  function f(self: any) { mark("f", self.request.retries); throw new ConnectionError("down"); });`, "f.delay()", seed);
      expect(out.gaps).toHaveLength(4);
      out.gaps.forEach((g, i) => {
        // A whole countdown plus the idle worker's lag (as expectGaps); countdown 0 is not held.
        const countdown = Math.floor(g);
        expect(g - countdown).toBeLessThan(0.138 + 0.05);
        expect(countdown).toBeLessThanOrEqual(caps[i]!);
        drawn[i]!.add(countdown);
      });
    }
    expect([...drawn[0]!].sort()).toEqual([0, 1]);
    expect([...drawn[1]!].sort()).toEqual([0, 1, 2]);
    expect(drawn[3]!.size).toBeGreaterThanOrEqual(5);
  });

  it("autoretry_for + retry_kwargs={max_retries: 2, countdown: 0.5}: 3 executions 0.5 s apart", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.kw", bind: true, autoretryFor: [ConnectionError], retryKwargs: { maxRetries: 2, countdown: 0.5 } },
  function f(self: any) { mark("f", self.request.retries); throw new ConnectionError("down"); });`, "f.delay()");
    const { gaps, ...rest } = out;
    expect(rest).toEqual({ state: "FAILURE", raised: "ConnectionError: down", value: null, retries: [0, 1, 2] });
    expectGaps(gaps, [0.5, 0.5]);
  });

  it("explicit countdown=2**retries, max_retries=3: gaps 1, 2, 4; FAILURE RuntimeError", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.exp", bind: true, maxRetries: 3 }, function f(self: any) {
  mark("f", self.request.retries);
  throw self.retry({ exc: new RuntimeError("x"), countdown: 2 ** self.request.retries });
});`, "f.delay()");
    const { gaps, ...rest } = out;
    expect(rest).toEqual({ state: "FAILURE", raised: "RuntimeError: x", value: null, retries: [0, 1, 2, 3] });
    expectGaps(gaps, [1, 2, 4]);
  });

  it("max_retries=None, countdown=0.2, succeed at retries == 8: 9 executions, SUCCESS", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.forever", bind: true, maxRetries: null }, function f(self: any) {
  mark("f", self.request.retries);
  if (self.request.retries < 8) throw self.retry({ countdown: 0.2 });
  return "ok";
});`, "f.delay()");
    expect(out.state).toBe("SUCCESS");
    expect(out.retries).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expectGaps(out.gaps, Array(8).fill(0.2));
  });

  it("an exception not in autoretry_for: 1 execution, FAILURE ValueError", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.other", bind: true, autoretryFor: [ConnectionError] }, function f(self: any) {
  mark("f", self.request.retries); throw new ValueError("not retried");
});`, "f.delay()");
    const { gaps, ...rest } = out;
    expect(rest).toEqual({ state: "FAILURE", raised: "ValueError: not retried", value: null, retries: [0] });
    expectGaps(gaps, []);
  });

  it("each retry publishes a new message (task-sent) with eta set and retries incremented; state between attempts is RETRY", async () => {
    const r = await run(`${HEAD}
export const f = app.task({ name: "s2.once", bind: true }, function f(self: any) {
  if (self.request.retries === 0) throw self.retry({ countdown: 1 });
  return 1;
});
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 4 }).ready();
  const res = f.delay();
  await sleep(0.5);
  const mid = res.state;
  await res.get();
  return mid;
}`);
    expect(r.report.returned).toBe("RETRY");
    const sent = r.report.events.filter((e) => e.type === "task-sent");
    expect(sent.map((e) => e.retries)).toEqual([0, 1]);
    expect(sent[0]!.eta).toBeNull();
    // The retry's ETA is absolute: 1 s after the retry was sent. (Real Celery's task-sent comes after the
    // child's publish, 4-19 ms later, FINDINGS §2; the simulator publishes at the call and counts that
    // time only where it matters, when the worker's BRPOP goes out again: App._publishRetry.)
    expect((sent[1]!.eta as number) - sent[1]!.timestamp).toBeCloseTo(1, 9);
    const received = r.report.events.filter((e) => e.type === "task-received");
    expect(received.map((e) => e.retries)).toEqual([0, 1]);
  });
  it("the eight cases at once on one worker (c=4), as FINDINGS ran them: the others' traffic wakes the loop, so the busy cases' gaps are the countdown plus a few ms", async () => {
    const r = await run(`${HEAD}
export const a = app.task({ name: "s2.fail_exc", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function (self: any) { mark("fail_exc", self.request.retries); throw self.retry({ exc: new ValueError("always fails") }); });
export const b = app.task({ name: "s2.fail_noexc", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function (self: any) { mark("fail_noexc", self.request.retries); throw self.retry(); });
export const c = app.task({ name: "s2.fail_catch", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function (self: any) { mark("fail_catch", self.request.retries); try { throw new KeyError("inner"); } catch (exc) { throw self.retry({ exc }); } });
export const d = app.task({ name: "s2.auto", bind: true, autoretryFor: [ConnectionError], retryBackoff: true, retryBackoffMax: 4, retryJitter: false, maxRetries: 4 }, function (self: any) { mark("auto", self.request.retries); throw new ConnectionError("x"); });
export const e = app.task({ name: "s2.auto_default", bind: true, autoretryFor: [ConnectionError], retryKwargs: { maxRetries: 2, countdown: 0.5 } }, function (self: any) { mark("auto_default", self.request.retries); throw new ConnectionError("x"); });
export const f = app.task({ name: "s2.pow2", bind: true, maxRetries: 3 }, function (self: any) { mark("pow2", self.request.retries); throw self.retry({ exc: new RuntimeError("pow2"), countdown: 2 ** self.request.retries }); });
export const g = app.task({ name: "s2.unbounded", bind: true, maxRetries: null }, function (self: any) { mark("unbounded", self.request.retries); if (self.request.retries < 8) throw self.retry({ exc: new RuntimeError("again"), countdown: 0.2 }); return "ok"; });
export const h = app.task({ name: "s2.not_autoretried", bind: true, autoretryFor: [ConnectionError], maxRetries: 3 }, function (self: any) { mark("not_autoretried", self.request.retries); throw new ValueError("no"); });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: 4 }).ready();
  const rs = [a, b, c, d, e, f, g, h].map((t) => t.delay());
  for (const r of rs) { try { await r.get({ timeout: 40 }); } catch {} }
  return Object.fromEntries(Object.entries(starts).map(([k, s]) => [k, { retries: s.map((x) => x[0]), gaps: s.slice(1).map((x, i) => x[1] - s[i]![1]) }]));
}`);
    const out = r.report.returned as Record<string, { retries: number[]; gaps: number[] }>;
    const countdowns: Record<string, number[]> = {
      fail_exc: [1, 1, 1], fail_noexc: [1, 1, 1], fail_catch: [1, 1, 1], auto: [1, 2, 4, 4], auto_default: [0.5, 0.5],
      pow2: [1, 2, 4], unbounded: Array(8).fill(0.2), not_autoretried: [],
    };
    for (const [name, cds] of Object.entries(countdowns)) {
      expect(out[name]!.retries, name).toEqual(cds.length ? [0, ...cds.map((_, i) => i + 1)] : [0]);
      out[name]!.gaps.forEach((g, i) => {
        // Never early; at most the largest lag of that run (0.797 s, the 0.2 s case) + 0.05.
        expect(g, `${name} gap ${i + 1}`).toBeGreaterThan(cds[i]!);
        expect(g, `${name} gap ${i + 1}`).toBeLessThan(cds[i]! + 0.797 + 0.05);
      });
    }
    // While the others still run, the loop wakes at once: 1.007/1.006/0.503 s measured (≤ 7 ms late).
    for (const name of ["fail_exc", "fail_noexc", "auto_default"]) expect(out[name]!.gaps[0]! - countdowns[name]![0]!, name).toBeLessThan(0.007 + 0.003);
  });
});
