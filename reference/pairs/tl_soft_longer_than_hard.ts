// Simulator half of tl_soft_longer_than_hard.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("tl_soft_longer_than_hard");
let startS = NaN;
export const softLonger = app.task({ name: "ref.soft_longer", softTimeLimit: 3, timeLimit: 2 }, async function softLonger() {
  startS = now();
  await sleep(5);
  return "finished";
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = softLonger.delay();
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  return { error, state: r.state, failed_at_s: now() - startS };
}
