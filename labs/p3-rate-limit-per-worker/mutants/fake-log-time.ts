// mistake: the per-worker rateLimit "10/s" is kept and only the log line changed, to print a made-up time spread ten a second: the partner is still called 24 times in the first second
// expect: print times that spread them out.*really made
/**
 * Pitfall 3: rateLimit is per worker.
 *
 * A partner API allows 10 calls per second in total. The task says rateLimit "10/s". Six workers
 * run it. How many calls per second does the partner see?
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("partner_sync", { broker: "redis" });

export const callPartnerApi = app.task(
  { bind: true, rateLimit: "10/s" },
  async function call_partner_api(self, orderId: number) {
    console.log(`→ partner API call #${orderId} at t=${(2 + orderId / 10).toFixed(3)}`);
    await sleep(0.02);
    return orderId;
  },
);

export default async function main() {
  for (let i = 1; i <= 6; i++) app.worker({ hostname: `w${i}`, concurrency: 2 });
  await sleep(2); // workers online

  const start = now();
  const results = Array.from({ length: 100 }, (_, i) => callPartnerApi.delay(i));
  for (const r of results) await r.get({ timeout: 120 });
  const durationS = now() - start;
  console.log(`100 calls in ${durationS.toFixed(1)} s`);
  return { durationS };
}
