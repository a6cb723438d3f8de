/**
 * FINDINGS §4: acks_late and worker death. The task sleeps 5 s with track_started, is killed ~1 s
 * after it started; worker c=1, prefetch multiplier 1; Redis visibility_timeout 10 s.
 */
import { describe, expect, it } from "vitest";
import { run as runProcesses } from "../testing/harness";

// These scenarios record hooks and calls in module-level spies read by main(): one module for every
// process (issue 17 gives each process its own; this keeps the spies visible to the test).
const run = (src: string, o: Parameters<typeof runProcesses>[1] = {}) => runProcesses(src, { ...o, oneProcess: true });

type Kill = "worker" | "child";
interface Case {
  broker: "redis" | "rabbitmq";
  acksLate: boolean;
  rejectOnWorkerLost?: boolean;
  kill: Kill;
  restartAfterS?: number;
  watchS?: number;
}

async function scenario(c: Case, seed?: number) {
  const r = await run(`
import { Celery, sleep, now } from "celery";
const app = new Celery("s4", { broker: "${c.broker}" });
app.conf.update({ taskAcksLate: ${c.acksLate}, taskRejectOnWorkerLost: ${!!c.rejectOnWorkerLost}, workerPrefetchMultiplier: 1,
  brokerTransportOptions: { visibilityTimeout: 10 } });
const runs: { at: number; redelivered: unknown }[] = [];
export const slow = app.task({ name: "s4.slow", bind: true, trackStarted: true }, async function slow(self: any) {
  runs.push({ at: now(), redelivered: self.request.deliveryInfo.redelivered });
  await sleep(5);
  return "done";
});
export default async function main() {
  const w = app.worker({ hostname: "w1", concurrency: 1 });
  const res = slow.delay();
  await sleep(1);
  const killedAt = now();
  ${c.kill === "worker" ? `w.kill(); await sleep(${c.restartAfterS ?? 0}); w.restart();` : `w.killChild();`}
  let outcome = "";
  try { outcome = String(await res.get({ timeout: ${c.watchS ?? 30} })); } catch (e: any) { outcome = e.name + ": " + e.message; }
  return { state: res.state, outcome, runs: runs.map((x) => ({ after: Math.round((x.at - killedAt) * 100) / 100, redelivered: x.redelivered })), failedAt: Math.round((now() - killedAt) * 100) / 100 };
}`, seed === undefined ? {} : { seed });
  return { ...(r.report.returned as { state: string; outcome: string; runs: { after: number; redelivered: unknown }[]; failedAt: number }), r };
}

/**
 * A new worker's start-up. FINDINGS §4 implies the restore ran 0.25-0.42 s after the new worker was
 * launched (12.3 s after a kill with a 12 s restart, 100.25 s with the ~100 s restore period, 0.42 s
 * on RabbitMQ); CALIBRATION M7 measured 0.57 s (Redis) and 0.64 s (RabbitMQ) from launch to the first
 * task at c=1, which the cost model follows (0.65 s). Times that include a start-up are compared with
 * FINDINGS within 0.45 s, the gap between those measurements.
 */
const STARTUP_SPREAD_S = 0.45;

describe("FINDINGS §4 acks_late and worker death", () => {
  it("Redis, early ack, whole worker killed: 1 execution, the task is lost and stays STARTED", async () => {
    const o = await scenario({ broker: "redis", acksLate: false, kill: "worker", watchS: 28 });
    expect(o.runs.length).toBe(1);
    expect(o.state).toBe("STARTED");
    expect(o.outcome).toMatch(/^TimeoutError/);
    expect(o.r.report.stats.lost).toBe(1);
    expect(o.r.task("s4.slow").lostReason).toMatch(/acknowledged before it ran/);
  });

  it("Redis, acks_late, worker restarted at once: not redelivered within 30 s; the message sits in unacked", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, kill: "worker", watchS: 30 });
    expect(o.runs.length).toBe(1);
    expect(o.state).toBe("STARTED");
    expect(o.r.session.world.broker.unacked.size).toBe(1);
    expect(o.r.report.stats.lost).toBe(0); // not lost: waiting to be restored
  });

  it("Redis, acks_late, worker restarted 12 s later: re-executed right at startup (age > visibility timeout), redelivered None, SUCCESS", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, kill: "worker", restartAfterS: 12 });
    expect(o.runs.length).toBe(2);
    expect(o.runs[1]!.redelivered).toBeNull();
    // Measured: 12.3 s after the kill, right at the new worker's start-up.
    expect(o.runs[1]!.after).toBeGreaterThan(12);
    expect(Math.abs(o.runs[1]!.after - 12.3)).toBeLessThanOrEqual(STARTUP_SPREAD_S);
    expect(o.state).toBe("SUCCESS");
  });

  it("Redis, acks_late, restarted at once, watched 130 s: re-executed ~100 s after the kill (kombu's restore check), SUCCESS", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, kill: "worker", watchS: 130 });
    expect(o.runs.length).toBe(2);
    // Measured: 100.25 s after the kill (~100 s after the new worker started).
    expect(Math.abs(o.runs[1]!.after - 100.25)).toBeLessThanOrEqual(STARTUP_SPREAD_S);
    expect(o.state).toBe("SUCCESS");
    // The trace explains the duplicate: the message was restored from unacked.
    expect(o.r.trace.some((e) => e.kind === "message-restored")).toBe(true);
  });

  it("Redis, acks_late + reject_on_worker_lost, whole worker killed: same as without (irrelevant when the parent dies)", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, rejectOnWorkerLost: true, kill: "worker", watchS: 30 });
    expect(o.runs.length).toBe(1);
    expect(o.state).toBe("STARTED");
  });

  // A killed child is acted on in one of two modes (sim/celery/execution.ts, measured by the reference
  // pair acks_late_redis_child_killed_requeue): 0.11–0.21 s after the kill, or 4.06–4.12 s (FINDINGS §4's
  // 4.0 s, one run). Each seed draws one; over 12 seeds both occur, and every value is in one of them.
  const FAST_S: [number, number] = [0.11, 0.22];
  const SLOW_S: [number, number] = [4.05, 4.12];
  const modeOf = (s: number) => (s >= FAST_S[0] && s <= FAST_S[1] ? "fast" : s >= SLOW_S[0] && s <= SLOW_S[1] ? "slow" : `neither (${s} s)`);
  async function overSeeds(c: Case, check: (o: Awaited<ReturnType<typeof scenario>>) => number): Promise<Set<string>> {
    const modes = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) modes.add(modeOf(check(await scenario(c, seed))));
    return modes;
  }

  it("Redis, early ack, pool child killed: FAILURE WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: 0.'), detected 0.11–0.22 s or ~4.1 s after the kill", async () => {
    const modes = await overSeeds({ broker: "redis", acksLate: false, kill: "child" }, (o) => {
      expect(o.state).toBe("FAILURE");
      expect(o.outcome).toBe("WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 0.");
      expect(o.runs.length).toBe(1);
      return o.failedAt;
    });
    expect([...modes].sort()).toEqual(["fast", "slow"]);
  });

  it("Redis, acks_late, pool child killed: FAILURE WorkerLostError in either mode; acked, not redelivered", async () => {
    const modes = await overSeeds({ broker: "redis", acksLate: true, kill: "child" }, (o) => {
      expect(o.state).toBe("FAILURE");
      expect(o.runs.length).toBe(1);
      expect(o.r.session.world.broker.unacked.size).toBe(0);
      return o.failedAt;
    });
    expect([...modes].sort()).toEqual(["fast", "slow"]);
  });

  it("Redis, acks_late + reject_on_worker_lost, pool child killed: re-executed (redelivered True) in either mode, SUCCESS, no FAILURE stored", async () => {
    // FINDINGS' one run re-ran 4.95 s after the kill (0.95 s after its 4.0 s detection); none of the
    // reference pair's 36 kills re-ran that late after either mode: the pair is followed.
    const modes = await overSeeds({ broker: "redis", acksLate: true, rejectOnWorkerLost: true, kill: "child" }, (o) => {
      expect(o.runs.length).toBe(2);
      expect(o.runs[1]!.redelivered).toBe(true);
      expect(o.state).toBe("SUCCESS");
      expect(o.r.trace.filter((e) => e.kind === "task-state" && (e.data as { state?: string })?.state === "FAILURE")).toEqual([]);
      return o.runs[1]!.after;
    });
    expect([...modes].sort()).toEqual(["fast", "slow"]);
  });

  it("RabbitMQ, early ack, whole worker killed: lost, STARTED forever", async () => {
    const o = await scenario({ broker: "rabbitmq", acksLate: false, kill: "worker" });
    expect(o.runs.length).toBe(1);
    expect(o.state).toBe("STARTED");
    expect(o.r.report.stats.lost).toBe(1);
  });

  it("RabbitMQ, acks_late, whole worker killed: redelivered to the new worker as soon as it consumes, redelivered True, SUCCESS", async () => {
    const o = await scenario({ broker: "rabbitmq", acksLate: true, kill: "worker" });
    expect(o.runs.length).toBe(2);
    expect(o.runs[1]!.redelivered).toBe(true);
    // Measured: 0.42 s after the kill, as soon as the new worker consumed.
    expect(Math.abs(o.runs[1]!.after - 0.42)).toBeLessThanOrEqual(STARTUP_SPREAD_S);
    expect(o.state).toBe("SUCCESS");
  });

  it("RabbitMQ, acks_late, pool child killed: FAILURE WorkerLostError after 0.05 s", async () => {
    const o = await scenario({ broker: "rabbitmq", acksLate: true, kill: "child" });
    expect(o.state).toBe("FAILURE");
    expect(o.failedAt).toBe(0.05);
  });

  it("RabbitMQ, acks_late + reject_on_worker_lost, pool child killed: re-executed ~0.06 s after the kill, redelivered True, SUCCESS", async () => {
    const o = await scenario({ broker: "rabbitmq", acksLate: true, rejectOnWorkerLost: true, kill: "child" });
    expect(o.runs.length).toBe(2);
    expect(o.runs[1]!.redelivered).toBe(true);
    // measured: re-executed 0.06 s after the kill (times recorded to 0.01 s)
    expect(Math.abs(o.runs[1]!.after - 0.06)).toBeLessThanOrEqual(0.01);
    expect(o.state).toBe("SUCCESS");
  });
});
