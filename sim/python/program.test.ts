/**
 * The Python front in Node: a Python scenario drives the same simulator as its TypeScript twin and,
 * on the same seed, its tasks go through the same states with the same results. Node 20 has no JSPI,
 * so these scenarios never wait in place (no time.sleep or .get() in them); the page's e2e does.
 */
import { readFileSync, readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPyodide } from "pyodide";
import { createSession } from "../engine/session";
import { compile, nodeHost } from "../testing/harness";
import { installCeleryPackage, pythonProgram, type PyodideLike } from "./program";

const PACKAGE_DIR = new URL("../../py/celery/", import.meta.url);
let py: PyodideLike;

beforeAll(async () => {
  py = (await loadPyodide()) as unknown as PyodideLike;
  const files = Object.fromEntries(readdirSync(PACKAGE_DIR).filter((f) => f.endsWith(".py")).map((f) => [f, readFileSync(new URL(f, PACKAGE_DIR), "utf8")]));
  installCeleryPackage(py, files);
}, 120_000);

async function runPython(source: string, seed: number) {
  const session = await createSession("", { seed, host: nodeHost, file: "scenario.py", program: pythonProgram(py, source, { jspi: false }) });
  await session.advance();
  return session.report({ events: true });
}

async function runTs(source: string, seed: number) {
  const session = await createSession(await compile(source), { seed, host: nodeHost });
  await session.advance();
  return session.report({ events: true });
}

const FLAKY_TS = `
import { Celery } from "celery";
class FlakyError extends Error { name = "FlakyError"; }
const app = new Celery("lab", { broker: "redis" });
app.conf.update({ taskAcksLate: false, workerPrefetchMultiplier: 4 });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 1 },
  function flaky(self: any, data: string) {
    if (Math.random() < 0.7) throw self.retry({ exc: new FlakyError("Random failure occurred") });
    return \`Success after \${self.request.retries} retries for \${data}\`;
  });
export default function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (let i = 0; i < 6; i++) flaky.delay("item " + i);
}
`;

const FLAKY_PY = `
import random
from celery import Celery

class FlakyError(Exception):
    pass

app = Celery("lab", broker="redis")
app.conf.update(task_acks_late=False, worker_prefetch_multiplier=4)

@app.task(bind=True, max_retries=3, default_retry_delay=1)
def flaky(self, data):
    if random.random() < 0.7:
        raise self.retry(exc=FlakyError("Random failure occurred"))
    return f"Success after {self.request.retries} retries for {data}"

def main():
    app.worker(hostname="w1", concurrency=2)
    for i in range(6):
        flaky.delay("item " + str(i))
`;

type Report = Awaited<ReturnType<typeof runTs>>;
/** What a learner sees of each task: its states in order, its result, its retries. */
const outcome = (r: Report) => ({
  end: r.endReason,
  error: r.error,
  tasks: r.tasks.map((t) => ({ name: t.name, state: t.state, retries: t.retries, result: t.result, exception: t.exception && { type: t.exception.type, message: t.exception.message } })),
  events: r.events.map((e) => `${e.type}@${e.timestamp}`),
});

describe("a Python scenario on the simulator", () => {
  it.each([1, 7, 42])("gives the TypeScript twin's states, retries and results (seed %i)", async (seed) => {
    const [ts, python] = [await runTs(FLAKY_TS, seed), await runPython(FLAKY_PY, seed)];
    expect(outcome(python)).toEqual(outcome(ts));
    // Retries and a failure past max_retries both happen over these seeds (the check has teeth).
    expect(ts.tasks.some((t) => t.retries > 0)).toBe(true);
  });
});
