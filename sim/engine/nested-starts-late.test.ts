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
import { ExecContext, Sim } from "./sim";
import { nodeHost } from "../testing/harness";

const hostTurn = () => new Promise<void>((r) => setImmediate(r));

/** How the receiver says when it runs (Sim.lateFlow), as py/celery's dispatcher and Bridge.wait do. */
type FlowUse = "none" | "flow";

function lateReceiver(nestedStartsLate: boolean, flowUse: FlowUse = "none", resumeTurns = 8): ModuleProgram {
  const program: ModuleProgram = (require, module, g, runtime) => {
    const celery = require("celery") as any;
    const app = new celery.Celery("late", { broker: "redis" });
    const work = app.task({ name: "work" }, async (n: number) => {
      await celery.sleep(0.1 * n);
      return n;
    });
    app.signals.taskPostrun.connect(async (info: any) => {
      const flow = flowUse === "flow" ? runtime.flow() : null;
      await hostTurn(); // starts late, as a Python receiver through Pyodide's scheduling
      flow?.begin();
      const atS = celery.now();
      const reply = celery.redis.rpush("ends", String(atS));
      flow?.suspend();
      await reply;
      flow?.resume();
      g.console.log(`postrun ${info.taskId} ${atS}`);
      flow?.end();
    });
    module.exports.default = async () => {
      app.worker({ hostname: "w1", concurrency: 2 });
      for (const r of [1, 2, 3, 4].map((n) => work.delay(n))) await r.get({ timeout: 10 });
      await celery.sleep(1);
    };
  };
  program.resumeTurns = resumeTurns;
  program.nestedStartsLate = nestedStartsLate;
  return program;
}

async function postrunLag(nestedStartsLate: boolean, flowUse: FlowUse = "none", host = nodeHost, resumeTurns = 8) {
  const session = await createSession("", { seed: 1, untilS: 60, host, program: lateReceiver(nestedStartsLate, flowUse, resumeTurns) });
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

  it("a receiver that says when it runs (Sim.lateFlow) costs its flushes a few host turns, not resumeTurns", async () => {
    // Python's task_postrun receivers of lab 3.2 held each task's flush for all 64 of Python's
    // resumeTurns: the receiver's Redis call was filed under the task's context (the one the flush
    // was running when Pyodide started it), so its own never waited; and once re-entered by the
    // reply and done, nothing said it had ended. With a flow and an ended handler, a few turns.
    const turns = async (flowUse: FlowUse) => {
      let yields = 0;
      const host = { yieldMacrotask: () => (yields++, nodeHost.yieldMacrotask()) };
      expect(await postrunLag(true, flowUse, host, 64)).toEqual([0, 0, 0, 0]);
      return yields;
    };
    const withFlow = await turns("flow");
    const without = await turns("none");
    expect(withFlow, `host turns with the flow: ${withFlow}`).toBeLessThan(4 * 8);
    expect(without, `host turns without the flow: ${without}`).toBeLessThan(4 * 8);
  });
});

describe("Sim.lateFlow", () => {
  it("files a late flow's waits under its own context, and gives the running one back when it waits", () => {
    const sim = new Sim(1, nodeHost);
    const receiver = new ExecContext("handler", "signal task_postrun");
    const task = new ExecContext("task", "work[1]");
    const flow = sim.lateFlow(receiver);
    sim.current = task; // what the flush was running when the runtime started the receiver
    flow.begin();
    const wait = sim.pending();
    expect(wait.ctx).toBe(receiver);
    expect(receiver.parked).toBe(true);
    expect(task.parked).toBe(false);
    flow.suspend();
    expect(sim.current).toBe(task);
    flow.resume();
    expect(sim.current).toBe(receiver);
    flow.end();
    expect(sim.current).toBe(task);
  });
});
