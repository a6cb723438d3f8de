// Simulator half of revoke_expired_at_eta.py.
import { Celery, sleep } from "celery";
const app = new Celery("revoke_expired_at_eta");
let executions = 0;
export const t = app.task({ name: "ref.t" }, function t() { executions++; return 1; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = t.applyAsync([], { countdown: 2, expires: 1 });
  await sleep(1.5);
  const before = r.state;
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  return { state_before_eta: before, error, state: r.state, executions };
}
