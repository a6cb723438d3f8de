// Simulator half of acks_early_amqp_worker_killed.py.
import { Celery, sleep } from "celery";
const app = new Celery("acks_early_amqp_worker_killed", { broker: "rabbitmq" });
let executions = 0;
export const early = app.task({ name: "ref.early" }, async function early() {
  executions++;
  await sleep(2);
  return "done";
});
export default async function main() {
  const w1 = app.worker({ taskEvents: true, hostname: "w1" });
  const r = early.delay();
  while (!executions) await sleep(0.05);
  await sleep(0.5);
  w1.kill();
  await app.worker({ taskEvents: true, hostname: "w2" }).ready();
  await sleep(4);
  return { executions, state: r.state };
}
