// Simulator half of results_track_started.py.
import { Celery, sleep } from "celery";
const app = new Celery("results_track_started");
app.conf.update({ taskTrackStarted: true });
export const slow = app.task({ name: "ref.slow" }, async function slow() { await sleep(2); return 1; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = slow.delay();
  while (r.state === "PENDING") await sleep(0.02);
  await sleep(0.5);
  const running = r.state;
  await r.get();
  return { state_running: running, state_done: r.state };
}
