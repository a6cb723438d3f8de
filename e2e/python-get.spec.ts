/**
 * Issue 22's `.get()` problem: in a Python `main` under JSPI (Chromium), `.get()` of a task that
 * FAILED sometimes never returned. Many seeds, each run in a fresh session on one Pyodide: every
 * run completes, every `.get()` returns or raises, and main sees what the TypeScript twin sees.
 */
import { test, expect } from "@playwright/test";
import { run } from "../sim/testing/harness";
import { bundleRunner, startRunner } from "../cli/python/runner";

const GET_PY = `
import random
import time
from celery import Celery

class FlakyError(Exception):
    pass

app = Celery("lab", broker="redis")

@app.task
def work(n):
    time.sleep(0.1)
    if random.random() < 0.5:
        raise FlakyError(f"boom {n}")
    return n * 2

def main():
    app.worker(hostname="w1", concurrency=2)
    results = [work.delay(n) for n in range(6)]
    for r in results:
        try:
            print(f"ok {r.get(timeout=10)}")
        except FlakyError as e:
            print(f"failed {type(e).__name__}: {e}")
    print("main done")
`;

const GET_TS = `
import { Celery, sleep } from "celery";
class FlakyError extends Error { name = "FlakyError"; }
const app = new Celery("lab", { broker: "redis" });
const work = app.task({}, async function work(n: number) {
  await sleep(0.1);
  if (Math.random() < 0.5) throw new FlakyError(\`boom \${n}\`);
  return n * 2;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const results = [0, 1, 2, 3, 4, 5].map((n) => work.delay(n));
  for (const r of results) {
    try { console.log(\`ok \${await r.get({ timeout: 10 })}\`); }
    catch (e) { console.log(\`failed \${(e as Error).name}: \${(e as Error).message}\`); }
  }
  console.log("main done");
}
`;

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

test("a Python main's .get() of a failed task returns (raises) on every seed, as TypeScript's does", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const runner = await startRunner(page, baseURL!, await bundleRunner());
  const hung: number[] = [];
  let failures = 0;
  for (const seed of SEEDS) {
    const py = await runner.run(GET_PY, { seed, timeoutMs: 30_000 });
    const ts = (await run(GET_TS, { seed })).report;
    if (py.report.endReason !== "completed") hung.push(seed);
    failures += ts.logs.filter((l) => l.includes("failed")).length;
    expect.soft(py.report.logs, `seed ${seed}: ${py.report.endMessage}`).toEqual(ts.logs);
  }
  expect(hung, "seeds whose run did not complete").toEqual([]);
  expect(failures, "the seeds give failed tasks (the test has teeth)").toBeGreaterThan(10);
});
