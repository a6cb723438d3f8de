/**
 * The watchdog tells loops from work on a loaded machine (issue 21): with two busy processes on the
 * two cores, a scenario that sends tasks in a long synchronous loop (work: it calls the simulator
 * all along) runs to the end, and one that spins is still stopped and named.
 *
 * `npm test` runs this file alone, after the other unit tests (package.json test:unit): the load it
 * tests under is its own two busy processes, not those plus the rest of the suite in parallel.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-load-"));
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

describe("the CLI watchdog under load", () => {
  it("a 100k-task burst sent in one loop is work, not a hang; a spin is still stopped, named", () => {
    const busy: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    try {
      const burst = file("burst.ts", `import { Celery } from "celery";
const app = new Celery("burst", { broker: "redis" });
export const add = app.task({ name: "add", ignoreResult: true }, (x: number) => x + 1);
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < 100000; i++) add.delay(i);
}`);
      const ok = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), "run", burst, "--no-events"], { cwd: root, encoding: "utf8", timeout: 240_000 });
      expect(ok.stderr).not.toMatch(/did not yield/);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/100000 sent/);
      const spin = file("spin.ts", `import { Celery } from "celery";
const app = new Celery("spin");
export default async function main() { for (;;) {} }`);
      const t0 = Date.now();
      const hung = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), "run", spin], { cwd: root, encoding: "utf8", timeout: 120_000 });
      expect(hung.status).toBe(2);
      expect(hung.stderr).toMatch(/^Stopped: main did not yield for 3.5 s/);
      // Named within the CLI's 5 s of the budget running out (start-up and compile come before it).
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      for (const b of busy) b.kill("SIGKILL");
    }
  }, 300_000);

  it("a loop that sends past the budget in one call is run again with longer ticks, to its end; a spin after it is named", () => {
    // V8's timeout ends a call and cannot resume it: the child starts the run again (same seed, same
    // run) with a longer tick while the simulator was still recording when it was cut. A budget of
    // 1 s under two busy processes: the 100k sends alone take longer than that.
    const busy: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    try {
      const send = (then: string) => `import { Celery } from "celery";
const app = new Celery("burst", { broker: "redis" });
export const add = app.task({ name: "add", ignoreResult: true }, (x: number) => x + 1);
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < 100000; i++) add.delay(i);
  ${then}
}`;
      const run = (f: string) => spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), "run", f, "--no-events", "--hang-timeout", "1"], { cwd: root, encoding: "utf8", timeout: 240_000 });
      const ok = run(file("long-loop.ts", send("")));
      expect(ok.stderr).not.toMatch(/did not yield/);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/100000 sent/);
      const hung = run(file("loop-then-spin.ts", send("for (;;) {}")));
      expect(hung.status, hung.stderr).toBe(2);
      expect(hung.stderr).toMatch(/^Stopped: main did not yield for 1 s/);
    } finally {
      for (const b of busy) b.kill("SIGKILL");
    }
  }, 300_000);
});
