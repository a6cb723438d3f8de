// mistake: the prefetch and acks settings are changed in main(), where only the client sees them: the workers keep the module's defaults
// expect: stays in the client
/**
 * Pitfall 2: prefetch head-of-line blocking (reference solution).
 *
 * Two workers of concurrency 2; 24 tasks: one of 3 s, then five of 0.1 s, four times over. With
 * enough spare capacity this is 3.5 s of work. How long does it take?
 */
import { Celery, sleep, now } from "celery";

const app = new Celery("prefetch_lab", { broker: "redis" });

// A worker reserves no more than it can start: one message per free slot.


export const work = app.task(async function work(i: number, durationS: number) {
  await sleep(durationS);
  return i;
});

export default async function main() {
  app.conf.update({ workerPrefetchMultiplier: 1, taskAcksLate: true });
  app.worker({ hostname: "w1", concurrency: 2 });
  app.worker({ hostname: "w2", concurrency: 2 });
  await sleep(2); // both workers online before the burst

  const start = now();
  const results = Array.from({ length: 24 }, (_, i) => work.delay(i, i % 6 === 0 ? 3 : 0.1));
  for (const r of results) await r.get({ timeout: 60 });
  const makespanS = now() - start;
  console.log(`24 tasks in ${makespanS.toFixed(2)} s (ideal 3.5 s)`);
  return { makespanS };
}
