// Simulator half of results_chain_parents.py.
import { Celery, chain } from "celery";
const app = new Celery("results_chain_parents");
export const add = app.task({ name: "ref.add" }, function add(x: number, y: number) { return x + y; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 2 }).ready();
  const r: any = chain(add.s(2, 2), add.s(4), add.s(8)).applyAsync();
  const value = await r.get();
  return { value, parents: [await r.parent.get(), await r.parent.parent.get()], root_has_parent: r.parent.parent.parent != null };
}
