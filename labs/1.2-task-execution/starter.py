"""Lab 1.2: Task execution playground, in Python.

Three ways to run a task (apply, delay, run), a state monitor that polls a result, hooks on a base
class, and progress reported through custom states. As the course writes it; the simulator's world
differs only in that main() starts the worker and returns what it measured for the checks.
"""
import time

from celery import Celery, Task, current_app

app = Celery("task_playground", broker="redis")
# TODO 4: track STARTED, so the monitor sees the task pick up before its first progress report.
app.conf.update(task_track_started=False)


@app.task
def add(x, y):
    return x + y


class TrackableTask(Task):
    """Hooks every task built on this base gets (Celery calls them in the worker)."""

    def on_success(self, retval, task_id, args, kwargs):
        # TODO 2: print "✓ Task <task_id> completed with result: <retval>"
        pass

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # TODO 2: print "✗ Task <task_id> failed: <exc>"
        pass

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        # TODO 2: print "↻ Task <task_id> retrying..."
        pass


@app.task(bind=True, base=TrackableTask)
def long_running_task(self, duration):
    """Task that simulates work and reports progress."""
    steps = 10
    for i in range(steps):
        time.sleep(duration / steps)
        progress = int((i + 1) / steps * 100)
        # TODO 3: store the progress as a custom state:
        #   self.update_state(state="PROGRESS", meta={"current": i + 1, "total": steps, "percent": progress})
    return f"Completed {duration} seconds of work"


@app.task(bind=True, base=TrackableTask, max_retries=1, default_retry_delay=1)
def unreliable_task(self, mode):
    """Fails in a chosen way, to see the other hooks."""
    time.sleep(0.2)
    if mode == "retry-once" and self.request.retries == 0:
        raise self.retry(exc=ConnectionError("first try"))
    if mode == "fail":
        raise ValueError("bad input")
    return f"ok ({mode})"


ROUND_TRIPS = 20


def median(xs):
    return sorted(xs)[len(xs) // 2] if xs else float("nan")


def explore_execution_modes():
    """Exercise 1: the three execution modes, timed on the simulated clock."""
    print("=== Synchronous Execution (apply) ===")
    start = time.time()
    result1 = add.apply((4, 4))
    apply = {"result": result1.get(), "tookS": time.time() - start}
    print(f"Result: {apply['result']}, Time: {apply['tookS']}")

    print("=== Asynchronous Execution (delay) ===")
    start = time.time()
    # TODO 1: send add(4, 4) with delay, print its id, wait for the result with get(timeout=10)
    task_id, value = None, None
    first_s = time.time() - start
    # The first publish of a process connects to the broker, so one call says little.
    round_trips_s = []
    for i in range(1, ROUND_TRIPS + 1):
        # TODO 5: time one round trip: note time.time(), add.delay(i, 10).get(timeout=10),
        #         and append the elapsed seconds to round_trips_s.
        pass
    delay = {"id": task_id, "result": value, "tookS": first_s, "roundTripsS": round_trips_s}
    print(f"Result: {value}, first call {first_s * 1000:.2f} ms, then a median of {median(round_trips_s) * 1000:.2f} ms")

    print("=== Direct Execution (run) ===")
    start = time.time()
    # TODO 1: call the function directly with add.run(4, 4)
    result3 = None
    run = {"result": result3, "tookS": time.time() - start}
    print(f"Result: {run['result']}, Time: {run['tookS']}")

    return {"apply": apply, "delay": delay, "run": run}


def monitor_task_progress(task_id, poll_s=0.25):
    """Exercise 2: poll a result until it is ready, printing its state and info."""
    seen = []
    result = current_app.AsyncResult(task_id)
    while result.state not in ("FAILURE", "SUCCESS"):
        seen.append({"state": result.state, "info": result.info})
        print(f"Task {task_id}: {result.state}")
        if result.info:
            print(f"  Info: {result.info}")
        time.sleep(poll_s)
        result = current_app.AsyncResult(task_id)
    seen.append({"state": result.state, "info": result.info})
    print(f"Final state: {result.state}")
    if result.successful():
        print(f"Result: {result.result}")
    else:
        print(f"Error: {result.info}")
    return seen


def main():
    # TODO 6: a worker needs time to start. Keep its handle and wait for it (worker.ready())
    #         before timing anything, or the first delay() measures its start-up.
    app.worker(hostname="w1", concurrency=2)

    modes = explore_execution_modes()

    task = long_running_task.delay(5)
    seen = monitor_task_progress(task.id)

    retried = unreliable_task.delay("retry-once")
    failed = unreliable_task.delay("fail")
    print(retried.get(timeout=10))
    try:
        failed.get(timeout=10)
    except Exception as e:  # noqa: BLE001 (shown, as the TypeScript twin does)
        print(f"get() raised {type(e).__name__}: {e}")

    return {
        "modes": modes,
        "seen": [s["state"] for s in seen],
        "percents": [s["info"]["percent"] for s in seen if isinstance(s["info"], dict) and "percent" in s["info"]],
    }
