// Simulator half of revoke_terminate_slot_reuse.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("revoke_terminate_slot_reuse");
const starts: Record<number, { t: number; pids: string }> = {};
// The scenario API has no os.getpid(): the pool's process list, read when a task starts, stands in for it.
const poolPids = () => JSON.stringify(app.control.inspect().stats()!["w1"]!.pool.processes);
export const slow = app.task({ name: "ref.slow" }, async function slow(i: number) {
  starts[i] = { t: now(), pids: poolPids() };
  await sleep(5);
  return i;
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  const a = slow.delay(1);
  const b = slow.delay(2);
  while (!starts[1]) await sleep(0.01);
  await sleep(1);
  const revokeS = now();
  a.revoke({ terminate: true });
  await b.get();
  return { a_state: a.state, b_state: b.state, b_starts_after_revoke_s: starts[2]!.t - revokeS, b_in_new_process: starts[2]!.pids !== starts[1]!.pids };
}
