/**
 * What a person adds to a run from the page, besides the code and the seed: alert rules and control
 * commands. Both are plain data that travel with the load request, so a replay from the seed (a seek,
 * a reset, a shared link) installs them again and gives the same trace.
 *
 * - Alert rules are evaluated inside the simulation by an AlertEvaluator over Flower's metrics, from
 *   t = 0, every rule's interval; each transition is an "alert" trace event with its reason.
 * - Commands are scheduled at their simulated times through `session.command`, in list order (two
 *   at the same time keep their order); each records a "control" event when it runs. A command at a
 *   time the run would otherwise have finished by keeps the run going until it is applied.
 */
import type { Sim } from "../../engine/sim";
import type { World } from "../../celery/world";
import type { ControlCommand } from "../../engine/commands";
import { AlertEvaluator } from "./alerts";
import { FlowerMetrics } from "./flower";
import { MetricsQuery } from "./query";
import { compileAlertRule, parseDuration, type AlertRuleSpec } from "./rules";

export interface TimedCommand {
  /** Simulated seconds at which it is applied. */
  atS: number;
  cmd: ControlCommand;
}

export interface RunInputs {
  alerts?: AlertRuleSpec[];
  commands?: TimedCommand[];
}

/** The parts of a loaded session this needs (ScenarioSession has them). */
export interface InputTarget {
  readonly sim: Sim;
  readonly world: World;
  command(cmd: ControlCommand, atS?: number): void;
}

export interface InstalledInputs {
  evaluator: AlertEvaluator | null;
  metrics: FlowerMetrics | null;
}

/** Install rules and commands into a freshly loaded session (before it advances). Throws on a bad rule. */
export function installRunInputs(target: InputTarget, inputs: RunInputs = {}): InstalledInputs {
  const rules = (inputs.alerts ?? []).map(compileAlertRule);
  let evaluator: AlertEvaluator | null = null;
  let metrics: FlowerMetrics | null = null;
  if (rules.length) {
    const w = target.world;
    metrics = new FlowerMetrics(target.sim, {
      taskName: (i) => w.tasks.at(i)?.name ?? "",
      workerHostname: (i) => w.workers[i]?.name ?? "",
      queueOf: (i) => w.tasks.at(i)?.queue ?? "celery",
    });
    metrics.attach();
    const longest = Math.max(600, ...(inputs.alerts ?? []).map((r) => 2 * windowOf(r.expr)));
    const query = new MetricsQuery(metrics.registry, target.sim, { retentionS: longest });
    evaluator = new AlertEvaluator(target.sim, query, rules);
    evaluator.start();
  }
  for (const c of inputs.commands ?? []) {
    const atS = Number.isFinite(c.atS) ? Math.max(target.sim.nowS, c.atS) : target.sim.nowS;
    target.command(c.cmd, atS);
  }
  return { evaluator, metrics };
}

/** The longest [range] in an expression, in seconds (for how much history to keep). */
function windowOf(expr: string): number {
  let max = 0;
  for (const m of expr.matchAll(/\[([^\]]+)\]/g)) {
    max = Math.max(max, parseDuration(m[1]!));
  }
  return max;
}
