// Simulator half of routing_task_routes.py.
import { Celery, sleep } from "celery";
const app = new Celery("routing_task_routes");
app.conf.update({ taskRoutes: { "ref.a": { queue: "qa" } } });
export const a = app.task({ name: "ref.a" }, function a() { return "a"; });
export const b = app.task({ name: "ref.b" }, function b() { return "b"; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", queues: ["qa"] }).ready();
  const ra = a.delay();
  const rb = b.delay();
  const va = await ra.get();
  await sleep(1);
  return { a_value: va, b_state: rb.state, celery_queue_length: app.broker.queueLength("celery") };
}
