// A worker is killed mid-run: early acks lose its task, late acks run it twice. Swept over the acks
// setting, the moment of the kill and seeds (example for the sharded-sweep recipes).
import { Celery, sleep, faults, params } from "celery";
const { killAtS = 1, tasks = 6 } = (params ?? {}) as { killAtS?: number; tasks?: number };
const app = new Celery("acks", { broker: "rabbitmq" });
app.conf.update({ workerPrefetchMultiplier: 1 });
export const slow = app.task(async function slow(i: number) { await sleep(1 + Math.random() * 3); return i; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  app.worker({ hostname: "w2", concurrency: 1 });
  faults.plan([{ fault: { kind: "kill-worker", worker: "w1", restartAfterS: 2 }, trigger: { atS: killAtS } }]);
  for (let i = 0; i < tasks; i++) slow.delay(i);
  return { sentByMain: tasks };
}
