/**
 * `threading.Thread` in a Python scenario (py/celery/_threading.py), in Chromium (JSPI): threads are
 * concurrent flows of main's process on the simulated clock, as async functions called without
 * `await` are in TypeScript. Two tickers and a thread that waits in place on task results run
 * beside main, which joins them: the lines each prints, with their simulated times, are the
 * TypeScript twin's on every seed (the same draws, the same interleaving).
 */
import { test, expect } from "@playwright/test";
import { run } from "../sim/testing/harness";
import { bundleRunner, startRunner } from "../cli/python/runner";

const THREADS_PY = `
import random
import threading
import time
from celery import Celery

app = Celery("lab", broker="redis")

@app.task
def work(n):
    time.sleep(random.random())
    return n * 10

def ticker(name, period_s, n):
    for i in range(n):
        print(f"{name} {i} at {time.monotonic():.3f}")
        time.sleep(period_s)

def getter():
    for i in range(3):
        r = work.delay(i)
        print(f"get {r.get(timeout=10)} at {time.monotonic():.3f}")

def main():
    app.worker(hostname="w1", concurrency=2)
    time.sleep(0.25)
    threads = [
        threading.Thread(target=ticker, args=("a", 1.0, 3)),
        threading.Thread(target=ticker, args=("b", 0.4, 5)),
        threading.Thread(target=getter),
    ]
    for t in threads:
        t.start()
    print(f"main started at {time.monotonic():.3f}")
    threads[2].join(timeout=0.1)
    print(f"getter alive {threads[2].is_alive()} at {time.monotonic():.3f}")
    threads[0].join()
    print(f"main joined a at {time.monotonic():.3f}, b alive {threads[1].is_alive()}")
    for t in threads[1:]:
        t.join()
    print(f"main done at {time.monotonic():.3f}")
`;

const THREADS_TS = `
import { Celery, sleep, now } from "celery";
const app = new Celery("lab", { broker: "redis" });
export const work = app.task(async function work(n: number) {
  await sleep(Math.random());
  return n * 10;
});
async function ticker(name: string, periodS: number, n: number) {
  for (let i = 0; i < n; i++) {
    console.log(\`\${name} \${i} at \${now().toFixed(3)}\`);
    await sleep(periodS);
  }
}
async function getter() {
  for (let i = 0; i < 3; i++) {
    const r = work.delay(i);
    console.log(\`get \${await r.get({ timeout: 10 })} at \${now().toFixed(3)}\`);
  }
}
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  await sleep(0.25);
  let bDone = false;
  let gDone = false;
  const threads = [ticker("a", 1, 3), ticker("b", 0.4, 5).then(() => { bDone = true; }), getter().then(() => { gDone = true; })];
  console.log(\`main started at \${now().toFixed(3)}\`);
  await Promise.race([threads[2], sleep(0.1)]);
  console.log(\`getter alive \${gDone ? "False" : "True"} at \${now().toFixed(3)}\`);
  await threads[0];
  console.log(\`main joined a at \${now().toFixed(3)}, b alive \${bDone ? "False" : "True"}\`);
  await threads[1];
  await threads[2];
  console.log(\`main done at \${now().toFixed(3)}\`);
}
`;

const SEEDS = [1, 2, 3, 4];

test("Python threads interleave on the simulated clock as the TypeScript twin's async functions do", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const runner = await startRunner(page, baseURL!, await bundleRunner());
  for (const seed of SEEDS) {
    const py = (await runner.run(THREADS_PY, { seed, timeoutMs: 30_000 })).report;
    const ts = (await run(THREADS_TS, { seed })).report;
    expect.soft(py.endReason, `seed ${seed}: ${py.endMessage}`).toBe("completed");
    expect.soft(py.logs, `seed ${seed}`).toEqual(ts.logs);
    // The test has teeth: the tickers' lines interleave with each other and with main's.
    const order = ts.logs.map((l) => l.split(" ")[0]);
    expect(order.indexOf("b")).toBeLessThan(order.lastIndexOf("a"));
    expect(order.indexOf("main")).toBeLessThan(order.lastIndexOf("b"));
  }
});
