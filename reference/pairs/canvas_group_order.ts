// Simulator half of canvas_group_order.py.
import { Celery, sleep, group } from "celery";
const app = new Celery("canvas_group_order");
export const slowAdd = app.task({ name: "ref.slow_add" }, async function slowAdd(x: number, y: number, d: number) { await sleep(d); return x + y; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 5 }).ready();
  const r = group([0, 1, 2, 3, 4].map((i) => slowAdd.s(i, i, 1 - i * 0.2))).applyAsync();
  return { values: await r.get() };
}
