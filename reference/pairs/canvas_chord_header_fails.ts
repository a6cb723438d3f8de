// Simulator half of canvas_chord_header_fails.py.
import { Celery, chord, ValueError } from "celery";
const app = new Celery("canvas_chord_header_fails");
let bodyRan = 0;
export const member = app.task({ name: "ref.member" }, function member(i: number) {
  if (i === 1) throw new ValueError(`member ${i} failed`);
  return i;
});
export const body = app.task({ name: "ref.body" }, function body(xs: number[]) { bodyRan++; return xs.reduce((a, b) => a + b, 0); });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 3 }).ready();
  const r = chord([member.s(0), member.s(1), member.s(2)], body.s()).applyAsync();
  let err: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    err = e.name;
  }
  return { error_class: err, body_state: r.state, body_ran: bodyRan };
}
