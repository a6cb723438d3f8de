"""
Pitfall 5: a route to a queue no worker consumes (reference solution).
"""
import json
import random
import time

from celery import Celery
from celery.exceptions import TimeoutError

app = Celery("shop", broker="redis")

ROUTES = {
    "send_invoice": {"queue": "billing"},
}
app.conf.update(task_routes=ROUTES)

# The workers we run, and the queues each consumes (celery -Q ...).
WORKERS = [
    {"hostname": "w1", "concurrency": 4, "queues": ["celery"]},
    {"hostname": "billing-w1", "concurrency": 2, "queues": ["billing"]},
]


@app.task
def place_order(order_id):
    time.sleep(0.1)
    return order_id


@app.task
def send_invoice(order_id):
    time.sleep(0.2)
    return f"invoice {order_id}"


def unconsumed_queues(routes, workers):
    """A deploy-time guard: queues that routes send to but no worker consumes."""
    consumed = {q for w in workers for q in w["queues"]}
    return sorted({r["queue"] for r in routes.values()} - consumed)


def guard_trials():
    """Configs to try the guard on, made up afresh on every run (the lab's driver: leave it as it is)."""
    names = ["audit", "billing", "celery", "emails", "exports", "media", "reports", "search"]
    trials = []
    for i in range(12):
        # The first: routes out of alphabetical order, one queue routed twice, no worker at all.
        routed = ["search", "reports", "billing", "reports"] if i == 0 else [random.choice(names) for _ in range(2 + i % 4)]
        routes = {f"task_{k}": {"queue": q} for k, q in enumerate(routed)}
        workers = [{"queues": [random.choice(names) for _ in range(1 + (i % 2) * 2)]} for _ in range(i % 3)]
        trials.append({"routes": routes, "workers": workers})
    return trials


def main():
    for w in WORKERS:
        app.worker(**w)

    invoices = []
    for i in range(10):
        place_order.delay(i)
        invoices.append(send_invoice.delay(i))
    time.sleep(5)
    backlog = {"celery": app.broker.queue_length("celery"), "billing": app.broker.queue_length("billing")}
    print(f"queue lengths after 5 s: {json.dumps(backlog)}")

    invoices_sent = 0
    for r in invoices:
        try:
            r.get(timeout=2)
            invoices_sent += 1
        except TimeoutError as e:
            print(f"invoice not sent: {type(e).__name__}")

    orphans = unconsumed_queues(ROUTES, WORKERS)
    if orphans:
        print(f"⚠ routed to queues nobody consumes: {', '.join(orphans)}")
    # The guard, tried on a config with a mistake in it.
    lint = unconsumed_queues(
        {"send_invoice": {"queue": "billing"}, "export_report": {"queue": "reports"}},
        [{"queues": ["celery", "billing"]}],
    )

    # ...and on configs it has never seen.
    guard_cases = [dict(t, found=unconsumed_queues(t["routes"], t["workers"])) for t in guard_trials()]

    return {"invoicesSent": invoices_sent, "backlog": backlog, "orphans": orphans, "lint": lint, "guardCases": guard_cases}
