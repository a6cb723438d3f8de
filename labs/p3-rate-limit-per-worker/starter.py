"""
Pitfall 3: rate_limit is per worker.

A partner API allows 10 calls per second in total. The task says rate_limit="10/s". Six workers
run it. How many calls per second does the partner see?
"""
import time

from celery import Celery

app = Celery("partner_sync", broker="redis")


# TODO: "10/s" holds per worker (and per task type), not for the whole cluster.
#       Keep the partner under 10 calls in every second, whatever the number of workers.
@app.task(bind=True, rate_limit="10/s")
def call_partner_api(self, order_id):
    asked_at = time.monotonic()
    print(f"→ partner API call #{order_id} at t={asked_at:.3f}")
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
