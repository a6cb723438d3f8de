/**
 * The report of a big run without holding it whole (issue 21): `reportPieces` yields the exact text
 * of `JSON.stringify(session.report(o))` in pieces of at most `batch` tasks or events each, so a
 * 400k-task report streams to stdout while only one batch of views exists at a time; `reportSummary`
 * builds only what the CLI's readable summary prints (the first tasks and log lines, the counts).
 */
import type { World } from "../celery/world";
import type { EndReason } from "./sim";
import type { Sim } from "./sim";
import { celeryEvents, queueViews, runStats, taskView, workerViews } from "./report";
import type { Report, ReportSummary, SerializedError } from "./types";

/** What a report is built from (a ScenarioSession). */
export interface ReportSource {
  readonly seed: number;
  readonly sim: Sim;
  readonly world: World;
  readonly endReason: EndReason;
  readonly endMessage: string;
  readonly returned: unknown;
  readonly error: SerializedError | null;
}

/** Tasks or trace events per piece: a piece of 2,000 task views is ~1 MB of text. */
export const REPORT_BATCH = 2000;
/** What the readable summary shows (cli/summary.ts). */
export const SUMMARY_TASKS = 30;
export const SUMMARY_LOGS = 50;

/** The report's first keys, in the order `Report` declares them (the whole report's key order is here). */
export function reportHead(s: ReportSource): Pick<Report, "seed" | "simTime" | "traceHash" | "endReason" | "endMessage" | "returned" | "error" | "logs"> {
  return {
    seed: s.seed,
    simTime: s.sim.nowS,
    traceHash: s.sim.trace.hash(),
    endReason: s.endReason,
    endMessage: s.endMessage,
    returned: s.returned,
    error: s.error,
    logs: s.world.logs.map((l) => l.text),
  };
}

export function reportTail(s: ReportSource): Pick<Report, "workers" | "queues" | "stats"> {
  return { workers: workerViews(s.world), queues: queueViews(s.world), stats: runStats(s.world) };
}

/**
 * The report's JSON text in pieces (never an empty one); joined, they are byte for byte
 * `JSON.stringify(report)`. Task views and celery events are made one batch at a time, as asked for.
 */
export function* reportPieces(s: ReportSource, o: { events?: boolean } = {}, batch = REPORT_BATCH): Generator<string> {
  const head = JSON.stringify(reportHead(s));
  yield head.slice(0, -1) + ',"tasks":[';
  const tasks = s.world.tasks.all;
  for (let from = 0; from < tasks.length; from += batch) {
    const views = [];
    for (let i = from; i < Math.min(from + batch, tasks.length); i++) views.push(taskView(tasks[i]!));
    yield (from > 0 ? "," : "") + JSON.stringify(views).slice(1, -1);
  }
  yield '],"events":[';
  if (o.events !== false) {
    const traceLength = s.sim.trace.length;
    let first = true;
    for (let from = 0; from < traceLength; from += batch) {
      const evs = celeryEvents(s.world, from, Math.min(from + batch, traceLength));
      if (!evs.length) continue;
      yield (first ? "" : ",") + JSON.stringify(evs).slice(1, -1);
      first = false;
    }
  }
  yield "]," + JSON.stringify(reportTail(s)).slice(1);
}

/** What the readable summary prints, and nothing more: a few task views whatever the run's size. */
export function reportSummary(s: ReportSource): ReportSummary {
  const tasks = s.world.tasks.all;
  const logs = s.world.logs;
  return {
    seed: s.seed,
    simTime: s.sim.nowS,
    traceHash: s.sim.trace.hash(),
    endReason: s.endReason,
    endMessage: s.endMessage,
    returned: s.returned,
    error: s.error,
    logs: logs.slice(0, SUMMARY_LOGS).map((l) => l.text),
    logCount: logs.length,
    tasks: tasks.slice(0, SUMMARY_TASKS).map(taskView),
    taskCount: tasks.length,
    stats: runStats(s.world),
  };
}

/** The summary of a whole report (for a report already in hand). */
export function summaryOf(r: Report): ReportSummary {
  return {
    seed: r.seed,
    simTime: r.simTime,
    traceHash: r.traceHash,
    endReason: r.endReason,
    endMessage: r.endMessage,
    returned: r.returned,
    error: r.error,
    logs: r.logs.slice(0, SUMMARY_LOGS),
    logCount: r.logs.length,
    tasks: r.tasks.slice(0, SUMMARY_TASKS),
    taskCount: r.tasks.length,
    stats: r.stats,
  };
}
