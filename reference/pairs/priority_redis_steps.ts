// Simulator half of priority_redis_steps.py.
import { Celery, sleep } from "celery";
const app = new Celery("priority_redis_steps", { broker: "redis" });
app.conf.update({ workerPrefetchMultiplier: 1 });
let order = "";
export const p = app.task({ name: "ref.p" }, function p(label: string) { order += label; });
export default async function main() {
  const sent: [string, number | null][] = [["a", null], ["b", 9], ["c", 5], ["d", 4], ["e", 0], ["f", null], ["g", 3]];
  const rs = sent.map(([label, prio]) => (prio === null ? p.applyAsync([label]) : p.applyAsync([label], { priority: prio })));
  await sleep(0.5);
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  for (const r of rs) await r.get();
  return { order };
}
