# mistake: a refused call waits inside the task (time.sleep in a loop until the limiter says yes) instead of retrying at the next window: the limit holds, but every worker slot sits idle waiting
# expect: held its worker slot .* waiting .*inside the task
"""
Pitfall 3: rate_limit is per worker (a refused call sleeps in the task until the limiter says yes).

A limit shared by all workers lives in Redis: a fixed one-second window counted with INCR.
"""
import math
import random
import time

import redis
from celery import Celery

app = Celery("partner_sync", broker="redis")
r = redis.Redis()

LIMIT_PER_S = 10


def acquire_partner_slot():
    """None when the call may go ahead now, else the seconds until the next window."""
    window = math.floor(time.monotonic())
    key = f"partner_api:{window}"
    n = r.incr(key)
    if n == 1:
        r.expire(key, 2)
    return None if n <= LIMIT_PER_S else window + 1 - time.monotonic()


@app.task(bind=True, max_retries=None)
def call_partner_api(self, order_id):
    wait = acquire_partner_slot()
    while wait is not None:
        time.sleep(wait + random.random() * 0.2)
        wait = acquire_partner_slot()
    print(f"→ partner API call #{order_id} at t={time.monotonic():.3f}")
    time.sleep(0.02)
    return order_id


def main():
    for i in range(1, 7):
        app.worker(hostname=f"w{i}", concurrency=2)
    time.sleep(2)  # workers online

    start = time.monotonic()
    results = [call_partner_api.delay(i) for i in range(100)]
    for res in results:
        res.get(timeout=120)
    duration_s = time.monotonic() - start
    print(f"100 calls in {duration_s:.1f} s")
    return {"durationS": duration_s}
