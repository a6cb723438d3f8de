/** The readable summary of a report (what `run` prints without --json). */
import type { ReportSummary } from "../sim/engine/types";

/**
 * Scenario text (its logs, names, results, errors) with control characters shown as escapes: a
 * scenario's console must not move the cursor, clear lines or colour a CI log. Line breaks stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === "\t" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

export function summary(r: ReportSummary): string {
  return printable(summaryText(r));
}

function summaryText(r: ReportSummary): string {
  const lines: string[] = [];
  lines.push(`seed ${r.seed}  simulated ${r.simTime.toFixed(3)} s  trace ${r.traceHash}  (${r.endReason}: ${r.endMessage})`);
  const s = r.stats;
  lines.push(`tasks: ${s.sent} sent, ${s.succeeded} succeeded, ${s.failed} failed, ${s.retried} retries, ${s.revoked} revoked, ${s.lost} lost, ${s.duplicates} duplicate runs`);
  if (r.logCount) {
    lines.push("", "console:");
    for (const l of r.logs) lines.push(`  ${l}`);
    if (r.logCount > r.logs.length) lines.push(`  … ${r.logCount - r.logs.length} more lines`);
  }
  if (r.taskCount) {
    lines.push("", "  state      name                      retries  worker        sent    started  finished  result");
    for (const t of r.tasks) {
      const res = t.exception ? `${t.exception.type}: ${t.exception.message}` : JSON.stringify(t.result);
      lines.push(
        `  ${t.state.padEnd(10)} ${t.name.slice(0, 25).padEnd(25)} ${String(t.retries).padStart(7)}  ${(t.worker ?? "-").slice(0, 12).padEnd(12)} ${fmt(t.sentAt)} ${fmt(t.startedAt)} ${fmt(t.finishedAt)}   ${(res ?? "").slice(0, 60)}`,
      );
    }
    if (r.taskCount > r.tasks.length) lines.push(`  … ${r.taskCount - r.tasks.length} more tasks (use --json for all)`);
  }
  if (r.returned !== null && r.returned !== undefined) lines.push("", `main() returned ${JSON.stringify(r.returned)}`);
  if (r.error) lines.push("", `error: ${r.error.type}: ${r.error.message}`);
  return lines.join("\n");
}

function fmt(x: number | null): string {
  return x === null ? "      -" : x.toFixed(3).padStart(7);
}
