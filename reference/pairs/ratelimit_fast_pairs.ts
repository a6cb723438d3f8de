// Simulator half of ratelimit_fast_pairs.py.
import { Celery, now } from "celery";
const app = new Celery("ratelimit_fast_pairs");
const seen: number[] = [];
export const limited = app.task({ name: "ref.limited", rateLimit: "5/s" }, function limited(_i: number) { seen.push(now()); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready(); // as the Python half's `with Worker(...)`
  const rs = Array.from({ length: 20 }, (_, i) => limited.delay(i));
  for (const r of rs) await r.get();
  const rel = [...seen].sort((a, b) => a - b).map((t) => t - seen[0]!);
  const gaps = rel.slice(1).map((t, i) => t - rel[i]!);
  const longs = gaps.filter((g) => g > 0.5).sort((a, b) => a - b);
  return { span_first_to_last_s: rel[19], paired_starts: gaps.filter((g) => g < 0.1).length, long_gap_median_s: longs[Math.floor(longs.length / 2)] };
}
