// Simulator half of priority_amqp_max_priority.py.
import { Celery, sleep } from "celery";
const app = new Celery("priority_amqp_max_priority", { broker: "rabbitmq" });
app.conf.update({ workerPrefetchMultiplier: 1, taskDefaultQueue: "pq" });
app.broker.declareQueue("pq", { maxPriority: 10 });
let order = "";
export const p = app.task({ name: "ref.p" }, function p(label: string) { order += label; });
export default async function main() {
  const sent: [string, number | null][] = [["a", null], ["b", 1], ["c", 9], ["d", 5], ["e", 9], ["f", null]];
  const rs = sent.map(([label, prio]) => (prio === null ? p.applyAsync([label]) : p.applyAsync([label], { priority: prio })));
  await sleep(0.5);
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  for (const r of rs) await r.get();
  return { order };
}
