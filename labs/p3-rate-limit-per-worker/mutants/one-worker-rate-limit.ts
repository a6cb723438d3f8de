// variant: the calls go to their own queue, consumed by one single-process worker with Celery's rateLimit (a per-worker limit is global when one worker consumes)
/**
 * Pitfall 3, an acceptable variant: one worker consumes the partner queue, with Celery's own rateLimit.
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("partner_sync", { broker: "redis" });


export const callPartnerApi = app.task(
  { bind: true, maxRetries: null, rateLimit: "9/s", queue: "partner" },
  async function call_partner_api(self, orderId: number) {
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
