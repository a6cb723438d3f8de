# mistake: the alert fires as soon as the failure rate crosses the threshold (no `for` duration)
# expect: without waiting for the condition to hold
"""Lab 2.2: Real-time monitoring dashboard, in Python (reference solution).

A monitor fed by Celery's events, a metrics collector with a Prometheus text endpoint, an alert
manager with thresholds, a ``for`` duration and a cooldown, and a health probe that asks the workers
themselves, all watching 90 s of order traffic. Adapted from the course only where the simulator's
world differs: events come from ``app.events.on`` (a receiver's handlers), the payment API is a
simulated service, and the evaluator and the prober are threads of main, on the simulated clock.
"""
import math
import random
import threading
import time

from celery import Celery, service

app = Celery("monitoring_lab", broker="redis")
# Celery sends task events only when asked: `celery worker -E` and task_send_sent_event.
app.conf.update(worker_send_task_events=True, task_send_sent_event=True)

# The payment API orders depend on: 1% of calls fail, and it is down from t=30 s to t=50 s.
payments = service("payments", latency=0.05, failure_rate=0.01, outages=[(30, 50)])


@app.task
def process_order(order_id):
    time.sleep(0.05 + random.random() * 0.3)
    payments.call()
    return f"order {order_id} paid"


# ---------------------------------------------------------------- 1. Event monitor

# The state a monitor shows after each task event (Flower's view of a task).
EVENT_STATE = {
    "task-sent": "PENDING",
    "task-received": "RECEIVED",
    "task-started": "STARTED",
    "task-succeeded": "SUCCESS",
    "task-failed": "FAILURE",
    "task-retried": "RETRY",
    "task-revoked": "REVOKED",
    "task-rejected": "REJECTED",
}
TERMINAL = {"SUCCESS", "FAILURE", "REVOKED", "REJECTED"}


class CeleryMonitor:
    def __init__(self):
        self.states = {}  # uuid → current state
        self.names = {}  # uuid → task name
        self.worker_stats = {}  # hostname → {"processed", "active", "lastHeartbeat"}

    def capture_event(self, event):
        state = EVENT_STATE.get(event.type)
        uuid = event.get("uuid")
        if state and uuid:
            if isinstance(event.get("name"), str):
                self.names[uuid] = event.name
            # Events can arrive out of order: never move a finished task back.
            if self.states.get(uuid) not in TERMINAL:
                self.states[uuid] = state
        if event.get("hostname"):
            w = self.worker_stats.setdefault(event.hostname, {"processed": 0, "active": 0, "lastHeartbeat": None})
            if event.type in ("task-succeeded", "task-failed"):
                w["processed"] += 1
            if event.type == "worker-heartbeat":
                w["active"] = int(event.get("active") or 0)
                w["lastHeartbeat"] = event.timestamp

    def task_counts(self):
        counts = {"PENDING": 0, "RECEIVED": 0, "STARTED": 0, "SUCCESS": 0, "FAILURE": 0, "RETRY": 0}
        for s in self.states.values():
            counts[s] = counts.get(s, 0) + 1
        return counts


# ---------------------------------------------------------------- 2. Metrics collector

BUCKETS = [0.1, 0.25, 0.5, 1, 2.5]


class CeleryMetrics:
    def __init__(self):
        self.tasks_total = {}  # (name, status) → count
        self.durations = {}  # name → observed runtimes

    def record_task(self, task_name, status, duration=None):
        key = (task_name, status)
        self.tasks_total[key] = self.tasks_total.get(key, 0) + 1
        if duration is not None:
            self.durations.setdefault(task_name, []).append(duration)

    def percentile(self, task_name, p):
        """Nearest-rank percentile of a task's runtimes."""
        xs = sorted(self.durations.get(task_name, []))
        if not xs:
            return math.nan
        return xs[min(len(xs), max(1, math.ceil(p / 100 * len(xs)))) - 1]

    def render(self):
        """Prometheus text exposition format, as a /metrics endpoint would serve it."""
        lines = ["# HELP celery_tasks_total Total number of tasks", "# TYPE celery_tasks_total counter"]
        for (name, status), n in self.tasks_total.items():
            lines.append(f'celery_tasks_total{{task_name="{name}",status="{status}"}} {n}')
        lines += ["# HELP celery_task_duration_seconds Task execution time", "# TYPE celery_task_duration_seconds histogram"]
        for name, xs in self.durations.items():
            for le in BUCKETS:
                lines.append(f'celery_task_duration_seconds_bucket{{task_name="{name}",le="{le}"}} {sum(1 for x in xs if x <= le)}')
            lines.append(f'celery_task_duration_seconds_bucket{{task_name="{name}",le="+Inf"}} {len(xs)}')
            lines.append(f'celery_task_duration_seconds_sum{{task_name="{name}"}} {sum(xs)}')
            lines.append(f'celery_task_duration_seconds_count{{task_name="{name}"}} {len(xs)}')
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- 3. Alerting


class AlertManager:
    def __init__(self):
        self.thresholds = {"failure_rate": 0.1}
        self.window_s = 10  # the failure rate is computed over the last window_s seconds
        self.for_s = 5  # the condition must hold this long before the alert fires (Prometheus's `for`)
        self.cooldown_s = 60  # the same alert is not sent again within this many seconds
        self.outcomes = []  # (at_s, ok)
        # Each alert as the report shows it: {"type", "kind" ("firing"/"resolved"), "atS", "message", "severity"}.
        self.alerts = []
        self.breached_since = None
        self.firing = False
        self.last_sent = {}

    def record_outcome(self, ok):
        self.outcomes.append((time.monotonic(), ok))

    def failure_rate(self):
        since = time.monotonic() - self.window_s
        recent = [ok for at_s, ok in self.outcomes if at_s > since]
        if len(recent) < 10:
            return 0  # too few to judge
        return sum(1 for ok in recent if not ok) / len(recent)

    def evaluate(self):
        """Called once per simulated second."""
        t = time.monotonic()
        rate = self.failure_rate()
        if rate > self.thresholds["failure_rate"]:
            if self.breached_since is None:
                self.breached_since = t
            if not self.firing:
                self.firing = True
                self.send_alert("failure_rate", f"failure rate {rate * 100:.0f}% over {self.window_s}s", "critical")
        else:
            self.breached_since = None
            if self.firing:
                self.firing = False
                self.alerts.append({"type": "failure_rate", "kind": "resolved", "atS": t, "message": f"failure rate back to {rate * 100:.0f}%", "severity": "info"})
                print(f"✅ RESOLVED failure_rate at t={t:.1f}")

    def send_alert(self, alert_type, message, severity="warning"):
        t = time.monotonic()
        last = self.last_sent.get(alert_type)
        if last is not None and t - last < self.cooldown_s:
            return  # cooldown
        self.last_sent[alert_type] = t
        self.alerts.append({"type": alert_type, "kind": "firing", "atS": t, "message": message, "severity": severity})
        print(f"🚨 ALERT {alert_type} [{severity}] at t={t:.1f}: {message}")


# ---------------------------------------------------------------- 4. Worker health (remote control)


def probe_workers():
    """One health probe, as the seed's monitors (and a liveness probe) ask the workers themselves:
    who answers ping(), and per worker the tasks it has run (stats) and runs right now (active)."""
    inspect = app.control.inspect()
    pong = inspect.ping() or {}
    stats = inspect.stats() or {}
    active = inspect.active() or {}
    workers = {}
    for host in pong:
        processed = sum(int(n) for n in stats.get(host, {}).get("total", {}).values())
        workers[host] = {"processed": processed, "active": len(active.get(host, []))}
    return {"atS": time.monotonic(), "alive": sorted(pong), "workers": workers}


# ---------------------------------------------------------------- Driving it

TASK_EVENTS = list(EVENT_STATE)
WORKER_EVENTS = ["worker-online", "worker-heartbeat", "worker-offline"]


def main():
    monitor = CeleryMonitor()
    metrics = CeleryMetrics()
    alert_manager = AlertManager()

    def on_event(event):
        monitor.capture_event(event)
        if event.type in ("task-succeeded", "task-failed"):
            name = monitor.names.get(event.uuid, "unknown")
            ok = event.type == "task-succeeded"
            metrics.record_task(name, "SUCCESS" if ok else "FAILURE", float(event.runtime) if ok else None)
            alert_manager.record_outcome(ok)

    for event_type in TASK_EVENTS + WORKER_EVENTS:
        app.events.on(event_type, on_event)

    app.worker(hostname="w1", concurrency=4)
    app.worker(hostname="w2", concurrency=4)

    stop = threading.Event()

    def evaluator():
        while not stop.is_set():
            alert_manager.evaluate()
            time.sleep(1)

    health = []

    def prober():
        time.sleep(5.1)  # between two sends (every 0.2 s): a probe never shares an instant with one
        while not stop.is_set():
            health.append(probe_workers())
            time.sleep(10)

    threads = [threading.Thread(target=evaluator), threading.Thread(target=prober)]
    for t in threads:
        t.start()

    # Traffic: 5 orders per second for 90 s.
    for i in range(450):
        process_order.delay(i)
        time.sleep(0.2)
    time.sleep(10)
    stop.set()
    for t in threads:
        t.join()

    state_counts = monitor.task_counts()
    print("task counts:", state_counts)
    print("workers:", monitor.worker_stats)
    p95 = metrics.percentile("process_order", 95)
    print(f"process_order p95 runtime: {p95:.3f} s")
    print(metrics.render())

    # The report's keys, as the lab's checks read them.
    return {
        "stateCounts": state_counts,
        "workerStats": monitor.worker_stats,
        "metricsText": metrics.render(),
        "p95Runtime": p95,
        "alerts": alert_manager.alerts,
        "health": health,
    }
