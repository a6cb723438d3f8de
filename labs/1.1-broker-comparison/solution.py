"""Lab 1.1: Interactive broker comparison, in Python (reference solution).

Four simulated brokers, each with its own app, ten tasks each, sent while no worker runs. Every
broker is stopped, stays down for 5 s and starts again: which messages survive? Then: how many no-op
tasks per second does each broker's worker drain, and how many reach a client that waits for every
result? Adapted from the course only where the simulator's world differs: the broker is stopped and
its queue measured through the simulated broker (``app.broker``, as ``docker-compose stop`` and
``redis-cli LLEN`` would be), and the worker's task events are read as they happen.
"""
import random
import time

from celery import Celery

CONFIGS = [
    # Redis only: what the server writes to disk ("none", "rdb" or "aof").
    {"label": "redis_none", "broker": "redis://redis-none:6379/0", "persistence": "none"},
    {"label": "redis_aof", "broker": "redis://redis-aof:6379/0", "persistence": "aof"},
    # RabbitMQ only: Celery's task_default_delivery_mode.
    {"label": "rabbit_durable", "broker": "amqp://rabbit-durable//", "delivery_mode": "persistent"},
    {"label": "rabbit_transient", "broker": "amqp://rabbit-transient//", "delivery_mode": "transient"},
]


class Lab:
    """One broker, its app and its tasks."""

    def __init__(self, cfg):
        self.cfg = cfg
        label = cfg["label"]
        self.app = Celery(label, broker=cfg["broker"], broker_persistence=cfg.get("persistence"))
        if cfg.get("delivery_mode"):
            self.app.conf.update(task_default_delivery_mode=cfg["delivery_mode"])

        @self.app.task(name=f"{label}.simple_task")
        def simple_task(payload):
            time.sleep(0.05)
            return f"processed {payload}"

        # No-op tasks: what is measured is Celery's own work per task, not the task's.
        @self.app.task(name=f"{label}.noop")
        def noop(i):
            return i

        @self.app.task(name=f"{label}.noop_no_result", ignore_result=True)
        def noop_no_result(i):
            pass

        self.simple_task, self.noop, self.noop_no_result = simple_task, noop, noop_no_result

    def queue_length(self, queue="celery"):
        return self.app.broker.queue_length(queue)

    def restart_broker(self, downtime_s):
        """Like ``docker-compose stop``, ``downtime_s`` down, ``docker-compose start``: a graceful stop."""
        self.app.broker.restart(graceful=True, downtime_s=downtime_s)


labs = [Lab(cfg) for cfg in CONFIGS]

BACKLOG = 1000
BATCH = 1000


class Watch:
    """When the first of some tasks started and the last finished, from the worker's task events."""

    def __init__(self, lab, ids):
        self.waiting = set(ids)
        self.first_start_s = float("inf")
        self.last_end_s = float("-inf")
        lab.app.events.on("task-started", self._started)
        lab.app.events.on("task-succeeded", self._succeeded)

    def _started(self, e):
        if str(e.uuid) in self.waiting:
            self.first_start_s = min(self.first_start_s, e.timestamp)

    def _succeeded(self, e):
        if str(e.uuid) in self.waiting:
            self.waiting.discard(str(e.uuid))
            self.last_end_s = max(self.last_end_s, e.timestamp)

    def left(self):
        return len(self.waiting)


def queue_backlog(lab, num_tasks):
    """Exercise 2: a backlog of fire-and-forget no-ops, queued while no worker runs."""
    ids = [lab.noop_no_result.delay(i).id for i in range(num_tasks)]
    return Watch(lab, ids)


def test_throughput(lab, num_tasks):
    """Exercise 3: tasks per simulated second, from the first send until every result is in."""
    start = time.monotonic()
    results = [lab.noop.delay(i) for i in range(num_tasks)]
    for result in results:
        result.get(timeout=60)
    duration = time.monotonic() - start
    return num_tasks / duration


def main():
    # Exercise 1: message persistence.
    survived = {}
    for lab in labs:
        label = lab.cfg["label"]
        # How many messages: drawn per broker (11 to 20, the seed decides), so count them, do not assume.
        queued = random.randint(11, 20)
        for i in range(queued):
            lab.simple_task.delay(f"{label}-{i}")
        print(f"{label}: {lab.queue_length()} messages queued; stopping the broker")

        lab.restart_broker(downtime_s=5)
        time.sleep(6)

        left = lab.queue_length()
        survived[label] = left
        print(f"{label}: {left} of {queued} messages survived the restart")

    # Exercise 2: how fast does each broker's worker drain 1000 queued no-ops? One worker at a
    # time, as real Celery was measured (on one machine two workers share its 2 cores).
    drain = {}
    for key, lab in (("redis", labs[1]), ("rabbitmq", labs[2])):
        batch = queue_backlog(lab, BACKLOG)
        lab.app.worker(hostname=f"{lab.cfg['label']}-w1", concurrency=4, task_events=True)
        while batch.left() > 0:
            time.sleep(0.1)
        drain[key] = BACKLOG / (batch.last_end_s - batch.first_start_s)
        print(f"{lab.cfg['label']}: drained {BACKLOG} fire-and-forget no-ops at {drain[key]:.0f} tasks/sec")
    for lab in (labs[0], labs[3]):
        lab.app.worker(hostname=f"{lab.cfg['label']}-w1", concurrency=4)
    time.sleep(2)

    # Exercise 3: the same no-ops, now with a result that main waits for.
    redis_rate = test_throughput(labs[1], BATCH)
    rabbit_rate = test_throughput(labs[2], BATCH)
    print(f"Redis: {redis_rate:.0f} tasks/sec with get()")
    print(f"RabbitMQ: {rabbit_rate:.0f} tasks/sec with get()")

    return {"survived": survived, "drain": drain, "throughput": {"redis": redis_rate, "rabbitmq": rabbit_rate}, "at": time.monotonic()}
