// Simulator half of acks_late_amqp_redelivered.py.
import { Celery, sleep } from "celery";
const app = new Celery("acks_late_amqp_redelivered", { broker: "rabbitmq" });
const runs: boolean[] = [];
export const late = app.task({ name: "ref.late", bind: true, acksLate: true }, async function late(self: any) {
  runs.push(Boolean(self.request.deliveryInfo?.redelivered));
  await sleep(2);
  return "done";
});
export default async function main() {
  const w1 = app.worker({ taskEvents: true, hostname: "w1" });
  const r = late.delay();
  while (!runs.length) await sleep(0.05);
  await sleep(0.5);
  w1.kill();
  await app.worker({ taskEvents: true, hostname: "w2" }).ready();
  const value = await r.get();
  return { executions: runs.length, redelivered: runs, value };
}
