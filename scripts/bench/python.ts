/**
 * Bench (issue 22): Python's price in the browser, next to TypeScript's.
 * - Pyodide's cold start: a fresh browser context, Pyodide's files read from node_modules/pyodide
 *   (served through routes, no network), a full boot in a worker (what the page's first Python run
 *   pays after the fetch), with the memory snapshot the page takes.
 * - Its warm start: a second worker booted from that snapshot (what every later Python run pays,
 *   since each run gets a fresh worker; the page hides it behind a spare booted while idle).
 * - A task's cost: the same scenario (N trivial tasks, one worker c=8, Redis) in Python and in
 *   TypeScript, in the same worker of the same page, alternating, best of three each.
 * Issue 22 names no number beyond "without slowing the TypeScript path": the TypeScript figure is
 * the path as it is; the ratio says what Python costs. Prints one JSON line.
 */
import { chromium } from "playwright";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium-path.mjs";
import { bundleRunner } from "../../cli/python/runner";
import { compile } from "../../sim/testing/harness";
import { readFileSync } from "node:fs";

const TASKS = 1000;
const PY = `
from celery import Celery
app = Celery("bench", broker="redis://localhost")

@app.task
def noop(i):
    return i

def main():
    app.worker(hostname="w1", concurrency=8)
    for i in range(${TASKS}):
        noop.delay(i)
`;
const TS = `
import { Celery } from "celery";
const app = new Celery("bench", { broker: "redis://localhost" });
export const noop = app.task({ name: "noop" }, function noop(i: number) { return i; });
export default function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < ${TASKS}; i++) noop.delay(i);
}
`;

const executablePath = chromiumPath();
if (!executablePath) {
  console.log(JSON.stringify({ bench: "python", error: "no Chromium (install Debian's chromium or set CHROMIUM_PATH)" }));
  process.exit(0);
}
const worker = await bundleRunner();
const tsCode = await compile(TS);
const ROOT = "http://bench.invalid/python/";
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (!url.startsWith(ROOT)) return route.abort();
    const name = url.slice(ROOT.length);
    if (name === "index.html") return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title>" });
    if (name === "worker.js") return route.fulfill({ contentType: "text/javascript", body: worker });
    return route.fulfill({ body: readFileSync("node_modules/pyodide/" + name) });
  });
  await page.goto(ROOT + "index.html");
  const out = await page.evaluate(
    async ({ PY, tsCode, TASKS }) => {
      type Reply = { ok: boolean; error?: string; loadMs?: number; ms?: number; snapshot?: Uint8Array; report?: { endReason: string; tasks: number }; json?: string };
      const ask = (w: Worker, msg: unknown, transfer: Transferable[] = []) =>
        new Promise<Reply>((resolve) => {
          w.onmessage = (ev) => {
            // The runner's watchdog signals (which code runs, that it works) are not answers.
            if (ev.data?.type === "enter" || ev.data?.type === "alive") return;
            resolve(ev.data);
          };
          w.onerror = (ev) => resolve({ ok: false, error: ev.message });
          w.postMessage(msg, transfer);
        });
      const files = async () => {
        const [wasm, stdlib, lock] = await Promise.all([
          fetch("pyodide.asm.wasm").then((r) => r.arrayBuffer()),
          fetch("python_stdlib.zip").then((r) => r.arrayBuffer()),
          fetch("pyodide-lock.json").then((r) => r.text()),
        ]);
        return { wasm, stdlib, lock };
      };
      const need = (r: Reply) => {
        if (!r.ok) throw new Error(r.error);
        return r;
      };
      const t0 = performance.now();
      const cold = new Worker("worker.js", { type: "module" });
      const a = await files();
      const fetchMs = performance.now() - t0;
      const first = need(await ask(cold, { type: "boot", assets: a, makeSnapshot: true }, [a.wasm, a.stdlib]));
      const coldMs = performance.now() - t0;
      const warmBoots: number[] = [];
      let runner = cold;
      for (let k = 0; k < 3; k++) {
        const b = await files();
        const t1 = performance.now();
        const w = new Worker("worker.js", { type: "module" });
        need(await ask(w, { type: "boot", assets: { ...b, snapshot: first.snapshot!.buffer } }, [b.wasm, b.stdlib]));
        warmBoots.push(performance.now() - t1);
        runner.terminate();
        runner = w;
      }
      const py: number[] = [];
      const ts: number[] = [];
      const check = (r: Reply) => {
        if (r.report!.endReason !== "completed" || r.report!.tasks !== TASKS) throw new Error(`run did not complete: ${JSON.stringify(r.report).slice(0, 200)}`);
        return r.ms!;
      };
      for (let k = 0; k < 3; k++) {
        const p = need(await ask(runner, { type: "run", source: PY, seed: 1 }));
        // A Python run's reply is cli/python/wire.ts's packed JSON (no long strings in this scenario).
        const report = JSON.parse((JSON.parse(p.json!) as { body: string }).body).report as { endReason: string; tasks: unknown[] };
        py.push(check({ ...p, report: { endReason: report.endReason, tasks: report.tasks.length } }));
        ts.push(check(need(await ask(runner, { type: "run-ts", code: tsCode, seed: 1 }))));
      }
      return { fetchMs, coldBootMs: first.loadMs!, coldMs, snapshotMB: first.snapshot!.byteLength / 1e6, warmBoots, py, ts };
    },
    { PY, tsCode, TASKS },
  );
  const best = (xs: number[]) => Math.min(...xs);
  const pyPerTaskMs = best(out.py) / TASKS;
  const tsPerTaskMs = best(out.ts) / TASKS;
  console.log(
    JSON.stringify({
      bench: "python",
      pyodideColdStartMs: Math.round(out.coldMs),
      pyodideColdBreakdown: { fetchFromDiskMs: Math.round(out.fetchMs), fullBootWithSnapshotMs: Math.round(out.coldBootMs), snapshotMB: Math.round(out.snapshotMB) },
      pyodideWarmStartMs: Math.round(best(out.warmBoots)),
      pyodideWarmStartRunsMs: out.warmBoots.map(Math.round),
      tasks: TASKS,
      pythonRunMs: out.py.map(Math.round),
      typescriptRunMs: out.ts.map(Math.round),
      pythonPerTaskMs: +pyPerTaskMs.toFixed(3),
      typescriptPerTaskMs: +tsPerTaskMs.toFixed(3),
      pythonOverTypescript: +(pyPerTaskMs / tsPerTaskMs).toFixed(2),
      goal: { typescriptPath: "unchanged (Pyodide never loads on it: e2e/python-page.spec.ts)", numeric: "none named by issue 22" },
    }),
  );
} finally {
  await browser.close();
}
