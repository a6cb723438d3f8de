# mistake: the limiter INCRs its Redis counter but never sets EXPIRE: every window's key stays in Redis forever
# expect: never expires
"""Lab 3.1: Custom extension development, in Python (reference solution).

Three base classes for tasks, as teams write them for Celery: a rate-limited task whose limit is
shared by every worker through Redis, a profiling task that times every execution, and tasks that
declare their dependencies and are sent after them.
"""
import json
import random
import time

import redis
from celery import Celery, Task, chain, group

app = Celery("extension_dev", broker="redis")
r = redis.Redis(decode_responses=True)

# ---------------------------------------------------------------- 1. A rate-limited base task


class RateLimitedTask(Task):
    """Every task with ``base=RateLimitedTask`` shares one limit per ``rate_key``: ``per_second``
    executions in each one-second window, counted in Redis so that every worker process sees the
    same count."""

    rate_key = "default"
    per_second = 5
    max_retries = None  # a limited call retries until a window has room

    def __call__(self, *args, **kwargs):
        window = int(time.time())
        key = f"ratelimit:{self.rate_key}:{window}"
        count = r.incr(key)
        if count > self.per_second:
            # Over the limit: run again when the next window opens (a little jitter spreads the retries).
            raise self.retry(countdown=window + 1 - time.time() + random.random() * 0.05)
        return super().__call__(*args, **kwargs)


@app.task(name="geocode", base=RateLimitedTask, rate_key="geo_api", per_second=5)
def geocode(address):
    print(f"→ geo API call geocode at t={time.monotonic():.3f}")
    time.sleep(0.05)
    return f"coords of {address}"


@app.task(name="reverse_geocode", base=RateLimitedTask, rate_key="geo_api", per_second=5)
def reverse_geocode(lat):
    print(f"→ geo API call reverse_geocode at t={time.monotonic():.3f}")
    time.sleep(0.05)
    return f"address at {lat}"


# ---------------------------------------------------------------- 2. A profiling base task


class ProfiledTask(Task):
    """Times every execution and records it in Redis, failures too."""

    def __call__(self, *args, **kwargs):
        started_s = time.time()
        state = "SUCCESS"
        try:
            return super().__call__(*args, **kwargs)
        except Exception:
            state = "FAILURE"
            raise
        finally:
            record = {"id": self.request.id, "durationS": time.time() - started_s, "state": state}
            r.rpush(f"profile:{self.name}", json.dumps(record))


@app.task(name="render_report", base=ProfiledTask)
def render_report(pages):
    time.sleep(0.25 * pages)
    print(f"rendered {pages} pages")
    return pages


@app.task(name="export_csv", base=ProfiledTask)
def export_csv(rows):
    time.sleep(0.2)
    if rows > 1000:
        raise ValueError(f"too many rows: {rows}")
    return rows


# ---------------------------------------------------------------- 3. Declared dependencies


class DependentTask(Task):
    """A task that declares what must have finished before it runs: ``depends_on=["fetch_data"]``."""

    depends_on = []


def depends_on(task):
    """What a task declared (none when it is not a DependentTask)."""
    return task.depends_on if isinstance(task, DependentTask) else []


def step(name, depends_on=()):
    def body():
        time.sleep(0.5)
        print(f"{name} done at t={time.monotonic():.2f}")
        return name

    body.__name__ = name
    return app.task(name=name, base=DependentTask, depends_on=list(depends_on))(body)


# Declared in an unhelpful order on purpose.
PIPELINE = [
    step("generate_report", ["process_data"]),
    step("process_data", ["fetch_data", "validate_input"]),
    step("fetch_data"),
    step("validate_input"),
]


def execution_stages(tasks):
    """The tasks in stages: each stage holds the tasks whose dependencies are all in earlier stages
    (Kahn's algorithm, a stage at a time). None when the declarations have a cycle."""
    names = {t.name for t in tasks}
    done = set()
    stages = []
    while len(done) < len(tasks):
        ready = [t for t in tasks if t.name not in done and all(d in done or d not in names for d in depends_on(t))]
        if not ready:
            print("Dependency graph contains cycles!")
            return None
        done.update(t.name for t in ready)
        stages.append(ready)
    return stages


def send_in_order(stages):
    """Sends the tasks so that each starts only after its dependencies: a chain of stages (groups)."""
    canvas = [stage[0].si() if len(stage) == 1 else group(t.si() for t in stage) for stage in stages]
    return chain(*canvas).apply_async()


cyclic = [
    app.task(name="a", base=DependentTask, depends_on=["c"])(lambda: "a"),
    app.task(name="b", base=DependentTask, depends_on=["a"])(lambda: "b"),
    app.task(name="c", base=DependentTask, depends_on=["b"])(lambda: "c"),
]


# ---------------------------------------------------------------- Driving it


def main():
    # Three workers; they take a moment to start (about 0.9 s each with two pool children).
    workers = [app.worker(hostname=f"w{i}", concurrency=2) for i in (1, 2, 3)]
    for w in workers:
        w.ready()

    # 1. 20 geocodes and 10 reverse geocodes at once: one API, 5 calls a second between them.
    calls = [geocode.delay(f"{i} Main St") for i in range(20)] + [reverse_geocode.delay(40 + i) for i in range(10)]
    time.sleep(0.3)
    limiter_keys = [{"key": key, "ttlS": r.ttl(key)} for key in sorted(r.keys("ratelimit:*"))]
    for c in calls:
        c.get(timeout=60)

    # 2. Profiled tasks: three reports and an export that fails.
    reports = [render_report.delay(pages) for pages in (1, 2, 3)]
    for rep in reports:
        rep.get(timeout=30)
    exports = [export_csv.delay(rows) for rows in (10, 5000)]
    for e in exports:
        e.get(timeout=30, propagate=False)
    profiles = {name: [json.loads(s) for s in r.lrange(f"profile:{name}", 0, -1)] for name in ("render_report", "export_csv")}

    # 3. The pipeline, each task after what it depends on; the cyclic declarations refused.
    stages = execution_stages(PIPELINE)
    order = [[t.name for t in s] for s in stages] if stages else None
    print(f"execution order: {json.dumps(order)}")
    if stages:
        send_in_order(stages).get(timeout=30)
    cyclic_stages = execution_stages(cyclic)
    cyclic_order = [[t.name for t in s] for s in cyclic_stages] if cyclic_stages else None

    return {"limiterKeys": limiter_keys, "profiles": profiles, "order": order, "cyclicOrder": cyclic_order}
