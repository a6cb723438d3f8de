// Simulator half of ratelimit_two_workers.py.
import { Celery, now } from "celery";
const app = new Celery("ratelimit_two_workers");
const seen: { t: number; host: string }[] = [];
export const limited = app.task({ bind: true, name: "ref.limited", rateLimit: "5/s" }, function limited(self: any, _i: number) { seen.push({ t: now(), host: self.request.hostname }); });
export default async function main() {
  const w1 = app.worker({ taskEvents: true, hostname: "w1@ref", concurrency: 1 });
  const w2 = app.worker({ taskEvents: true, hostname: "w2@ref", concurrency: 1 });
  await w1.ready();
  await w2.ready();
  const rs = Array.from({ length: 20 }, (_, i) => limited.delay(i));
  for (const r of rs) await r.get();
  const ts = seen.map((x) => x.t).sort((a, b) => a - b);
  const rel = ts.map((t) => t - ts[0]!);
  const gaps = rel.slice(1).map((t, i) => t - rel[i]!);
  return { span_first_to_last_s: rel[19], paired_starts: gaps.filter((g) => g < 0.1).length, tasks_on_busier_worker: Math.max(...["w1@ref", "w2@ref"].map((h) => seen.filter((x) => x.host === h).length)) };
}
