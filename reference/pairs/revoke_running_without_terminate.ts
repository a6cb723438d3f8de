// Simulator half of revoke_running_without_terminate.py.
import { Celery, sleep } from "celery";
const app = new Celery("revoke_running_without_terminate");
export const slow = app.task({ name: "ref.slow" }, async function slow() { await sleep(2); return "finished"; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = slow.delay();
  await sleep(1);
  r.revoke();
  let out: Record<string, unknown>;
  try {
    out = { value: await r.get() };
  } catch (e: any) {
    out = { raised: e.name };
  }
  return { get: out, state: r.state };
}
