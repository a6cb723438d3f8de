// mistake: the calls go to a queue one single-process worker consumes, limited by Celery's own rateLimit "9/s": under the limit, but with 100 calls waiting its bucket timers pile up and it runs at about 1.7 calls a second (60 s, measured on Celery 5.2)
// expect: the calls took .* s.*rateLimit
/**
 * Pitfall 3, a wrong solution kept for the tests: one worker consumes the partner queue, with Celery's
 * own rateLimit. The limit holds, but Celery's bucket releases a waiting task through a timer of the
 * worker's event loop, one timer per refusal; with 100 tasks queued the timers pile up past
 * fire_timers' ten a turn and poll sleeps a second between releases. Real Celery 5.2.6 took 60.5 s for
 * these 100 calls; the simulator 61 s (sim/celery/event-loop.ts).
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
