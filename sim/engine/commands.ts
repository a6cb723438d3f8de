/**
 * Control actions a person takes from the page (Flower's buttons): plain data, applied at a
 * simulated time, recorded in the trace. A replay from the seed with the same list repeats them.
 */
import type { World } from "../celery/world";
import type { CeleryApp } from "../celery/app";

export type ControlCommand =
  | { kind: "revoke"; taskId: string; terminate?: boolean; signal?: string }
  /** Send a failed task again (a new id, same name and arguments). */
  | { kind: "retry"; taskId: string }
  /** Send again every failed task of a name (Flower's oldest open request). */
  | { kind: "retry-failed"; taskName: string }
  | { kind: "rate-limit"; taskName: string; rate: string | null }
  | { kind: "time-limit"; taskName: string; soft?: number | null; hard?: number | null }
  | { kind: "pool-grow"; worker: string; n?: number }
  | { kind: "pool-shrink"; worker: string; n?: number }
  | { kind: "add-consumer"; worker: string; queue: string }
  | { kind: "cancel-consumer"; worker: string; queue: string }
  | { kind: "shutdown"; worker: string }
  | { kind: "restart"; worker: string }
  | { kind: "kill"; worker: string };

function appOf(world: World): CeleryApp {
  const app = world.apps[0];
  if (!app) throw new Error("the scenario made no Celery app");
  return app;
}

export function runCommand(world: World, cmd: ControlCommand): void {
  const app = appOf(world);
  const dest = "worker" in cmd ? { destination: [cmd.worker] } : {};
  world.sim.record("control", -1, -1, NaN, { command: cmd.kind, from: "page", ...cmd });
  switch (cmd.kind) {
    case "revoke":
      return app.control.revoke(cmd.taskId, { terminate: cmd.terminate, signal: cmd.signal });
    case "retry":
    case "retry-failed": {
      // A failed task is sent again once: clicking "retry all" twice does not send duplicates.
      const recs = cmd.kind === "retry" ? [world.tasks.get(cmd.taskId)].filter((r) => !!r) : world.tasks.all.filter((r) => r.name === cmd.taskName && r.state === "FAILURE" && !r.retriedAs);
      for (const rec of recs) {
        const owner = world.apps.find((a) => a._registry.has(rec!.name)) ?? app;
        const again = owner.sendTask(rec!.name, rec!.args, { kwargs: rec!.kwargs, queue: rec!.queue });
        rec!.retriedAs = again.id;
      }
      return;
    }
    case "rate-limit":
      return app.control.rateLimit(cmd.taskName, cmd.rate);
    case "time-limit":
      return app.control.timeLimit(cmd.taskName, { soft: cmd.soft, hard: cmd.hard });
    case "pool-grow":
      return app.control.poolGrow(cmd.n ?? 1, dest);
    case "pool-shrink":
      return app.control.poolShrink(cmd.n ?? 1, dest);
    case "add-consumer":
      return app.control.addConsumer(cmd.queue, dest);
    case "cancel-consumer":
      return app.control.cancelConsumer(cmd.queue, dest);
    case "shutdown":
      return app.control.shutdown(dest);
    case "restart":
    case "kill": {
      const w = world.workers.find((x) => x.name === cmd.worker);
      if (!w) return;
      if (cmd.kind === "kill") world.faultKillWorker(w, "killed from the page");
      else w.restart();
      return;
    }
  }
}
