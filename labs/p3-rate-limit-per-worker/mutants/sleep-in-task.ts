// mistake: a refused call waits inside the task (await sleep() in a loop until the limiter says yes) instead of retrying at the next window: the limit holds, but every worker slot sits idle waiting
// expect: held its worker slot .* waiting .*inside the task
/**
 * Pitfall 3: rateLimit is per worker (a refused call sleeps in the task until the limiter says yes).
 *
 * A limit shared by all workers lives in Redis: a fixed one-second window counted with INCR.
 */
import { Celery, sleep, now, redis } from "celery";

const app = new Celery("partner_sync", { broker: "redis" });

const LIMIT_PER_S = 10;

/** null when the call may go ahead now, else the seconds until the next window. */
async function acquirePartnerSlot(): Promise<number | null> {
  const window = Math.floor(now());
  const key = `partner_api:${window}`;
  const n = await redis.incr(key);
  if (n === 1) await redis.expire(key, 2);
  return n <= LIMIT_PER_S ? null : window + 1 - now();
}

export const callPartnerApi = app.task(
  { bind: true, maxRetries: null },
  async function call_partner_api(self, orderId: number) {
    const wait = await acquirePartnerSlot();
    for (let w = wait; w !== null; w = await acquirePartnerSlot()) await sleep(w + Math.random() * 0.2);
    console.log(`→ partner API call #${orderId} at t=${now().toFixed(3)}`);
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
