// Simulator half of revoke_before_eta.py.
import { Celery, sleep } from "celery";
const app = new Celery("revoke_before_eta");
let executions = 0;
export const slow = app.task({ name: "ref.slow" }, function slow() { executions++; return "finished"; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = slow.applyAsync([], { countdown: 3 });
  await sleep(0.7);
  r.revoke();
  await sleep(1);
  const before = r.state;
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  await sleep(0.5);
  return { state_before_eta: before, error, state: r.state, executions };
}
