/**
 * Sim.nestedStartsLate: a signal receiver called as a task ends is entered from inside the task's
 * code; Python under JSPI starts it in a later host turn (Pyodide's callPromising schedules the
 * call). Here a JavaScript program stands in for it: its task_postrun receiver takes a host turn
 * before it reads the clock, then waits on Redis. With the flag the flush runs it at the task's end;
 * without it the run moves on (the result's store) before the receiver reads the clock, and its
 * wait on Redis runs under another context.
 */
import { describe, expect, it } from "vitest";
import { createSession, type ModuleProgram } from "./session";
import { nodeHost } from "../testing/harness";

const hostTurn = () => new Promise<void>((r) => setImmediate(r));

function lateReceiver(nestedStartsLate: boolean): ModuleProgram {
  const program: ModuleProgram = (require, module, g) => {
    const celery = require("celery") as any;
    const app = new celery.Celery("late", { broker: "redis" });
    const work = app.task({ name: "work" }, async (n: number) => {
      await celery.sleep(0.1 * n);
      return n;
    });
    app.signals.taskPostrun.connect(async (info: any) => {
      await hostTurn(); // starts late, as a Python receiver through Pyodide's scheduling
      const atS = celery.now();
      await celery.redis.rpush("ends", String(atS));
      g.console.log(`postrun ${info.taskId} ${atS}`);
    });
    module.exports.default = async () => {
      app.worker({ hostname: "w1", concurrency: 2 });
      for (const r of [1, 2, 3, 4].map((n) => work.delay(n))) await r.get({ timeout: 10 });
      await celery.sleep(1);
    };
  };
  program.resumeTurns = 8;
  program.nestedStartsLate = nestedStartsLate;
  return program;
}

async function postrunLag(nestedStartsLate: boolean) {
  const session = await createSession("", { seed: 1, untilS: 60, host: nodeHost, program: lateReceiver(nestedStartsLate) });
  await session.advance();
  const report = session.report();
  expect(report.endReason, report.endMessage).toBe("completed");
  const lines = report.logs.filter((l) => l.startsWith("postrun "));
  return lines.map((l) => {
    const [, id, atS] = l.split(" ");
    const t = report.tasks.find((x) => x.id === id)!;
    return Number(atS) - t.finishedAt!;
  });
}

describe("Sim.nestedStartsLate", () => {
  it("runs a receiver that starts a host turn late at the moment of its signal", async () => {
    expect(await postrunLag(true)).toEqual([0, 0, 0, 0]);
  });

  it("without it the same receivers read the clock after the run moved on, or never finish", async () => {
    const lags = await postrunLag(false);
    expect(lags.length < 4 || lags.some((s) => s > 0), `lags ${lags}`).toBe(true);
  });
});
