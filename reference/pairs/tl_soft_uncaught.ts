// Simulator half of tl_soft_uncaught.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("tl_soft_uncaught");
let startS = NaN;
export const softUncaught = app.task({ name: "ref.soft_uncaught", softTimeLimit: 1 }, async function softUncaught() {
  startS = now();
  await sleep(3);
  return "finished";
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = softUncaught.delay();
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = e.name;
  }
  return { error, state: r.state, failed_at_s: now() - startS };
}
