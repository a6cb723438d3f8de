// Simulator half of results_group_get_several_fail.py.
import { Celery, sleep, now, group, ValueError, KeyError } from "celery";
const app = new Celery("results_group_get_several_fail");
const stored: number[] = [];
export const failAfter = app.task({ name: "ref.fail_after" }, async function failAfter(kind: string, delayS: number) {
  await sleep(delayS);
  stored.push(now());
  throw kind === "ValueError" ? new ValueError(`${kind} after ${delayS}`) : new KeyError(`${kind} after ${delayS}`);
});
export const okAfter = app.task({ name: "ref.ok_after" }, async function okAfter(delayS: number) { await sleep(delayS); return delayS; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 3 }).ready();
  await okAfter.delay(0).get();
  const t0 = now();
  const res = group([failAfter.s("ValueError", 0.6), failAfter.s("KeyError", 0.2), okAfter.s(1)]).applyAsync();
  let raises: string | null = null;
  try {
    await res.get();
  } catch (e: any) {
    raises = e.name;
  }
  const firstFailureStoredAtS = Math.min(...stored) - t0;
  const raisedAt = now() - t0;
  await sleep(1);
  return { raises, raised_at_s: raisedAt, states_after: res.results.map((r: any) => r.state), first_failure_stored_at_s: firstFailureStoredAtS };
}
