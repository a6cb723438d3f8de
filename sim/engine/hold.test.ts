/**
 * Sim.hold: a flow of a context's code that its runtime starts on a later host turn (a Python thread:
 * Pyodide starts a promising call a turn later, and the code that started it resumes a turn after
 * the thread first waits). A JavaScript program stands in for it: main starts a flow two host turns
 * late, waits for it to begin, and itself resumes two host turns after that. Held, both run at the
 * simulated instant they started and interleave on the clock; not held, the flush moves on as soon
 * as the flow waits, and main's sleeps start late, under no context of its own.
 */
import { describe, expect, it } from "vitest";
import { createSession, type ModuleProgram } from "./session";
import { nodeHost } from "../testing/harness";

const hostTurns = (n: number) => new Promise<void>((r) => (function hop(i: number) { if (i === 0) r(); else setImmediate(() => hop(i - 1)); })(n));

function lateFlow(useHold: boolean): ModuleProgram {
  const program: ModuleProgram = (require, module, g, engine) => {
    const celery = require("celery") as { sleep(s: number): Promise<void>; now(): number };
    const log = (who: string) => g.console.log(`${who} ${celery.now().toFixed(1)}`);
    module.exports.default = async () => {
      await celery.sleep(0.5); // main was woken by the simulator, as a Python main is after a wait
      const release = useHold ? engine.hold() : () => {};
      let began!: () => void;
      const started = new Promise<void>((r) => (began = r));
      const ended = (async () => {
        await hostTurns(2); // the runtime starts the flow late
        began();
        for (let i = 0; i < 3; i++) {
          log("flow");
          await celery.sleep(1);
        }
      })();
      await started;
      await hostTurns(2); // the starter resumes late
      release();
      for (let i = 0; i < 3; i++) {
        log("main");
        await celery.sleep(0.7);
      }
      await ended;
      log("end");
    };
  };
  program.resumeTurns = 8;
  return program;
}

async function run(useHold: boolean) {
  const session = await createSession("", { seed: 1, untilS: 60, host: nodeHost, program: lateFlow(useHold) });
  await session.advance();
  return session.report();
}

describe("Sim.hold", () => {
  it("keeps the flush on a context until its late flows have started and waited: they interleave on the clock", async () => {
    const report = await run(true);
    expect(report.endReason, report.endMessage).toBe("completed");
    expect(report.logs).toEqual(["flow 0.5", "main 0.5", "main 1.2", "flow 1.5", "main 1.9", "flow 2.5", "end 3.5"]);
  });

  it("without it, the flush moves on when the flow first waits, and main's sleeps run on another clock", async () => {
    const report = await run(false);
    // Seen: main's first line at 3.5 s, after the flow's three (the simulator ran on without it).
    expect(report.logs.find((l) => l.startsWith("main"))).not.toBe("main 0.5");
  });
});
