// Simulator half of eta_countdown_start.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("eta_countdown_start");
let startedS = NaN;
export const t = app.task({ name: "ref.t" }, function t() { startedS = now(); return 1; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const t0 = now();
  const r = t.applyAsync([], { countdown: 2 });
  await sleep(1);
  const before = r.state;
  await r.get();
  return { state_before_eta: before, started_after_send_s: startedS - t0 };
}
