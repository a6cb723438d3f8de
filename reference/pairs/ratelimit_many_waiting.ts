// Simulator half of ratelimit_many_waiting.py.
import { Celery, now, sleep } from "celery";
const app = new Celery("ratelimit_many_waiting");
const seen: number[] = [];
export const limited = app.task({ name: "ref.limited", rateLimit: "9/s" }, async function limited(_i: number) {
  seen.push(now());
  await sleep(0.02);
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready(); // as the Python half's `with Worker(...)`
  const rs = Array.from({ length: 100 }, (_, i) => limited.delay(i));
  for (const r of rs) await r.get();
  const ts = [...seen].sort((a, b) => a - b);
  const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
  return { span_first_to_last_s: ts[ts.length - 1]! - ts[0]!, gaps_over_1_5_s: gaps.filter((g) => g > 1.5).length };
}
