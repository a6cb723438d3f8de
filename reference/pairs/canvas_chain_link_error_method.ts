// Simulator half of canvas_chain_link_error_method.py.
import { Celery, sleep, chain, chord, ValueError } from "celery";
const app = new Celery("canvas_chain_link_error_method");
const calls: string[] = [];
export const add = app.task({ name: "ref.add" }, function add(x: number, y: number) { return x + y; });
export const bodyFails = app.task({ name: "ref.body_fails" }, function bodyFails(_xs: number[]) { throw new ValueError("body failed"); });
export const errback = app.task({ name: "ref.errback" }, function errback(request: any, _exc: Error, _tb: unknown) { calls.push(request.task); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 4 }).ready();
  const c = chain(add.s(1, 1), chord([add.s(1), add.s(2)], bodyFails.s()));
  c.linkError(errback.s());
  const res = c.applyAsync();
  try {
    await res.get();
  } catch {
    // the failure itself is not what this pair measures
  }
  await sleep(2);
  calls.sort();
  return { errback_calls: calls.length, errback_for: calls };
}
