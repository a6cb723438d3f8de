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
  app.worker({ hostname: "w1", concurrency: 4 });
  const res = ${call};
  let raised: string | null = null;
  let value: unknown = null;
  try { value = await res.get({ timeout: 120 }); } catch (e: any) { raised = e.name + ": " + e.message; }
  const s = Object.values(starts)[0]!;
  return { state: res.state, raised, value, retries: s.map((x) => x[0]), gaps: s.slice(1).map((x, i) => Math.round((x[1] - s[i]![1]) * 1000) / 1000) };
}`, { seed });
  return r.report.returned as { state: string; raised: string | null; value: unknown; retries: number[]; gaps: number[] };
}

describe("FINDINGS §2 retries", () => {
  it("max_retries=3, default_retry_delay=1, retry(exc=ValueError): 4 executions, retries 0..3, FAILURE with the original ValueError, gaps of 1 s", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.fail", bind: true, maxRetries: 3, defaultRetryDelay: 1 }, function f(self: any) {
  mark("f", self.request.retries);
  throw self.retry({ exc: new ValueError("always") });
});`, "f.delay()");
    expect(out).toEqual({ state: "FAILURE", raised: "ValueError: always", value: null, retries: [0, 1, 2, 3], gaps: [1, 1, 1] });
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
    expect(out).toEqual({ state: "FAILURE", raised: "ConnectionError: down", value: null, retries: [0, 1, 2, 3, 4], gaps: [1, 2, 4, 4] });
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
        expect(Number.isInteger(g)).toBe(true);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(caps[i]!);
        drawn[i]!.add(g);
      });
    }
    expect([...drawn[0]!].sort()).toEqual([0, 1]);
    expect([...drawn[1]!].sort()).toEqual([0, 1, 2]);
    expect(drawn[3]!.size).toBeGreaterThanOrEqual(5);
  });

  it("autoretry_for + retry_kwargs={max_retries: 2, countdown: 0.5}: 3 executions, gaps of 0.5–1.0 s (measured 0.503, 0.505; 1.0 in s1)", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.kw", bind: true, autoretryFor: [ConnectionError], retryKwargs: { maxRetries: 2, countdown: 0.5 } },
  function f(self: any) { mark("f", self.request.retries); throw new ConnectionError("down"); });`, "f.delay()");
    // Measured gaps 0.503 and 0.505 here, 1.0 s for a 0.5 s countdown in s1: a timer-released job waits
    // for the worker's event loop to wake (sim/celery/event-loop.ts), so a gap is within [0.5, 1.0].
    expect({ ...out, gaps: [] }).toEqual({ state: "FAILURE", raised: "ConnectionError: down", value: null, retries: [0, 1, 2], gaps: [] });
    for (const g of out.gaps) expect(g >= 0.5 - 1e-9 && g <= 1.0 + 1e-9, `gap ${g}`).toBe(true);
  });

  it("explicit countdown=2**retries, max_retries=3: gaps 1, 2, 4; FAILURE RuntimeError", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.exp", bind: true, maxRetries: 3 }, function f(self: any) {
  mark("f", self.request.retries);
  throw self.retry({ exc: new RuntimeError("x"), countdown: 2 ** self.request.retries });
});`, "f.delay()");
    expect(out).toEqual({ state: "FAILURE", raised: "RuntimeError: x", value: null, retries: [0, 1, 2, 3], gaps: [1, 2, 4] });
  });

  it("max_retries=None, countdown=0.2, succeed at retries == 8: 9 executions, SUCCESS, gaps of 0.2–1.0 s", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.forever", bind: true, maxRetries: null }, function f(self: any) {
  mark("f", self.request.retries);
  if (self.request.retries < 8) throw self.retry({ countdown: 0.2 });
  return "ok";
});`, "f.delay()");
    expect(out.state).toBe("SUCCESS");
    expect(out.retries).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Measured gaps 0.50, 0.48, 0.97, 0.20, 0.84, 0.20, 0.76, 1.00: the ETA is exact, the start waits
    // for the event loop's next wake (sim/celery/event-loop.ts).
    expect(out.gaps).toHaveLength(8);
    for (const g of out.gaps) expect(g >= 0.2 - 1e-9 && g <= 1.0 + 1e-9, `gap ${g}`).toBe(true);
  });

  it("an exception not in autoretry_for: 1 execution, FAILURE ValueError", async () => {
    const out = await retryCase(`
export const f = app.task({ name: "s2.other", bind: true, autoretryFor: [ConnectionError] }, function f(self: any) {
  mark("f", self.request.retries); throw new ValueError("not retried");
});`, "f.delay()");
    expect(out).toEqual({ state: "FAILURE", raised: "ValueError: not retried", value: null, retries: [0], gaps: [] });
  });

  it("each retry publishes a new message (task-sent) with eta set and retries incremented; state between attempts is RETRY", async () => {
    const r = await run(`${HEAD}
export const f = app.task({ name: "s2.once", bind: true }, function f(self: any) {
  if (self.request.retries === 0) throw self.retry({ countdown: 1 });
  return 1;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  const res = f.delay();
  await sleep(0.5);
  const mid = res.state;
  await res.get();
  return mid;
}`);
    expect(r.report.returned).toBe("RETRY");
    const sent = r.report.events.filter((e) => e.type === "task-sent");
    expect(sent.map((e) => [e.retries, e.eta])).toEqual([[0, null], [1, 1]]);
    const received = r.report.events.filter((e) => e.type === "task-received");
    expect(received.map((e) => e.retries)).toEqual([0, 1]);
  });
});
