/**
 * `celery-playground run scenario.ts --seed 42 [--json] [--until S]`
 * `celery-playground check labs/<id> [--file x.ts] [--json]`
 *
 * The scenario runs in a worker thread, on the same runtime the browser uses. A watchdog on the
 * main thread stops a scenario whose code stops yielding (an infinite loop) and names the task.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { runCommand } from "./run";
import { checkCommand } from "./check";
import { workerMain } from "./run-worker";
import { sweepCommand } from "./sweep";

const USAGE = `Usage:
  celery-playground run <scenario.ts> [--seed N] [--until SECONDS] [--json] [--no-events]
  celery-playground check <labs/ID> [--file solution.ts] [--json]
  celery-playground sweep <experiment.json> [--out DIR] [--threads N] [--json]

run     compiles and runs a scenario on the simulated clock; prints a summary, or the JSON report
check   runs a lab's checks against a file (default: the lab's solution.ts)
sweep   runs an experiment (parameters x seeds) on worker threads; prints a table, writes CSV and JSON
exit codes: 0 ran, 1 did not compile / the scenario threw / a check failed, 2 hung (infinite loop)`;

export async function main(argv: string[], selfFile: string): Promise<number> {
  const [cmd, target, ...rest] = argv;
  if (cmd === "sweep" && target) return sweepCommand(target, rest, selfFile);
  const flags = parseFlags(rest);
  if (!cmd || cmd === "--help" || cmd === "-h" || !target) {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd === "run") return runCommand(target, flags, selfFile);
  if (cmd === "check") return checkCommand(target, flags, selfFile);
  console.error(`unknown command ${cmd}\n\n${USAGE}`);
  return 1;
}

export interface Flags {
  seed: number;
  untilS?: number;
  json: boolean;
  events: boolean;
  file?: string;
  timeoutS: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { seed: 42, json: false, events: true, timeoutS: 3.5 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--seed") f.seed = Number(next());
    else if (a === "--until") f.untilS = Number(next());
    else if (a === "--json") f.json = true;
    else if (a === "--no-events") f.events = false;
    else if (a === "--file") f.file = next();
    else if (a === "--hang-timeout") f.timeoutS = Number(next());
    else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isFinite(f.seed)) throw new Error("--seed needs a number");
  return f;
}

// In the worker thread, this same bundle runs the scenario.
if (!isMainThread && parentPort && (workerData as { role?: string })?.role === "scenario") {
  void workerMain(workerData, parentPort);
}

export function readSource(path: string): string {
  return readFileSync(path, "utf8");
}
