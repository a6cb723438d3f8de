"""
Pitfall 4: result.get() inside a task (reference solution).

No task waits for another: each report is a chord, the fetches in parallel, then one summarize.
"""
import json
import time

from celery import Celery, chord, group

app = Celery("reports", broker="redis")


@app.task
def fetch_user(user_id):
    time.sleep(0.2)
    return {"id": user_id, "score": user_id * 10}


@app.task
def summarize(users):
    return {"users": len(users), "total": sum(u["score"] for u in users)}


def build_report(user_ids):
    """The report as a workflow: nothing blocks a worker slot while waiting."""
    return chord(group(fetch_user.s(i) for i in user_ids), summarize.s()).apply_async()


def main():
    app.worker(hostname="w1", concurrency=2)
    time.sleep(2)  # the worker comes online
    start = time.monotonic()
    batches = [
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10],
    ]
    reports = [build_report(ids) for ids in batches]
    totals = []
    for r in reports:
        try:
            report = r.get(timeout=30)
            totals.append(report["total"])
        except Exception as e:
            print(f"report failed: {type(e).__name__}: {e}")
            totals.append(None)
    print(f"totals {json.dumps(totals)} after {time.monotonic() - start:.1f} s")
    return {"totals": totals}
