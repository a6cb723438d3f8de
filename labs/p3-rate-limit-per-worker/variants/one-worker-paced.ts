// variant: the calls go to their own queue, consumed by one single-process worker that spaces them itself (one process makes every call, so a module-level clock of the last call is the cluster's)
/**
 * Pitfall 3, an acceptable variant: one worker with one process consumes the partner queue, so its
 * module is the only caller, and it waits until 0.105 s have passed since the previous call: at most
 * ten calls in any one-second window, 100 calls in about 11 s. (Celery's own rateLimit on that worker
 * would also hold the limit, but with 100 calls waiting it runs far below its rate: see the mutant
 * one-worker-rate-limit.ts.)
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("partner_sync", { broker: "redis" });

/** A little over 1/10 s: ten calls never fit in one second, even with rounding. */
const SPACING_S = 0.105;
let lastCallS = -Infinity;

export const callPartnerApi = app.task(
  { bind: true, queue: "partner" },
  async function call_partner_api(self, orderId: number) {
    const waitS = lastCallS + SPACING_S - now();
    if (waitS > 0) await sleep(waitS);
    lastCallS = now();
    const askedAt = now();
    console.log(`→ partner API call #${orderId} at t=${askedAt.toFixed(3)}`);
    await sleep(0.02);
    return orderId;
  },
);

export default async function main() {
  for (let i = 1; i <= 5; i++) app.worker({ hostname: `w${i}`, concurrency: 2 });
  app.worker({ hostname: "partner", concurrency: 1, queues: ["partner"] });
  await sleep(2); // workers online

  const start = now();
  const results = Array.from({ length: 100 }, (_, i) => callPartnerApi.delay(i));
  for (const r of results) await r.get({ timeout: 120 });
  const durationS = now() - start;
  console.log(`100 calls in ${durationS.toFixed(1)} s`);
  return { durationS };
}
