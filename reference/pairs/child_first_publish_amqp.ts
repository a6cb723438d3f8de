// Simulator half of child_first_publish_amqp.py.
import { Celery, now, sleep } from "celery";
const app = new Celery("child_first_publish_amqp", { broker: "rabbitmq" });
const N = 8;
const rows: { batch: string; i: number; t0: number; ms: number; end: number }[] = [];
export const noop = app.task({ name: "ref.noop", ignoreResult: true }, (_i: number) => undefined);
export const publisher = app.task({ name: "ref.publisher" }, async (batch: string, i: number) => {
  const t0 = now();
  noop.delay(i);
  // The publish's cost is owed by the body (a synchronous call cannot wait): it shows at the next wait.
  await sleep(0);
  rows.push({ batch, i, t0, ms: (now() - t0) * 1000, end: now() });
});
export const stores = app.task({ name: "ref.stores" }, () => 1);
const round2 = (x: number) => Math.round(x * 100) / 100;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
export default async function main() {
  for (const batch of ["fresh", "stored"]) {
    // A fresh worker, so a fresh child, for each batch (as the Python half's `with Worker(...)`).
    const w = app.worker({ hostname: `w-${batch}`, concurrency: 1 });
    await w.ready();
    if (batch === "stored") await stores.delay().get();
    const rs = Array.from({ length: N }, (_, i) => publisher.delay(batch, i));
    await rs[N - 1]!.get();
    w.shutdown();
  }
  const values: Record<string, number> = {};
  for (const batch of ["fresh", "stored"]) {
    const xs = rows.filter((r) => r.batch === batch).sort((a, b) => a.i - b.i);
    values[`${batch}_first_publish_ms`] = round2(xs[0]!.ms);
    values[`${batch}_later_publish_ms`] = round2(median(xs.slice(1).map((r) => r.ms)));
    values[`${batch}_first_cycle_ms`] = round2((xs[1]!.t0 - xs[0]!.end) * 1000);
  }
  return values;
}
