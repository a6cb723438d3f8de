// Simulator half of canvas_group_link.py.
import { Celery, sleep, group } from "celery";
const app = new Celery("canvas_group_link");
const calls: unknown[][] = [];
export const add = app.task({ name: "ref.add" }, function add(x: number, y: number) { return x + y; });
export const cb = app.task({ name: "ref.cb" }, function cb(...args: unknown[]) { calls.push(args); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 3 }).ready();
  const g = group([add.s(1, 1), add.s(2, 2), add.s(3, 3)]);
  g.link(cb.s());
  const r = g.applyAsync();
  const values = await r.get();
  await sleep(2);
  return { values, cb_calls: calls.map((c) => JSON.stringify(c)).sort().map((c) => JSON.parse(c)) };
}
