/**
 * Sim.resumeTurns: a woken context that resumes through its runtime's own task queue (Python under
 * JSPI: Pyodide's MessageChannel) gets several host turns to wait again or end. Here a JavaScript
 * program stands in for it: after each `.get()` main takes three host turns of its own before its
 * next call. With one turn the flush moves on and main's next `.get()` runs under a task's context.
 */
import { describe, expect, it } from "vitest";
import { createSession, type ModuleProgram } from "./session";
import { nodeHost } from "../testing/harness";

const hostTurns = (n: number) => new Promise<void>((r) => (function hop(i: number) { if (i === 0) r(); else setImmediate(() => hop(i - 1)); })(n));

function lateResumer(resumeTurns?: number): ModuleProgram {
  const program: ModuleProgram = (require, module, g) => {
    const celery = require("celery") as any;
    const app = new celery.Celery("late", { broker: "redis" });
    const work = app.task({ name: "work" }, async (n: number) => {
      await celery.sleep(0.1);
      if (n % 2) throw new Error(`boom ${n}`);
      return n;
    });
    module.exports.default = async () => {
      app.worker({ hostname: "w1", concurrency: 2 });
      const results = [0, 1, 2, 3, 4, 5].map((n) => work.delay(n));
      for (const r of results) {
        try {
          g.console.log(`ok ${await r.get({ timeout: 10 })}`);
        } catch (e) {
          g.console.log(`failed ${(e as Error).message}`);
        }
        await hostTurns(3); // resumes late, as a Python frame through Pyodide's scheduling
      }
    };
  };
  if (resumeTurns) program.resumeTurns = resumeTurns;
  return program;
}

async function runLate(resumeTurns?: number) {
  const session = await createSession("", { seed: 1, untilS: 60, host: nodeHost, program: lateResumer(resumeTurns) });
  await session.advance();
  return session.report();
}

describe("Sim.resumeTurns", () => {
  it("gives a late-resuming main the turns it needs: every .get() returns or raises in main", async () => {
    const report = await runLate(8);
    expect(report.endReason, report.endMessage).toBe("completed");
    expect(report.logs).toEqual(["ok 0", "failed boom 1", "ok 2", "failed boom 3", "ok 4", "failed boom 5"]);
  });

  it("with TypeScript's one turn, the same main's next call runs under another context", async () => {
    const report = await runLate();
    expect(report.endReason).not.toBe("completed");
  });
});
