// Simulator half of tl_hard_after_caught_soft.py: the same task, the same values.
import { Celery, sleep, now, SoftTimeLimitExceeded } from "celery";
const app = new Celery("tl_hard_after_caught_soft");
const seen: Record<string, number> = {};
export const softThenHard = app.task({ name: "ref.soft_then_hard", softTimeLimit: 1, timeLimit: 2 }, async function softThenHard() {
  seen.start = now();
  try {
    await sleep(5);
  } catch (e) {
    if (!(e instanceof SoftTimeLimitExceeded)) throw e;
    seen.soft = now();
    await sleep(5);
  }
  return "finished";
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = softThenHard.delay();
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  return { error, state: r.state, soft_at_s: seen.soft! - seen.start!, hard_at_s: now() - seen.start! };
}
