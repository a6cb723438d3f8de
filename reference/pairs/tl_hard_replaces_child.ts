// Simulator half of tl_hard_replaces_child.py. The scenario API has no os.getpid(): the pool's
// process list, read when each task starts, stands in for it.
import { Celery, sleep, now } from "celery";
const app = new Celery("tl_hard_replaces_child");
const seen: Record<string, { t: number; pids: string }> = {};
const poolPids = () => JSON.stringify(app.control.inspect().stats()!["w1"]!.pool.processes);
export const hard = app.task({ name: "ref.hard", timeLimit: 2 }, async function hard() {
  seen.start = { t: now(), pids: poolPids() };
  await sleep(5);
  return "finished";
});
export const after = app.task({ name: "ref.after" }, function after() {
  seen.after = { t: now(), pids: poolPids() };
  return 0;
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready();
  const r = hard.delay();
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  const failedAtS = now() - seen.start!.t;
  await after.delay().get();
  return { error, state: r.state, failed_at_s: failedAtS, next_task_in_new_process: seen.after!.pids !== seen.start!.pids };
}
