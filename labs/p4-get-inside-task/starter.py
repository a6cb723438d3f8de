"""
Pitfall 4: result.get() inside a task.

build_report fetches each user with a subtask and waits for it. Two reports, one worker of
concurrency 2. What happens?
"""
import json
import time

from celery import Celery

app = Celery("reports", broker="redis")


@app.task
def fetch_user(user_id):
    time.sleep(0.2)
    return {"id": user_id, "score": user_id * 10}


@app.task
def summarize(users):
    return {"users": len(users), "total": sum(u["score"] for u in users)}


# TODO: never wait for a task inside a task. Build the report as a workflow instead: the fetches in
#       parallel, then summarize once with all of them (a chord), sent from main.
@app.task
def build_report(user_ids):
    users = [fetch_user.delay(i).get(timeout=10) for i in user_ids]
    return summarize(users)


def main():
    app.worker(hostname="w1", concurrency=2)
    time.sleep(2)  # the worker comes online
    start = time.monotonic()
    batches = [
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10],
    ]
    reports = [build_report.delay(ids) for ids in batches]
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
