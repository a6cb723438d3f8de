// Simulator half of pool_child_cycle.py.
import { Celery, now, sleep } from "celery";
const app = new Celery("pool_child_cycle");
const rows: { batch: string; i: number; t0: number; t1: number }[] = [];
async function body(batch: string, i: number, bodyS: number) {
  const t0 = now();
  if (bodyS) await sleep(bodyS);
  rows.push({ batch, i, t0, t1: now() });
}
export const cycleIgnored = app.task({ name: "ref.cycle_ignored", ignoreResult: true }, (batch: string, i: number, bodyS: number) => body(batch, i, bodyS));
export const cycle = app.task({ name: "ref.cycle" }, (batch: string, i: number, bodyS: number) => body(batch, i, bodyS));
const BATCHES: [string, number, number][] = [["ignored", 5, 0], ["first_store", 5, 0], ["0", 20, 0], ["10ms", 20, 0.01], ["50ms", 15, 0.05], ["200ms", 10, 0.2], ["500ms", 7, 0.5], ["1s", 5, 1.0]];
const ms = (s: number) => Math.round(s * 1e5) / 100;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1", concurrency: 1 }).ready(); // as the Python half's `with Worker(...)`
  for (const [name, n, bodyS] of BATCHES) {
    if (name === "ignored") {
      for (let i = 0; i < n; i++) cycleIgnored.delay(name, i, bodyS);
      while (rows.length < n) await sleep(0.01);
      continue;
    }
    const rs = Array.from({ length: n }, (_, i) => cycle.delay(name, i, bodyS));
    await rs[n - 1]!.get();
  }
  const gaps = new Map<string, number[]>();
  for (const [name] of BATCHES) {
    const xs = rows.filter((r) => r.batch === name).sort((a, b) => a.i - b.i);
    gaps.set(name, xs.slice(1).map((b, k) => ms(b.t0 - xs[k]!.t1)));
  }
  const values: Record<string, number> = { first_cycle_ms: gaps.get("ignored")![0]!, first_store_cycle_ms: gaps.get("first_store")![0]! };
  for (const [name] of BATCHES.slice(2)) values["cycle_ms_body_" + name] = Math.round(median(gaps.get(name)!) * 100) / 100;
  return values;
}
