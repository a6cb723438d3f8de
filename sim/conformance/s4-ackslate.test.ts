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

async function scenario(c: Case) {
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
}`);
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

  it("Redis, early ack, pool child killed: FAILURE WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: 0.') detected 4.0 s after the kill", async () => {
    const o = await scenario({ broker: "redis", acksLate: false, kill: "child" });
    expect(o.state).toBe("FAILURE");
    expect(o.outcome).toBe("WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 0.");
    expect(o.failedAt).toBe(4);
    expect(o.runs.length).toBe(1);
  });

  it("Redis, acks_late, pool child killed: FAILURE WorkerLostError after 4.0 s; acked, not redelivered", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, kill: "child" });
    expect(o.state).toBe("FAILURE");
    expect(o.failedAt).toBe(4);
    expect(o.runs.length).toBe(1);
    expect(o.r.session.world.broker.unacked.size).toBe(0);
  });

  it("Redis, acks_late + reject_on_worker_lost, pool child killed: re-executed (redelivered True), SUCCESS, no FAILURE stored", async () => {
    const o = await scenario({ broker: "redis", acksLate: true, rejectOnWorkerLost: true, kill: "child" });
    expect(o.runs.length).toBe(2);
    expect(o.runs[1]!.redelivered).toBe(true);
    // Measured: re-executed 4.95 s after the kill. The simulator models the 4.0 s detection and
    // re-runs at once; the ~0.95 s from the requeue to the re-run is a known gap (README, reference
    // pair acks_late_redis_child_killed_requeue), so this asserts the modelled part exactly.
    expect(o.runs[1]!.after).toBe(4);
    expect(o.state).toBe("SUCCESS");
    expect(o.r.trace.filter((e) => e.kind === "task-state" && (e.data as { state?: string })?.state === "FAILURE")).toEqual([]);
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
