/**
 * A queueing check: an M/M/c system (Poisson arrivals, exponential service, one worker with c pool
 * slots, FIFO) whose mean wait in queue must match the Erlang C formula. Five seeds; the test asks
 * for the mean within 2 % and for the sampling error (95 % half-width across seeds) well below that.
 */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import { createSession } from "../engine/session";

function erlangCWaitS(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const top = (term * a) / c * (c / (c - a)); // a^c / c! · c / (c − a)
  const pWait = top / (sum + top);
  return pWait / (c * mu - lambda);
}

const C = 2;
const MU = 1;
const RHO = 0.5;
const LAMBDA = RHO * C * MU;
const N = 400_000;
const WARMUP = 5_000;

const scenario = `
import { Celery, sleep } from "celery";
const app = new Celery("mmc");
app.conf.update({ taskIgnoreResult: true, workerPrefetchMultiplier: 1 });
const job = app.task({ name: "job" }, async function job(s: number) { await sleep(s); });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: ${C} });
  for (let i = 0; i < ${N}; i++) {
    job.delay(-Math.log(1 - Math.random()) / ${MU});
    await sleep(-Math.log(1 - Math.random()) / ${LAMBDA});
  }
}`;

describe("M/M/c against Erlang C", () => {
  it(`c=${C}, rho=${RHO}: the mean wait in queue is within 2 % of Erlang C`, async () => {
    const expected = erlangCWaitS(C, LAMBDA, MU);
    expect(expected).toBeCloseTo(1 / 3, 12); // hand-worked: C(2, 1) = 1/3, Wq = C / (cμ − λ)
    const means: number[] = [];
    const code = await compile(scenario);
    for (const seed of [1, 2, 3, 4, 5]) {
      const session = await createSession(code, { seed, untilS: 1e9, host: nodeHost });
      await session.advance();
      expect(session.endReason).toBe("completed");
      // Read the task table directly: building a 400k-task report would cost more than the run.
      const recs = session.world.tasks.all.slice(WARMUP);
      let total = 0;
      for (const t of recs) total += t.startedAt! - t.sentAt!;
      means.push(total / recs.length);
    }
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (means.length - 1));
    const halfWidth95 = (2.776 * sd) / Math.sqrt(means.length); // t(0.975, 4)
    const detail = `seeds 1-5: means ${means.map((m) => m.toFixed(4)).join(", ")}; pooled ${mean.toFixed(4)}; Erlang C ${expected.toFixed(4)}; 95% half-width ${halfWidth95.toFixed(4)}`;
    expect(Math.abs(mean - expected) / expected, detail).toBeLessThan(0.02);
    expect(halfWidth95 / expected, detail).toBeLessThan(0.015);
  }, 240_000);
});
