/**
 * Test harness (Node only): compile a scenario with esbuild exactly as the runner does, run it to
 * the end on the simulated clock, and hand back the report, the trace and the world.
 */
import * as esbuild from "esbuild";
import { compileScenario, formatDiagnostic } from "../engine/compile";
import { createSession } from "../engine/session";
import type { Host } from "../engine/sim";
import type { Report } from "../engine/types";
import type { TraceEvent } from "../kernel/trace";

export const nodeHost: Host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

export interface RunOutcome {
  report: Report;
  trace: TraceEvent[];
  session: Awaited<ReturnType<typeof createSession>>;
  /** Tasks by name, in send order. */
  tasks(name: string): Report["tasks"];
  task(name: string): Report["tasks"][number];
  events(uuid: string): string[];
}

export async function compile(source: string, file = "scenario.ts"): Promise<string> {
  const out = await compileScenario(esbuild, source, file);
  if (!out.ok) throw new Error(out.diagnostics.map(formatDiagnostic).join("\n"));
  return out.code;
}

/**
 * Run a scenario to the end. `oneProcess`: every process shares the client's module (see
 * SessionOptions) — for tests whose scenario records what happened in module-level spies.
 */
export async function run(source: string, opts: { seed?: number; untilS?: number; events?: boolean; trace?: boolean; oneProcess?: boolean; costs?: "realistic" | "ideal" } = {}): Promise<RunOutcome> {
  const code = await compile(source);
  const session = await createSession(code, { seed: opts.seed ?? 1, untilS: opts.untilS, host: nodeHost, ...(opts.oneProcess ? { oneProcess: true } : {}), ...(opts.costs ? { costs: opts.costs } : {}) });
  await session.advance();
  const report = session.report({ events: opts.events ?? true });
  if (report.error) throw new Error(`scenario failed (seed ${opts.seed ?? 1}): ${report.endMessage}\n${report.error.traceback ?? ""}`);
  const trace = opts.trace === false ? [] : session.sim.trace.slice();
  return {
    report,
    trace,
    session,
    tasks: (name) => report.tasks.filter((t) => t.name === name),
    task: (name) => {
      const t = report.tasks.find((x) => x.name === name);
      if (!t) throw new Error(`no task named ${name} in the run (have: ${[...new Set(report.tasks.map((x) => x.name))].join(", ")})`);
      return t;
    },
    events: (uuid) => report.events.filter((e) => e.uuid === uuid).map((e) => e.type),
  };
}
