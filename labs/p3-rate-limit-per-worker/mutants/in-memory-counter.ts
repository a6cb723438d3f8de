// mistake: a module-level counter instead of Redis — each worker process (each pool child) counts only its own calls.
// expect: module-level variable .*(per process|lives in one process)
/**
 * Pitfall 3, a wrong solution kept for the tests: the reference solution's fixed window, counted in
 * a module-level Map instead of Redis. In one process it would work; on 6 workers × 2 children
 * every child has its own Map, so the cluster makes up to 12 × 10 calls a second.
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("partner_sync", { broker: "redis" });

const LIMIT_PER_S = 10;
const calls = new Map<string, number>();

/** null when the call may go ahead now, else the seconds until the next window. */
async function acquirePartnerSlot(): Promise<number | null> {
  const window = Math.floor(now());
  const key = `partner_api:${window}`;
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n <= LIMIT_PER_S ? null : window + 1 - now();
}

export const callPartnerApi = app.task(
  { bind: true, maxRetries: null },
  async function call_partner_api(self, orderId: number) {
    const askedAt = now();
    const wait = await acquirePartnerSlot();
    if (wait !== null) throw self.retry({ countdown: wait + Math.random() * 0.2 });
    console.log(`→ partner API call #${orderId} at t=${askedAt.toFixed(3)}`);
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
