// Simulator half of canvas_chain_chord_body_fails_link_error.py.
import { Celery, sleep, chain, chord, ValueError } from "celery";
const app = new Celery("canvas_chain_chord_body_fails_link_error");
const calls: [string, string][] = [];
export const add = app.task({ name: "ref.add" }, function add(x: number, y: number) { return x + y; });
export const bodyFails = app.task({ name: "ref.body_fails" }, function bodyFails(xs: number[]) {
  throw new ValueError(`body failed with [${[...xs].sort((a, b) => a - b).join(", ")}]`);
});
export const errback = app.task({ name: "ref.errback" }, function errback(request: any, exc: Error, _tb: unknown) {
  calls.push([request.task, `${exc.name}: ${exc.message}`]);
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 4 }).ready();
  const res = chain(add.s(1, 1), chord([add.s(1), add.s(2)], bodyFails.s()), add.s(100, 0)).applyAsync([], { linkError: errback.s() } as any); // apply_async(link_error=...): the option type wants data, the runtime takes a signature too
  let getRaises: string | null = null;
  try {
    await res.get();
  } catch (e: any) {
    getRaises = `${e.name}: ${e.message}`;
  }
  await sleep(2);
  calls.sort();
  return { get_raises: getRaises, last_state: res.state, errback_calls: calls.length, errback_for: calls.map((c) => c[0]), errback_exc: [...new Set(calls.map((c) => c[1]))].sort() };
}
