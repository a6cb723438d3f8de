// Simulator half of ratelimit_prefetch_1.py.
import { Celery, now } from "celery";
const app = new Celery("ratelimit_prefetch_1", { workerPrefetchMultiplier: 1 });
const seen: { t: number; host: string }[] = [];
export const limited = app.task({ name: "ref.limited", rateLimit: "5/s" }, function limited(_i: number) { seen.push({ t: now(), host: "" }); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready(); // as the Python half's `with Worker(...)`
  const rs = Array.from({ length: 20 }, (_, i) => limited.delay(i));
  for (const r of rs) await r.get();
  const ts = seen.map((x) => x.t).sort((a, b) => a - b);
  const rel = ts.map((t) => t - ts[0]!);
  const gaps = rel.slice(1).map((t, i) => t - rel[i]!);
  return { span_first_to_last_s: rel[19], paired_starts: gaps.filter((g) => g < 0.1).length };
}
