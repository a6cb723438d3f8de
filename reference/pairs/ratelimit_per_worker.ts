// Simulator half of ratelimit_per_worker.py.
import { Celery, now } from "celery";
const app = new Celery("ratelimit_per_worker");
const seen: { i: number; t: number }[] = [];
export const limited = app.task({ name: "ref.limited", rateLimit: "2/s" }, function limited(i: number) { seen.push({ i, t: now() }); return i; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  const rs = [0, 1, 2, 3, 4].map((i) => limited.delay(i));
  for (const r of rs) await r.get();
  return { order: seen.map((x) => x.i), span_first_to_last_s: seen[seen.length - 1]!.t - seen[0]!.t };
}
