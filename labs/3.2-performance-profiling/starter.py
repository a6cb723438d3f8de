"""
Lab 3.2: Performance profiling and optimization.

Profile tasks with signals, then benchmark throughput, scalability with concurrency, and the
prefetch multiplier on a mixed workload.
"""
import math
import time

import redis
from celery import Celery
from celery.signals import task_prerun, task_postrun

app = Celery("performance_lab", broker="redis")
r = redis.Redis()


# ---------------------------------------------------------------- Tasks under study

@app.task
def cpu_intensive_task(n):
    """CPU-bound: about 1 µs of simulated CPU per unit of n."""
    time.sleep(n * 1e-6)
    return n


@app.task
def memory_intensive_task(size):
    """Memory-bound: building ``size`` × 100 items takes 0.1 µs each."""
    time.sleep(size * 100 * 1e-7)
    return 100


@app.task
def io_task(ms):
    """I/O-bound: waits on a slow backend."""
    time.sleep(ms / 1000)
    return ms


@app.task
def bench_task(batch, i, duration_s):
    """What the benchmarks send: sleeps ``duration_s``, tagged with its batch."""
    time.sleep(duration_s)
    return i


# ---------------------------------------------------------------- 1. Task profiler

class TaskProfiler:
    def __init__(self):
        # Per process: prerun and postrun of one task run in the same pool child.
        self.starts = {}

    def on_prerun(self, sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        """task_prerun: called in the worker just before the task body."""
        # TODO 1: remember when this task id started (time.perf_counter()).

    def on_postrun(self, sender=None, task_id=None, task=None, retval=None, state=None, **extra):
        """task_postrun: called just after, with retval and state too."""
        # TODO 1: push the elapsed time onto the Redis list f"profile:{task.name}":
        # r.rpush(key, str(seconds)). Module memory would stay in this pool child.

    def report(self):
        """Read in main(): the runtimes every worker process pushed to Redis."""
        out = {}
        for key in sorted(r.keys("profile:*")):
            xs = [float(x) for x in r.lrange(key, 0, -1)]
            ordered = sorted(xs)
            out[key[len("profile:"):]] = {
                "count": len(xs),
                "meanS": sum(xs) / len(xs),
                "p95S": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
                "maxS": ordered[-1],
            }
        return out


# Signals run in the worker's pool child, which imports this module: connect them at the top level
# (a receiver connected in main() lives in the client's process, where no task runs). Each child has
# its own profiler; what they measure meets in Redis.
profiler = TaskProfiler()
task_prerun.connect(profiler.on_prerun)
task_postrun.connect(profiler.on_postrun)


# ---------------------------------------------------------------- 2. Benchmark suite

def run_batch(batch, durations, workers):
    """Start fresh workers, send one task per duration, wait for all, stop the workers."""
    handles = [
        app.worker(hostname=f"{batch}-w{k + 1}", concurrency=w["concurrency"], prefetch_multiplier=w.get("prefetch_multiplier", 4))
        for k, w in enumerate(workers)
    ]
    time.sleep(2)  # let them come online
    start = time.monotonic()
    results = [bench_task.delay(batch, i, d) for i, d in enumerate(durations)]
    for result in results:
        result.get(timeout=600)
    makespan_s = time.monotonic() - start
    for h in handles:
        h.shutdown()
    print(f"{batch}: {len(durations)} tasks in {makespan_s:.2f} s = {len(durations) / makespan_s:.1f} tasks/s")
    return {"makespanS": makespan_s, "throughput": len(durations) / makespan_s}


def benchmark_scalability(concurrencies):
    rows = []
    for c in concurrencies:
        out = run_batch(f"scale-c{c}", [0.25] * 40, [{"concurrency": c}])
        rows.append({"concurrency": c, "throughput": out["throughput"], "makespanS": out["makespanS"]})
    return rows


def benchmark_prefetch(multipliers):
    """24 tasks, long (3 s) and short (0.1 s) mixed LSSSSS ×4, on 2 workers × concurrency 2."""
    mixed = [3 if i % 6 == 0 else 0.1 for i in range(24)]
    rows = []
    for m in multipliers:
        out = run_batch(f"prefetch-x{m}", mixed, [
            {"concurrency": 2, "prefetch_multiplier": m},
            {"concurrency": 2, "prefetch_multiplier": m},
        ])
        rows.append({"multiplier": m, "makespanS": out["makespanS"]})
    return rows


# ---------------------------------------------------------------- 4. Where the cores end

@app.task(ignore_result=True)
def cpu_task(batch):
    """CPU-bound: stands for a 20 ms pure-Python loop."""
    # TODO 4: this waits; a loop would burn a core. Make it 20 ms of CPU: cpu(0.02)
    #         (from celery import cpu).
    time.sleep(0.02)


@app.task(ignore_result=True)
def io_wait_task(batch):
    """I/O-bound: waits 20 ms on something else, using no core (``time.sleep``, as a socket read)."""
    time.sleep(0.02)


@app.task(ignore_result=True)
def payload_task(batch, payload):
    """Does nothing with its payload: what is measured is Celery carrying it."""


class Drain:
    """When the first of some tasks started and the last finished, from the worker's task events."""

    def __init__(self, ids):
        self.waiting = set(ids)
        self.first_start_s = math.inf
        self.last_end_s = -math.inf
        app.events.on("task-started", self._started)
        app.events.on("task-succeeded", self._succeeded)

    def _started(self, e):
        if str(e.uuid) in self.waiting:
            self.first_start_s = min(self.first_start_s, e.timestamp)

    def _succeeded(self, e):
        if str(e.uuid) in self.waiting:
            self.waiting.discard(str(e.uuid))
            self.last_end_s = max(self.last_end_s, e.timestamp)


def drain_rate(batch, n, worker, send):
    """Queue ``n`` fire-and-forget tasks, then start one fresh worker and wait until it has run them
    all: tasks per second from its first task's start to its last task's finish (its start-up,
    ~0.5 s plus ~0.2 s per prefork child, is not work)."""
    drain = Drain(send().id for _ in range(n))
    handle = app.worker(hostname=f"{batch}-w1", concurrency=worker["concurrency"], pool=worker.get("pool", "prefork"), task_events=True)
    # Poll from main: the events' own timestamps make the rate, so the polling step does not matter.
    # Give up after a minute (a worker without task events, say): the rate is then NaN.
    give_up_at_s = time.monotonic() + 60
    while drain.waiting and time.monotonic() < give_up_at_s:
        time.sleep(0.1)
    handle.shutdown()
    tasks_per_s = math.nan if drain.waiting else n / (drain.last_end_s - drain.first_start_s)
    print(f"{batch}: {n} tasks at {tasks_per_s:.1f} tasks/s")
    return tasks_per_s


def sweep(kind, concurrencies):
    """The same CPU-bound or I/O-bound task at each concurrency, prefork."""
    task = cpu_task if kind == "cpu" else io_wait_task
    rows = []
    for c in concurrencies:
        batch = f"{kind}-c{c}"
        rows.append({"concurrency": c, "tasksPerS": drain_rate(batch, 200, {"concurrency": c}, lambda: task.delay(batch))})
    return rows


def benchmark_costs():
    # TODO 5: sweep both kinds at concurrency 1, 2, 4 and 8. Then add, as "threadsCpu", the CPU-bound
    #         batch "cpu-threads-c4" (200 tasks) on a threads-pool worker of concurrency 4, and, as
    #         "payload": {"100B", "100kB"}, 500 payload_task of each size ("x" * 100, then
    #         "x" * 100_000) at concurrency 2, each batch named as the check expects
    #         ("payload-100B", "payload-100kB").
    cpu_sweep = sweep("cpu", [1])
    io_sweep = sweep("io", [1])
    return {"cpu": cpu_sweep, "io": io_sweep}


# ---------------------------------------------------------------- Driving it

def main():
    # 1. Profile a mixed workload on one worker.
    w = app.worker(hostname="profile-w1", concurrency=4)
    sent = []
    for i in range(20):
        sent.append(cpu_intensive_task.delay(100_000 + 10_000 * i))
        sent.append(memory_intensive_task.delay(5_000 + 500 * i))
        sent.append(io_task.delay(400 + 20 * i))
    for result in sent:
        result.get(timeout=120)
    w.shutdown()

    profile = profiler.report()
    for name, p in profile.items():
        print(f"=== {name}: {p['count']} runs, mean {p['meanS']:.3f} s, p95 {p['p95S']:.3f} s, max {p['maxS']:.3f} s")

    # 2. Scalability: the same 40 tasks at concurrency 1, 2, 4, 8.
    # TODO 2: run it at concurrency 1, 2, 4 and 8.
    scaling = benchmark_scalability([1])

    # 3. Prefetch configurations on a mixed workload.
    # TODO 3: compare the default (4) with 1 and 100.
    prefetch = benchmark_prefetch([4])
    best = min(prefetch, key=lambda row: row["makespanS"])
    print(f"best prefetch multiplier for long+short tasks: {best['multiplier']}")

    # 4. Celery's costs: CPU-bound vs I/O-bound work, the threads pool, the payload's size.
    costs = benchmark_costs()

    return {"profile": profile, "scaling": scaling, "prefetch": prefetch, "costs": costs}
