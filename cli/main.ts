/**
 * `celery-playground run scenario.ts --seed 42 [--json] [--until S]`
 * `celery-playground check labs/<id> [--file x.ts] [--json]`
 *
 * The scenario runs in a sandbox (cli/sandbox/): a child process under Node's permission model whose
 * scenario code lives in a vm context with no host object, on the same runtime the browser uses. A
 * timeout stops a scenario whose code stops yielding (an infinite loop) and names the task.
 */
import { HANG_BUDGET_S } from "../sim/engine/hang";
import { readFileSync } from "node:fs";
import { runCommand } from "./run";
import { checkCommand } from "./check";
import { sweepCommand, sweepMergeCommand } from "./sweep";
import { DEFAULT_LIMITS, DEFAULT_MEMORY_MB, limitValue, type RunLimits } from "./sandbox/protocol";

const USAGE = `Usage:
  celery-playground run <scenario.ts|scenario.py> [--seed N] [--until SECONDS] [--json] [--no-events] [--costs realistic|ideal] [limits]
  celery-playground check <labs/ID> [--file solution.ts] [--json] [limits]
  celery-playground sweep <experiment.json> [--out DIR] [--threads N] [--json] [--shard i/n] [limits]
  celery-playground sweep merge <experiment.json> <shard files…> [--out DIR] [--json]

run     compiles and runs a scenario on the simulated clock; prints a summary, or the JSON report
check   runs a lab's checks against a file (default: the lab's solution.ts)
sweep   runs an experiment (parameters x seeds), N runs at a time; prints a table, writes CSV and JSON;
        --shard i/n runs one slice and writes a shard file, "sweep merge" joins the n shard files;
        each run has the limits below; exit 2 when a run hung, else 3 at a limit, else 1 when one failed
limits  --hang-timeout S (${HANG_BUDGET_S.cli}), --max-events N (${DEFAULT_LIMITS.maxEvents}), --max-tasks N (${DEFAULT_LIMITS.maxTasks}),
        --max-memory MB (${DEFAULT_MEMORY_MB})

The scenario runs sandboxed: no process, require, file system, child processes or network
(README, "Security"). A .py scenario runs in headless Chromium (Debian's chromium, or CHROMIUM_PATH),
in a worker with no network; --max-* limits apply to .ts runs only.
exit codes: 0 ran, 1 did not compile / the scenario threw / a check failed, 2 hung (infinite loop),
            3 a resource limit was reached, 4 the scenario reached for Node (process, require…)`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, target, ...rest] = argv;
  if (cmd === "sweep" && target === "merge") return sweepMergeCommand(rest);
  if (cmd === "sweep" && target) return sweepCommand(target, rest);
  let flags: Flags;
  try {
    flags = parseFlags(rest);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (!cmd || cmd === "--help" || cmd === "-h" || !target) {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd === "run") return runCommand(target, flags);
  if (cmd === "check") return checkCommand(target, flags);
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
  limits: RunLimits;
  memoryMb: number;
  costs?: "realistic" | "ideal";
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { seed: 42, json: false, events: true, timeoutS: HANG_BUDGET_S.cli, limits: { ...DEFAULT_LIMITS }, memoryMb: DEFAULT_MEMORY_MB };
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
    else if (a === "--costs") {
      const v = next();
      if (v !== "realistic" && v !== "ideal") throw new Error("--costs needs realistic or ideal");
      f.costs = v;
    }
    else if (a === "--hang-timeout") {
      f.timeoutS = Number(next());
      if (!(f.timeoutS > 0 && f.timeoutS < 86_400)) throw new Error("--hang-timeout needs a number of seconds above 0");
    }
    else if (a === "--max-events") f.limits.maxEvents = limitValue(a, next());
    else if (a === "--max-tasks") f.limits.maxTasks = limitValue(a, next());
    else if (a === "--max-memory") f.memoryMb = limitValue(a, next());
    else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isFinite(f.seed)) throw new Error("--seed needs a number");
  return f;
}

export function readSource(path: string): string {
  return readFileSync(path, "utf8");
}
