// Simulator half of eta_countdown_fractions_amqp.py.
import { Celery, sleep, now } from "celery";
const app = new Celery("eta_countdown_fractions_amqp", { broker: "rabbitmq" });
const COUNTDOWNS_S = [0.25, 0.5, 1.5, 2];
const startedS: number[] = [];
export const t = app.task({ name: "ref.t" }, function t() { startedS.push(now()); return 1; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  await sleep(1);
  const lags: Record<string, number> = {};
  for (const [i, countdown] of COUNTDOWNS_S.entries()) {
    const t0 = now();
    await t.applyAsync([], { countdown }).get();
    lags["lag_after_" + String(countdown).replace(".", "_") + "_s"] = startedS[i]! - t0 - countdown;
    await sleep(0.35);
  }
  return lags;
}
