// mistake: the percentile is read from the runtimes in arrival order, without sorting them
// expect: sort
/**
 * Lab 2.2: Real-time monitoring dashboard (reference solution).
 */
import { Celery, sleep, now, service } from "celery";

const app = new Celery("monitoring_lab", { broker: "redis" });
// Celery sends task events only when asked: `celery worker -E` and task_send_sent_event.
app.conf.update({ workerSendTaskEvents: true, taskSendSentEvent: true });

/** The payment API orders depend on: 1% of calls fail, and it is down from t=30 s to t=50 s. */
const payments = service("payments", { latency: 0.05, failureRate: 0.01, outages: [{ fromS: 30, toS: 50 }] });

export const processOrder = app.task(async function process_order(orderId: number) {
  await sleep(0.05 + Math.random() * 0.3);
  await payments.call();
  return `order ${orderId} paid`;
});

type CeleryEvent = { type: string; uuid?: string; hostname: string | null; timestamp: number; [k: string]: any };

// ---------------------------------------------------------------- 1. Event monitor

/** The state a monitor shows after each task event (Flower's view of a task). */
const EVENT_STATE: Record<string, string> = {
  "task-sent": "PENDING",
  "task-received": "RECEIVED",
  "task-started": "STARTED",
  "task-succeeded": "SUCCESS",
  "task-failed": "FAILURE",
  "task-retried": "RETRY",
  "task-revoked": "REVOKED",
  "task-rejected": "REJECTED",
};
export const TERMINAL = new Set(["SUCCESS", "FAILURE", "REVOKED", "REJECTED"]);

class CeleryMonitor {
  /** uuid → current state; uuid → task name. */
  states: Record<string, string> = {};
  names: Record<string, string> = {};
  workerStats: Record<string, { processed: number; active: number; lastHeartbeat: number | null }> = {};

  captureEvent(e: CeleryEvent) {
    const state = EVENT_STATE[e.type];
    if (state && e.uuid) {
      if (typeof e.name === "string") this.names[e.uuid] = e.name;
      // Events can arrive out of order: never move a finished task back.
      if (!TERMINAL.has(this.states[e.uuid] ?? "")) this.states[e.uuid] = state;
    }
    if (e.hostname) {
      const w = (this.workerStats[e.hostname] ??= { processed: 0, active: 0, lastHeartbeat: null });
      if (e.type === "task-succeeded" || e.type === "task-failed") w.processed++;
      if (e.type === "worker-heartbeat") {
        w.active = Number(e.active ?? 0);
        w.lastHeartbeat = e.timestamp;
      }
    }
  }

  taskCounts(): Record<string, number> {
    const counts: Record<string, number> = { PENDING: 0, RECEIVED: 0, STARTED: 0, SUCCESS: 0, FAILURE: 0, RETRY: 0 };
    for (const s of Object.values(this.states)) counts[s] = (counts[s] ?? 0) + 1;
    return counts;
  }
}

// ---------------------------------------------------------------- 2. Metrics collector

const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5];

class CeleryMetrics {
  tasksTotal: Record<string, number> = {}; // "name|status" → count
  durations: Record<string, number[]> = {}; // name → observed runtimes

  recordTask(taskName: string, status: string, duration?: number) {
    const key = `${taskName}|${status}`;
    this.tasksTotal[key] = (this.tasksTotal[key] ?? 0) + 1;
    if (duration !== undefined) (this.durations[taskName] ??= []).push(duration);
  }

  /** Nearest-rank percentile of a task's runtimes. */
  percentile(taskName: string, p: number): number {
    const xs = [...(this.durations[taskName] ?? [])];
    if (xs.length === 0) return NaN;
    return xs[Math.min(xs.length, Math.max(1, Math.ceil((p / 100) * xs.length))) - 1]!;
  }

  /** Prometheus text exposition format, as a /metrics endpoint would serve it. */
  render(): string {
    const lines = [
      "# HELP celery_tasks_total Total number of tasks",
      "# TYPE celery_tasks_total counter",
    ];
    for (const [key, n] of Object.entries(this.tasksTotal)) {
      const [name, status] = key.split("|");
      lines.push(`celery_tasks_total{task_name="${name}",status="${status}"} ${n}`);
    }
    lines.push("# HELP celery_task_duration_seconds Task execution time", "# TYPE celery_task_duration_seconds histogram");
    for (const [name, xs] of Object.entries(this.durations)) {
      for (const le of BUCKETS) lines.push(`celery_task_duration_seconds_bucket{task_name="${name}",le="${le}"} ${xs.filter((x) => x <= le).length}`);
      lines.push(`celery_task_duration_seconds_bucket{task_name="${name}",le="+Inf"} ${xs.length}`);
      lines.push(`celery_task_duration_seconds_sum{task_name="${name}"} ${xs.reduce((a, b) => a + b, 0)}`);
      lines.push(`celery_task_duration_seconds_count{task_name="${name}"} ${xs.length}`);
    }
    return lines.join("\n") + "\n";
  }
}

// ---------------------------------------------------------------- 3. Alerting

interface Alert {
  type: string;
  kind: "firing" | "resolved";
  atS: number;
  message: string;
  severity: string;
}

class AlertManager {
  thresholds = { failureRate: 0.1 };
  /** The failure rate is computed over the last windowS seconds. */
  windowS = 10;
  /** The condition must hold this long before the alert fires (Prometheus's `for`). */
  forS = 5;
  /** The same alert is not sent again within this many seconds. */
  cooldownS = 60;

  outcomes: { atS: number; ok: boolean }[] = [];
  alerts: Alert[] = [];
  private breachedSince: number | null = null;
  private firing = false;
  private lastSent: Record<string, number> = {};

  recordOutcome(ok: boolean) {
    this.outcomes.push({ atS: now(), ok });
  }

  failureRate(): number {
    const since = now() - this.windowS;
    const recent = this.outcomes.filter((o) => o.atS > since);
    if (recent.length < 10) return 0; // too few to judge
    return recent.filter((o) => !o.ok).length / recent.length;
  }

  /** Called once per simulated second. */
  evaluate() {
    const t = now();
    const rate = this.failureRate();
    if (rate > this.thresholds.failureRate) {
      this.breachedSince ??= t;
      if (!this.firing && t - this.breachedSince >= this.forS) {
        this.firing = true;
        this.sendAlert("failure_rate", `failure rate ${(rate * 100).toFixed(0)}% over ${this.windowS}s`, "critical");
      }
    } else {
      this.breachedSince = null;
      if (this.firing) {
        this.firing = false;
        this.alerts.push({ type: "failure_rate", kind: "resolved", atS: t, message: `failure rate back to ${(rate * 100).toFixed(0)}%`, severity: "info" });
        console.log(`✅ RESOLVED failure_rate at t=${t.toFixed(1)}`);
      }
    }
  }

  sendAlert(type: string, message: string, severity = "warning") {
    const t = now();
    const last = this.lastSent[type];
    if (last !== undefined && t - last < this.cooldownS) return; // cooldown
    this.lastSent[type] = t;
    this.alerts.push({ type, kind: "firing", atS: t, message, severity });
    console.log(`🚨 ALERT ${type} [${severity}] at t=${t.toFixed(1)}: ${message}`);
  }
}

// ---------------------------------------------------------------- 4. Worker health (remote control)

interface HealthSample {
  atS: number;
  /** Workers that answered ping(), sorted. */
  alive: string[];
  /** Per worker: tasks it has run so far (stats) and tasks running right now (active). */
  workers: Record<string, { processed: number; active: number }>;
}

/** One health probe, as the seed's monitors (and a liveness probe) ask the workers themselves. */
function probeWorkers(): HealthSample {
  const inspect = app.control.inspect();
  const pong = inspect.ping() ?? {};
  const stats = inspect.stats() ?? {};
  const active = inspect.active() ?? {};
  const workers: HealthSample["workers"] = {};
  for (const host of Object.keys(pong)) {
    const processed = Object.values(stats[host]?.total ?? {}).reduce((a: number, n) => a + Number(n), 0);
    workers[host] = { processed, active: (active[host] ?? []).length };
  }
  return { atS: now(), alive: Object.keys(pong).sort(), workers };
}

// ---------------------------------------------------------------- Driving it

const TASK_EVENTS = Object.keys(EVENT_STATE);
const WORKER_EVENTS = ["worker-online", "worker-heartbeat", "worker-offline"];

export default async function main() {
  const monitor = new CeleryMonitor();
  const metrics = new CeleryMetrics();
  const alertManager = new AlertManager();

  for (const type of [...TASK_EVENTS, ...WORKER_EVENTS]) {
    app.events.on(type, (e: CeleryEvent) => {
      monitor.captureEvent(e);
      if (e.type === "task-succeeded" || e.type === "task-failed") {
        const name = monitor.names[e.uuid!] ?? "unknown";
        const ok = e.type === "task-succeeded";
        metrics.recordTask(name, ok ? "SUCCESS" : "FAILURE", ok ? Number(e.runtime) : undefined);
        alertManager.recordOutcome(ok);
      }
    });
  }

  app.worker({ hostname: "w1", concurrency: 4 });
  app.worker({ hostname: "w2", concurrency: 4 });

  let running = true;
  const evaluator = (async () => {
    while (running) {
      alertManager.evaluate();
      await sleep(1);
    }
  })();
  const health: HealthSample[] = [];
  const prober = (async () => {
    await sleep(5.1); // between two sends (every 0.2 s): a probe never shares an instant with one
    while (running) {
      health.push(probeWorkers());
      await sleep(10);
    }
  })();

  // Traffic: 5 orders per second for 90 s.
  for (let i = 0; i < 450; i++) {
    processOrder.delay(i);
    await sleep(0.2);
  }
  await sleep(10);
  running = false;
  await evaluator;
  await prober;

  const stateCounts = monitor.taskCounts();
  console.log("task counts:", JSON.stringify(stateCounts));
  console.log("workers:", JSON.stringify(monitor.workerStats));
  const p95 = metrics.percentile("process_order", 95);
  console.log(`process_order p95 runtime: ${p95.toFixed(3)} s`);
  console.log(metrics.render());

  return {
    stateCounts,
    workerStats: monitor.workerStats,
    metricsText: metrics.render(),
    p95Runtime: p95,
    alerts: alertManager.alerts,
    health,
  };
}
