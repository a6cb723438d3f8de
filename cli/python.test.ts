/**
 * `run scenario.py`: a Python scenario through the CLI, in headless Chromium (Node 20 has no JSPI),
 * with the .ts path's report, summary and exit codes, its errors at file:line:column, its watchdog,
 * and no network. Each run starts a browser and boots Pyodide (~10 s here).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-cli-py-"));
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A local server that counts what reaches it: nothing should. */
async function listener(): Promise<{ port: number; hits: () => number; close: () => void }> {
  let hits = 0;
  const server = createServer((sock) => {
    hits++;
    sock.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, hits: () => hits, close: () => server.close() };
}

describe("celery-playground run scenario.py", () => {
  it("runs in Chromium: the report as for .ts (--json), the worker's fetch refused, the seed's run", async () => {
    const server = await listener();
    try {
      const f = file("hello.py", `
from celery import Celery, Task
import time, js
from pyodide.ffi import run_sync

app = Celery("hello", broker="redis://localhost")

class Hooked(Task):
    def on_success(self, retval, task_id, args, kwargs):
        print(f"on_success {retval}")
        time.sleep(1)  # refused: a hook runs synchronously

@app.task(base=Hooked)
def add(x, y):
    time.sleep(0.5)
    return x + y

def main():
    try:
        run_sync(js.fetch("http://127.0.0.1:${server.port}/steal"))
        print("fetch reached the network")
    except Exception as e:
        print("fetch refused")
    app.worker(hostname="w1", concurrency=2)
    return add.delay(2, 3).get(timeout=10)
`);
      const r = cli(["run", f, "--seed", "7", "--json"]);
      expect(r.code, r.err).toBe(0);
      const rep = JSON.parse(r.out);
      expect(rep.seed).toBe(7);
      expect(rep.endReason).toBe("completed");
      expect(rep.returned).toBe(5);
      expect(rep.tasks.map((t: { name: string; state: string; result: unknown }) => [t.name, t.state, t.result])).toEqual([["add", "SUCCESS", 5]]);
      expect(rep.logs).toEqual([
        "fetch refused",
        "on_success 5",
        expect.stringMatching(/^a hook of add raised RuntimeError\("cannot wait in place here .*task hooks \(on_success, on_failure\.\.\.\) run synchronously/),
      ]);
      expect(rep.events.length).toBeGreaterThan(0);
      // The task slept 0.5 s of simulated time after the worker came up.
      const t = rep.tasks[0];
      expect(t.finishedAt - t.startedAt).toBeCloseTo(0.5, 2);
      expect(server.hits()).toBe(0);
    } finally {
      server.close();
    }
  }, 120_000);

  it("an error is reported at its file, line and column, exit 1; a loop in main is stopped and named, exit 2", () => {
    const err = cli(["run", file("err.py", 'from celery import Celery\napp = Celery("x")\n\ndef main():\n    raise ValueError("bad setting")\n')]);
    expect(err.code).toBe(1);
    expect(err.err).toMatch(/err\.py: main\(\) threw \(err\.py:5:5\): ValueError: bad setting/);
    // (A SyntaxError's column comes from the same place, src/lib/python-error.ts, unit-tested there.)
    const loop = cli(["run", file("loop.py", 'from celery import Celery\napp = Celery("x")\n\ndef main():\n    while True:\n        pass\n'), "--hang-timeout", "3"]);
    expect(loop.code).toBe(2);
    expect(loop.err).toMatch(/^Stopped: main did not yield for 3 s \(infinite loop\?\)/);
  }, 240_000);

  it("says what is missing when there is no Chromium, exit 1", () => {
    const r = cli(["run", file("none.py", "x = 1\n")], { CHROMIUM_PATH: "/nonexistent/chromium" });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Python scenarios need Chromium \(Node 20 has no JSPI\): install Debian's chromium/);
  });
});
