// Simulator half of acks_late_redis_child_killed_requeue.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("acks_late_redis_child_killed_requeue", { broker: "redis" });
const runs: Record<string, { t: number; redelivered: boolean }[]> = {};
export const late = app.task({ name: "ref.late", bind: true, acksLate: true, rejectOnWorkerLost: true }, async function late(self: any, c: string) {
  (runs[c] ??= []).push({ t: now(), redelivered: Boolean(self.request.deliveryInfo?.redelivered) });
  await sleep(2);
  return "done";
});
async function one(concurrency: number) {
  const c = `c${concurrency}`;
  const w = app.worker({ taskEvents: true, hostname: `w${concurrency}`, concurrency });
  const r = late.delay(c);
  while (!runs[c]) await sleep(0.01);
  await sleep(1);
  const killS = now();
  w.killChild(r.id);
  await r.get();
  w.shutdown();
  await sleep(3);
  const rs = runs[c]!;
  return { [`executions_${c}`]: rs.length, [`redelivered_${c}`]: rs.map((x) => x.redelivered), [`rerun_after_kill_s_${c}`]: rs[1]!.t - killS, [`state_${c}`]: r.state };
}
export default async function main() {
  return { ...(await one(1)), ...(await one(2)) };
}
