"""Lab 4.1: Deployment at scale, in Python (reference solution).

Three worker Deployments (cpu, io, urgent), task routes to their queues, a Kubernetes-style HPA on
the io queue's length, and late acks so a scale-down that kills workers loses nothing. Adapted from
the course only where the simulator's world differs: Deployments are ``app.deployment(...)`` (pods
scaled with ``scale(n, reason)``), the HPA reads the queue through ``app.broker``, and the HPA and
the steady traffic are threads of main, on the simulated clock.
"""
import math
import threading
import time
from dataclasses import dataclass

from celery import Celery

app = Celery("celery_app", broker="rabbitmq")

# The ConfigMap's celery.conf.py.
app.conf.update(
    task_routes={
        "app.tasks.cpu_intensive": {"queue": "cpu_queue"},
        "app.tasks.io_intensive": {"queue": "io_queue"},
        "app.tasks.urgent": {"queue": "urgent_queue"},
    },
    worker_prefetch_multiplier=1,
    task_acks_late=True,
)


@app.task(name="app.tasks.cpu_intensive")
def cpu_intensive(i):
    time.sleep(2)
    return i


@app.task(name="app.tasks.io_intensive")
def io_intensive(key, duration_s):
    time.sleep(duration_s)
    return key


@app.task(name="app.tasks.urgent")
def urgent_task(i):
    time.sleep(0.05)
    return i


# ---------------------------------------------------------------- Deployments (given)


def deployment(name, worker, replicas):
    """A Deployment: N identical worker replicas, scaled like pods (``app.deployment``).
    ``scale(n, reason)`` removes a pod the way Kubernetes does: SIGTERM (a warm shutdown), then
    SIGKILL after termination_grace_period_s. Every scaling decision is in the trace with its reason."""
    return app.deployment(name=name, replicas=replicas, worker=worker, termination_grace_period_s=3)


# ---------------------------------------------------------------- The HPA


@dataclass
class HpaSpec:
    min_replicas: int
    max_replicas: int
    target_per_replica: int  # target.averageValue of celery_queue_length per replica
    stabilization_window_s: float  # behavior.scaleDown.stabilizationWindowSeconds
    period_s: float  # how often the controller looks (Kubernetes: 15 s)


class QueueLengthAutoscaler:
    def __init__(self, deployment, queue, spec):
        self.deployment = deployment
        self.queue = queue
        self.spec = spec
        self.recommendations = []  # (at_s, replicas)

    def desired_replicas(self, queue_length, current):
        spec = self.spec
        # AverageValue target: desired = ceil(total metric / target per replica), within [min, max].
        desired = min(spec.max_replicas, max(spec.min_replicas, math.ceil(queue_length / spec.target_per_replica)))
        # Scale-up policy: at most double, or add 4, per period (whichever allows more).
        desired = min(desired, max(current * 2, current + 4))
        # Scale-down stabilization: never go below the highest recommendation of the last window.
        t = time.monotonic()
        self.recommendations.append((t, desired))
        self.recommendations = [(at_s, n) for at_s, n in self.recommendations if at_s > t - spec.stabilization_window_s]
        if desired < current:
            desired = min(current, max(n for _, n in self.recommendations))
        return desired

    def run(self, stopped):
        while not stopped():
            time.sleep(self.spec.period_s)
            q = app.broker.queue_length(self.queue)
            desired = self.desired_replicas(q, self.deployment.size)
            print(f"[t={time.monotonic():.1f}] hpa: {self.queue} length {q}, replicas {self.deployment.size} → {desired}")
            self.deployment.scale(desired, f"hpa: {self.queue} length {q}")


# ---------------------------------------------------------------- Driving it


def main():
    deployment("cpu", {"concurrency": 2, "queues": ["cpu_queue"]}, 2)
    io = deployment("io", {"concurrency": 4, "queues": ["io_queue"]}, 2)
    deployment("urgent", {"concurrency": 2, "queues": ["urgent_queue"]}, 1)

    time.sleep(2)  # replicas come online

    done = threading.Event()
    hpa = QueueLengthAutoscaler(io, "io_queue", HpaSpec(
        min_replicas=2,
        max_replicas=10,
        target_per_replica=10,
        stabilization_window_s=30,
        period_s=15,
    ))
    controller = threading.Thread(target=hpa.run, args=(done.is_set,))
    controller.start()
    # Traffic starts half a second after the controller, so its evaluations (every 15 s) never fall on
    # the same instant as a task finishing: the queue length it reads is not a race.
    time.sleep(0.5)

    results = []
    # A burst: 200 I/O tasks of 3 s and 20 CPU tasks of 2 s at once.
    for i in range(200):
        results.append(io_intensive.delay(f"burst-{i}", 3))
    for i in range(20):
        results.append(cpu_intensive.delay(i))

    # Steady traffic: an urgent task every 2 s, a 6 s I/O task every second, for two minutes.
    def urgent_traffic():
        for i in range(60):
            results.append(urgent_task.delay(i))
            time.sleep(2)

    def stream():
        for i in range(120):
            results.append(io_intensive.delay(f"stream-{i}", 6))
            time.sleep(1)

    traffic = [threading.Thread(target=urgent_traffic), threading.Thread(target=stream)]
    for t in traffic:
        t.start()
    for t in traffic:
        t.join()

    failed = 0
    for r in results:
        try:
            r.get(timeout=300)
        except Exception:
            failed += 1
    done.set()
    controller.join()

    print(f"{len(results)} tasks, {failed} failed or lost; io replicas at the end: {io.size}")
    return {"tasks": len(results), "failed": failed, "ioReplicas": io.size}
