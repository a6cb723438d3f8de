// Simulator half of results_get_timeout.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("results_get_timeout");
export const slow = app.task({ name: "ref.slow" }, async function slow() { await sleep(3); return 1; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = slow.delay();
  const t0 = now();
  let error: string | null = null;
  try {
    await r.get({ timeout: 1 });
  } catch (e: any) {
    error = e.name;
  }
  return { error, raised_at_s: now() - t0, state: r.state };
}
