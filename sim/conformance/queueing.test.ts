/**
 * A queueing check: an M/M/c system (Poisson arrivals, exponential service, one worker with c pool
 * slots, FIFO) whose mean wait in queue must match the Erlang C formula. Five seeds of 300k tasks;
 * the test asks for the mean within 2 % and for the sampling error (95 % half-width, batch means
 * with control variates) well below that, under 1 %. Ideal costs (no Celery overheads): the
 * formula knows no publish or dispatch cost.
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
const N = 300_000;
const WARMUP = 5_000;
/** Batches per seed for the batch-means error estimate (each far longer than the queue's memory). */
const BATCHES = 20;

const scenario = `
import { Celery, sleep } from "celery";
// Ideal costs: the queueing mechanics against a formula; Celery's own per-task costs would add to the wait.
const app = new Celery("mmc", { costs: "ideal" });
app.conf.update({ taskIgnoreResult: true, workerPrefetchMultiplier: 1 });
const job = app.task({ name: "job" }, async function job(s: number) { await sleep(s); });
export default async function main() {
  await app.worker({ hostname: "w1", concurrency: ${C} }).ready();
  for (let i = 0; i < ${N}; i++) {
    job.delay(-Math.log(1 - Math.random()) / ${MU});
    await sleep(-Math.log(1 - Math.random()) / ${LAMBDA});
  }
}`;

describe("M/M/c against Erlang C", () => {
  it(`c=${C}, rho=${RHO}: the mean wait in queue is within 2 % of Erlang C`, async () => {
    const expected = erlangCWaitS(C, LAMBDA, MU);
    expect(expected).toBeCloseTo(1 / 3, 12); // hand-worked: C(2, 1) = 1/3, Wq = C / (cμ − λ)
    // Per batch: mean wait W, mean service time S and mean gap between arrivals A. S and A have
    // known means (1/μ, 1/λ) and move with W, so they serve as control variates: the estimate is
    // W − b·(S − 1/μ) − c·(A − 1/λ), with b, c fitted by least squares over the batches. Same
    // expectation, far less variance than the raw mean (a textbook variance reduction).
    const rows: [number, number, number][] = [];
    const code = await compile(scenario);
    for (const seed of [1, 2, 3, 4, 5]) {
      const session = await createSession(code, { seed, untilS: 1e9, host: nodeHost });
      await session.advance();
      expect(session.endReason).toBe("completed");
      // Read the task table directly: building a 250k-task report would cost more than the run.
      const recs = session.world.tasks.all.slice(WARMUP);
      const size = Math.floor(recs.length / BATCHES);
      for (let b = 0; b < BATCHES; b++) {
        let w = 0;
        let sv = 0;
        for (let i = b * size; i < (b + 1) * size; i++) {
          w += recs[i]!.startedAt! - recs[i]!.sentAt!;
          sv += recs[i]!.args[0] as number;
        }
        const gaps = (recs[(b + 1) * size - 1]!.sentAt! - recs[b * size]!.sentAt!) / (size - 1);
        rows.push([w / size, sv / size, gaps]);
      }
    }
    const n = rows.length;
    const avg = (k: number) => rows.reduce((a, r) => a + r[k]!, 0) / n;
    const [mW, mS, mA] = [avg(0), avg(1), avg(2)];
    const cov = (i: number, j: number) => rows.reduce((a, r) => a + (r[i]! - [mW, mS, mA][i]!) * (r[j]! - [mW, mS, mA][j]!), 0) / (n - 1);
    // Solve [[vS, cSA], [cSA, vA]] · [b, c] = [cWS, cWA].
    const [vS, vA, cSA, cWS, cWA] = [cov(1, 1), cov(2, 2), cov(1, 2), cov(0, 1), cov(0, 2)];
    const det = vS * vA - cSA * cSA;
    const b = (cWS * vA - cWA * cSA) / det;
    const c = (vS * cWA - cSA * cWS) / det;
    const adjusted = rows.map((r) => r[0] - b * (r[1] - 1 / MU) - c * (r[2] - 1 / LAMBDA));
    const mean = adjusted.reduce((a, x) => a + x, 0) / n;
    const sd = Math.sqrt(adjusted.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 3));
    const halfWidth95 = (1.985 * sd) / Math.sqrt(n); // t(0.975, n − 3)
    const detail = `raw mean ${mW.toFixed(4)}; with control variates ${mean.toFixed(4)} ± ${halfWidth95.toFixed(4)} (95 %, ${n} batches of 5 seeds); Erlang C ${expected.toFixed(4)}`;
    console.log(detail);
    expect(Math.abs(mean - expected) / expected, detail).toBeLessThan(0.02);
    expect(Math.abs(mW - expected) / expected, detail).toBeLessThan(0.02);
    expect(halfWidth95 / expected, detail).toBeLessThan(0.01);
  }, 240_000);
});
