// Simulator half of ratelimit_slow_limit.py.
import { Celery, now } from "celery";
const app = new Celery("ratelimit_slow_limit");
const ts: number[] = [];
export const limited = app.task({ name: "ref.limited", rateLimit: "10/m" }, function limited(_i: number) { ts.push(now()); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  const rs = [0, 1, 2, 3].map((i) => limited.delay(i));
  for (const r of rs) await r.get();
  return { gap_1_s: ts[1]! - ts[0]!, gap_2_s: ts[2]! - ts[1]!, gap_3_s: ts[3]! - ts[2]! };
}
