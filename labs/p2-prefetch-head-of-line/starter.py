"""
Pitfall 2: prefetch head-of-line blocking.

Two workers of concurrency 2; 24 tasks: one of 3 s, then five of 0.1 s, four times over. With
enough spare capacity this is 3.5 s of work. How long does it take?
"""
import time

from celery import Celery

app = Celery("prefetch_lab", broker="redis")

# TODO: Celery's defaults. Change them so that no worker hoards messages it cannot start yet.
app.conf.update(worker_prefetch_multiplier=4, task_acks_late=False)


@app.task
def work(i, duration_s):
    time.sleep(duration_s)
    return i


def main():
    app.worker(hostname="w1", concurrency=2)
    app.worker(hostname="w2", concurrency=2)
    time.sleep(2)  # both workers online before the burst

    start = time.monotonic()
    results = [work.delay(i, 3 if i % 6 == 0 else 0.1) for i in range(24)]
    for r in results:
        r.get(timeout=60)
    makespan_s = time.monotonic() - start
    print(f"24 tasks in {makespan_s:.2f} s (ideal 3.5 s)")
    return {"makespanS": makespan_s}
