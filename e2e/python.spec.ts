/**
 * Issue 22, the worker half of the Python front, in Chromium: Pyodide boots inside the real
 * sandbox frame (its CSP: no network; the page hands Pyodide's files over), a Python scenario that
 * waits in place (time.sleep in a task: JSPI) runs on the simulator, and its tasks go
 * through the same states as the TypeScript version on the same seed (\`.get()\` in main, failed
 * tasks included, is e2e/python-get.spec.ts's); Python cannot reach an attacker server on another
 * loopback port (which must receive nothing).
 */
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { frameDocument } from "../src/workers/sandbox";
import { run } from "../sim/testing/harness";
import { bundleWorker } from "../cli/python/runner";

const PYODIDE_DIR = "node_modules/pyodide/";
let workerSource = "";
let server: Server;
let attacker = "";
const received: string[] = [];

test.beforeAll(async () => {
  workerSource = await bundleWorker("e2e/python/probe.worker.ts");
  server = createServer((req, res) => {
    received.push(req.url ?? "");
    res.setHeader("access-control-allow-origin", "*");
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  attacker = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

const FLAKY_TS = `
import { Celery, sleep } from "celery";
class FlakyError extends Error { name = "FlakyError"; }
const app = new Celery("lab", { broker: "redis" });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 1 },
  async function flaky(self: any, data: string) {
    await sleep(0.2);
    if (Math.random() < 0.7) throw self.retry({ exc: new FlakyError("Random failure occurred") });
    return \`Success after \${self.request.retries} retries\`;
  });
export default function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (const x of ["a", "b", "c"]) flaky.delay(x);
}
`;

const FLAKY_PY = `
import random
import time
from celery import Celery

class FlakyError(Exception):
    pass

app = Celery("lab", broker="redis")

@app.task(bind=True, max_retries=3, default_retry_delay=1)
def flaky(self, data):
    time.sleep(0.2)
    if random.random() < 0.7:
        raise self.retry(exc=FlakyError("Random failure occurred"))
    return f"Success after {self.request.retries} retries"

def main():
    app.worker(hostname="w1", concurrency=2)
    for x in ["a", "b", "c"]:
        flaky.delay(x)
`;

type Report = Awaited<ReturnType<typeof run>>["report"];
const outcome = (r: Report) => ({
  end: r.endReason,
  logs: r.logs.filter((l) => /Success|failed/.test(l)),
  tasks: r.tasks.map((t) => ({ state: t.state, retries: t.retries, result: t.result, exception: t.exception && t.exception.type })),
  events: r.events.map((e) => `${e.type}@${e.timestamp}`),
});

test("a Python scenario runs in the sandboxed worker: the TypeScript version's states, and no network", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const probe = new URL("python-probe/", baseURL).href;
  await page.route(`${probe}**`, (route) => {
    const name = route.request().url().slice(probe.length);
    if (name === "index.html") return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>python probe</title>" });
    if (name === "worker.js") return route.fulfill({ contentType: "text/javascript", body: workerSource });
    return route.fulfill({ body: readFileSync(PYODIDE_DIR + name) });
  });
  await page.goto(`${probe}index.html`);
  const frame = frameDocument("e2e22nonce");
  const seed = 3;
  const answer = await page.evaluate(
    async ({ frame, source, seed, attacker }) => {
      const iframe = document.createElement("iframe");
      iframe.setAttribute("sandbox", "allow-scripts");
      const ready = new Promise<void>((resolve) => addEventListener("message", (ev) => ev.source === iframe.contentWindow && (ev.data as { type?: string })?.type === "ready" && resolve()));
      iframe.srcdoc = frame;
      document.body.appendChild(iframe);
      await ready;
      const [text, wasm, stdlib, lock] = await Promise.all([
        fetch("worker.js").then((r) => r.text()),
        fetch("pyodide.asm.wasm").then((r) => r.arrayBuffer()),
        fetch("python_stdlib.zip").then((r) => r.arrayBuffer()),
        fetch("pyodide-lock.json").then((r) => r.text()),
      ]);
      const win = iframe.contentWindow!;
      win.postMessage({ type: "source", kind: "python", source: text }, "*");
      const { port1, port2 } = new MessageChannel();
      win.postMessage({ type: "spawn", kind: "python", id: 1, name: "python" }, "*", [port2]);
      const reply = new Promise((resolve) => (port1.onmessage = (ev) => resolve(ev.data)));
      port1.postMessage({ assets: { wasm, stdlib, lock }, source, seed, attacker }, [wasm, stdlib]);
      return reply;
    },
    { frame, source: FLAKY_PY, seed, attacker },
  ) as { ok: boolean; error?: string; loadMs: number; report: Report; net: string };
  expect(answer.error).toBeUndefined();
  expect(answer.report.endReason, `${answer.report.endMessage}\n${answer.report.logs.join("\n")}`).toBe("completed");
  const ts = await run(FLAKY_TS, { seed });
  expect(outcome(answer.report)).toEqual(outcome(ts.report));
  // The seed gives retries, a success and a failure past max_retries (the comparison has teeth).
  expect(new Set(ts.report.tasks.map((t) => t.state))).toEqual(new Set(["SUCCESS", "FAILURE"]));
  // Refused by the CSP: the FFI fetch rejects (JsException wraps its TypeError), pyfetch aborts.
  expect(answer.net).toMatch(/^fetch: (JsException|\w+Error); pyfetch: \w+Error$/);
  expect(answer.net).not.toContain("reached");
  // Control: the server listens (a request from the test arrives); Python sent nothing.
  await fetch(attacker + "/control");
  expect(received).toEqual(["/control"]);
  console.log(`Pyodide boot in the sandboxed worker: ${Math.round(answer.loadMs)} ms`);
});
