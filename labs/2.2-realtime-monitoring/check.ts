import { defineChecks, type LabRun } from "../../sim/check/define";
import { countBy, fmt, percentile, returned, runtimeOf } from "../check-helpers";

/** Samples of a metric in Prometheus text: labels → value. */
function samples(text: string, metric: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line.trim());
    if (!m || m[1] !== metric) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

function alertsOf(r: LabRun, kind: "firing" | "resolved"): { atS: number; type: string }[] {
  const a = returned(r).alerts;
  return Array.isArray(a) ? a.filter((x) => x?.kind === kind && x?.type === "failure_rate") : [];
}

/** The alert rule the lab asks for: failure rate over the last WINDOW_S seconds above RATE for FOR_S seconds. */
const WINDOW_S = 10;
const RATE = 0.1;
const FOR_S = 5;
const MIN_SAMPLES = 10;

/**
 * The rule's condition evaluated from the run's own task events, once a second as the lab's
 * evaluator does: at each whole second, whether the failure rate over the last WINDOW_S seconds was
 * above RATE (with at least MIN_SAMPLES outcomes). Independent of the learner's code.
 */
function breachBySecond(r: LabRun): { atS: number; breached: boolean; rate: number }[] {
  const outcomes = [...r.events("task-succeeded"), ...r.events("task-failed")].map((e) => ({ atS: e.timestamp, ok: e.type === "task-succeeded" }));
  const end = Math.ceil(r.report.simTime);
  const out: { atS: number; breached: boolean; rate: number }[] = [];
  for (let t = 0; t <= end; t++) {
    const recent = outcomes.filter((o) => o.atS > t - WINDOW_S && o.atS <= t);
    const rate = recent.length < MIN_SAMPLES ? 0 : recent.filter((o) => !o.ok).length / recent.length;
    out.push({ atS: t, breached: rate > RATE, rate });
  }
  return out;
}

/** When the condition first started to hold, and when it first stopped holding after that. */
function incident(r: LabRun): { startS: number; endS: number | null } | null {
  const secs = breachBySecond(r);
  const start = secs.find((s) => s.breached);
  if (!start) return null;
  const end = secs.find((s) => s.atS > start.atS && !s.breached);
  return { startS: start.atS, endS: end?.atS ?? null };
}

/** What a worker had run and was running at `atS`, from the run's own events (not the learner's). */
function workerAt(r: LabRun, host: string, atS: number): { processed: number; active: number } {
  const by = (type: string) => r.events(type).filter((e) => e.hostname === host && e.timestamp <= atS + 1e-9).length;
  const processed = by("task-succeeded") + by("task-failed");
  return { processed, active: by("task-started") - processed };
}

export default defineChecks({
  seed: 1,
  untilS: 150,
  checks: [
    {
      id: "state-counts",
      title: "The monitor's counts per state match the run",
      explain:
        "Events have types like `task-succeeded`; states are `SUCCESS`. Track each task's current state by uuid with EVENT_STATE and count the states (TODO 1). At the end every order is SUCCESS or FAILURE, and your counts must match the tasks table.",
      run: (r) => {
        const want = countBy(r.report.tasks, (t) => t.eventState);
        const got = returned(r).stateCounts ?? {};
        const wrong = ["SUCCESS", "FAILURE"].filter((s) => (got[s] ?? 0) !== (want[s] ?? 0));
        if (wrong.length) return wrong.map((s) => `${s}: counted ${got[s] ?? 0}, the run has ${want[s] ?? 0}`).join("; ");
        const total = Object.values(got).reduce((a: number, b) => a + Number(b), 0);
        if (total > r.report.tasks.length)
          return `your counts add up to ${total} for ${r.report.tasks.length} tasks: count each task once, in its latest state (keep states[uuid]), not once per event`;
        return total === r.report.tasks.length ? true : `your counts add up to ${total} tasks, the run has ${r.report.tasks.length}`;
      },
    },
    {
      id: "worker-stats",
      title: "Per-worker stats: tasks processed by w1 and w2, and their heartbeats",
      explain:
        "Count task-succeeded and task-failed events by `hostname`, and keep the last worker-heartbeat's `timestamp` (TODO 2). Heartbeats come every 2 s while a worker is online.",
      run: (r) => {
        const stats = returned(r).workerStats ?? {};
        for (const host of ["w1", "w2"]) {
          const want = r.report.tasks.filter((t) => t.worker === host && (t.state === "SUCCESS" || t.state === "FAILURE")).length;
          const got = stats[host]?.processed;
          if (got !== want) return `${host}: you counted ${fmt(got, 0)} processed tasks, the run shows ${want}`;
          const beats = r.events("worker-heartbeat").filter((e) => e.hostname === host);
          const last = beats[beats.length - 1]?.timestamp;
          if (typeof stats[host]?.lastHeartbeat !== "number") return `${host}: no heartbeat recorded`;
          if (stats[host].lastHeartbeat !== last)
            return `${host}: lastHeartbeat is t=${fmt(stats[host].lastHeartbeat, 2)} s, but its last worker-heartbeat event was at t=${fmt(last, 2)} s: take it from worker-heartbeat events only`;
        }
        return true;
      },
    },
    {
      id: "inspect-health",
      title: "Worker health comes from the workers themselves: inspect() ping, stats and active",
      explain:
        "Implement `probeWorkers` (TODO 7) with `app.control.inspect()`: `ping()` for who answers, the sum of `stats()[host].total` for the tasks a worker has run, `active()[host].length` for what it runs now. Unlike a count kept from events, it is the worker's answer at the moment you ask (and a worker that does not answer is not alive).",
      run: (r) => {
        const health: { atS: number; alive: string[]; workers: Record<string, { processed: number; active: number }> }[] = returned(r).health ?? [];
        if (health.length < 8) return `${health.length} health probes were recorded, expected one every 10 s (at least 8)`;
        for (const h of health) {
          if (JSON.stringify(h.alive) !== JSON.stringify(["w1", "w2"])) return `at t=${fmt(h.atS, 1)} s the probe found ${JSON.stringify(h.alive)} alive, expected ["w1","w2"]: ask ping()`;
          for (const host of ["w1", "w2"]) {
            const want = workerAt(r, host, h.atS);
            const got = h.workers?.[host];
            if (got?.processed !== want.processed || got?.active !== want.active)
              return `at t=${fmt(h.atS, 1)} s your probe says ${host} had run ${fmt(got?.processed, 0)} tasks with ${fmt(got?.active, 0)} active; at that instant it had run ${want.processed} with ${want.active} active: ask the worker (stats()[host].total summed, active()[host].length) when you probe, not a count kept from events or heartbeats`;
          }
        }
        return true;
      },
    },
    {
      id: "metrics-counter",
      title: "/metrics exposes celery_tasks_total by task and status",
      explain:
        "Feed the collector from the events (TODO 3): `metrics.recordTask(name, \"SUCCESS\" | \"FAILURE\", runtime)`. Its `render()` then prints `celery_tasks_total{task_name=\"process_order\",status=\"SUCCESS\"} N` in Prometheus's text format.",
      run: (r) => {
        const text = String(returned(r).metricsText ?? "");
        const counter = samples(text, "celery_tasks_total");
        for (const status of ["SUCCESS", "FAILURE"]) {
          const want = r.tasksNamed("process_order").filter((t) => t.state === status).length;
          const got = counter.find((s) => s.labels.task_name === "process_order" && s.labels.status === status)?.value ?? 0;
          if (got !== want) return `celery_tasks_total for process_order ${status} is ${got}, the run has ${want}`;
        }
        const count = samples(text, "celery_task_duration_seconds_count").find((s) => s.labels.task_name === "process_order")?.value ?? 0;
        const ok = r.tasksNamed("process_order").filter((t) => t.state === "SUCCESS").length;
        return count === ok ? true : `the runtime histogram counted ${count} observations, expected ${ok} (one per success)`;
      },
    },
    {
      id: "runtime-p95",
      title: "The p95 runtime of process_order is right",
      explain:
        "Implement `percentile` (TODO 4): sort the recorded runtimes and take the value at rank ceil(p/100 × n). It must fall between the run's own p90 and p99 of process_order's runtimes.",
      run: (r) => {
        const xs = r.tasksNamed("process_order")
          .filter((t) => t.state === "SUCCESS")
          .map(runtimeOf)
          .filter((x): x is number => x !== null);
        const got = returned(r).p95Runtime;
        const lo = percentile(xs, 90) - 1e-6;
        const hi = percentile(xs, 99) + 1e-6;
        return typeof got === "number" && got >= lo && got <= hi
          ? true
          : `p95 reported ${fmt(got, 3)} s; the run's p90..p99 is ${fmt(lo, 3)}..${fmt(hi, 3)} s: the nearest-rank p95 is the runtime at rank ceil(0.95 × n) once the runtimes are sorted in increasing order`;
      },
    },
    {
      id: "alert-fires",
      title: "The failure-rate alert fires when the payment API goes down",
      explain:
        "The payment API is down from t=30 s to t=50 s. With a 10 s window, a 10% threshold and a 5 s `for`, the alert should fire between t=30 s and t=45 s (TODO 5).",
      run: (r) => {
        const firing = alertsOf(r, "firing");
        const inc = incident(r);
        if (!inc) return "the run's failure rate never went above 10%: was the outage simulated?";
        if (firing.length === 0) return `no failure_rate alert fired, though the failure rate over the last 10 s was above 10% from t=${inc.startS} s`;
        const first = firing[0]!.atS;
        const after = first - inc.startS;
        // The solution fires exactly FOR_S after on every seed; a learner's evaluator may tick at
        // another phase of the second, so one evaluation period either way.
        if (after < FOR_S - 1)
          return `the alert fired at t=${fmt(first, 1)} s, ${fmt(after, 1)} s after the failure rate first crossed 10% (t=${inc.startS} s): it fired without waiting for the condition to hold ${FOR_S} s (the rule's \`for\`), so any blip would page someone`;
        if (after > FOR_S + 1) return `the alert fired at t=${fmt(first, 1)} s, ${fmt(after, 1)} s after the failure rate first crossed 10% (t=${inc.startS} s); expected about ${FOR_S} s after (the rule's \`for\`)`;
        return true;
      },
    },
    {
      id: "no-flapping",
      title: "One incident, one alert: no flapping, no false alarm",
      explain:
        "Firing on every failed task sends dozens of alerts during one outage. Evaluate once a second, require the condition to hold for `forS` (TODO 5), and honour the cooldown in `sendAlert` (TODO 6). Exactly one failure_rate alert should fire in the whole run, and none before the outage.",
      run: (r) => {
        const firing = alertsOf(r, "firing");
        const early = firing.filter((a) => a.atS < 30);
        if (early.length) return `${early.length} alerts fired before the outage began (first at t=${fmt(early[0]!.atS, 1)} s)`;
        if (firing.length > 1)
          return `${firing.length} failure_rate alerts fired during one incident (at t=${firing.slice(0, 4).map((a) => fmt(a.atS, 0)).join(", ")}${firing.length > 4 ? "…" : ""} s): once firing, an alert must not be sent again until it resolves (and the cooldown holds a repeat back)`;
        return firing.length === 1 ? true : "no failure_rate alert fired";
      },
    },
    {
      id: "alert-resolves",
      title: "The alert resolves after the API recovers",
      explain:
        "When the rate drops back under the threshold, record a `resolved` alert (and log it). The API is back at t=50 s, so the alert resolves a little after that, once the window has moved past the failures.",
      run: (r) => {
        const resolved = alertsOf(r, "resolved");
        const inc = incident(r);
        const back = inc?.endS ?? null;
        if (resolved.length === 0)
          return back === null
            ? "the alert never resolved"
            : `the alert never resolved, though the failure rate over the last 10 s was back under 10% at t=${back} s: compute the rate over a sliding window of recent outcomes, not since the start of the run`;
        if (resolved.length > 1)
          return `${resolved.length} resolved alerts for one incident (at t=${resolved.slice(0, 4).map((a) => fmt(a.atS, 0)).join(", ")} s): resolve once, when a firing alert's condition stops holding`;
        const at = resolved[0]!.atS;
        if (at < 50) return `the alert resolved at t=${fmt(at, 1)} s, while the API was still down`;
        // One evaluation period either way, as for the fire time.
        if (back !== null && Math.abs(at - back) > 1)
          return `the alert resolved at t=${fmt(at, 1)} s, but the failure rate over the last 10 s was back under 10% at t=${back} s: resolve at the first evaluation where the condition no longer holds`;
        return true;
      },
    },
  ],
});
