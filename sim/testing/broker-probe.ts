/**
 * Asking the simulated broker itself, from inside a scenario, for tests that check a count replayed
 * from the trace: a snippet logs app.broker.queues() and unackedCount() on a timer, and
 * brokerProbes() reads those log lines back with their place in the trace.
 */
import type { TraceEvent } from "../kernel/trace";

export interface BrokerProbe {
  /** Index of the probe's log event in the trace. */
  i: number;
  atS: number;
  /** Messages waiting, per queue. */
  queues: Record<string, number>;
  /** Messages delivered and not acknowledged, all queues. */
  unacked: number;
}

const TAG = "PROBE ";

/** Scenario text (with `app` and `now` in scope): a probe every `everyMs`, the first at `firstMs`. */
export function brokerProbeSnippet(everyMs: number, firstMs = everyMs): string {
  const probe = `() => console.log(${JSON.stringify(TAG)} + JSON.stringify({ atS: now(), queues: app.broker.queues(), unacked: app.broker.unackedCount() }))`;
  return `\nsetTimeout(() => { const probe = ${probe}; probe(); setInterval(probe, ${everyMs}); }, ${firstMs});\n`;
}

/** The probes a run's trace holds, in order. */
export function brokerProbes(trace: readonly Pick<TraceEvent, "i" | "kind" | "data">[]): BrokerProbe[] {
  const out: BrokerProbe[] = [];
  for (const ev of trace) {
    if (ev.kind !== "log") continue;
    const text = String((ev.data as { text?: unknown } | undefined)?.text ?? "");
    if (text.startsWith(TAG)) out.push({ i: ev.i, ...(JSON.parse(text.slice(TAG.length)) as Omit<BrokerProbe, "i">) });
  }
  return out;
}
