# mistake: the claim is a plain SET without NX, which always succeeds, so it never detects a duplicate
# expect: not idempotent
"""
Pitfall 1: an ETA longer than Redis's visibility timeout runs the task twice (reference solution).

A reminder is scheduled a minute ahead. With Redis, the worker takes the message at once and
holds it, unacknowledged, until the ETA. If that is longer than the visibility timeout, Redis
considers the message lost and hands it out again.
"""
import time

import redis
from celery import Celery

app = Celery("reminders", broker="redis")
r = redis.Redis()

# Real Redis default is 3600 s (one hour) with reminders scheduled days ahead; scaled down here.
# Longer than the longest countdown/ETA this app uses.
app.conf.update(broker_transport_options={"visibility_timeout": 3600})


def send_email(user_id):
    """The side effect we must not repeat. Counts emails per user in Redis."""
    n = r.incr(f"emails_sent:{user_id}")
    print(f"📧 reminder sent to {user_id} at t={time.monotonic():.1f} (#{n})")


@app.task(bind=True)
def send_reminder(self, user_id):
    # Idempotent: the first execution of this task id claims it; any redelivery skips the email.
    claimed = r.set(f"reminder:{self.request.id}", "1", ex=86400)
    if not claimed:
        return f"duplicate delivery of {self.request.id} skipped"
    send_email(user_id)
    return f"reminded {user_id} ({self.request.id})"


def main():
    app.worker(hostname="w1", concurrency=2)
    reminder = send_reminder.apply_async(["user-42"], countdown=60)
    print(f"reminder {reminder.id} scheduled for t=60")
    # The client's publish timed out and it retried: the same message (same task id) is sent again.
    # Nothing in the broker can tell them apart; only an idempotent task sends one email.
    send_reminder.apply_async(["user-42"], countdown=60, task_id=reminder.id)

    time.sleep(30)
    app.worker(hostname="w2", concurrency=2)  # a deploy adds a worker
    print("w2 started at t=30")
    time.sleep(20)
    app.worker(hostname="w3", concurrency=2)  # and another, 10 s before the reminder is due
    print("w3 started at t=50")

    reminder.get(timeout=200)
    time.sleep(150)  # long enough for the broker's periodic restore as well
    emails_sent = int(r.get("emails_sent:user-42") or 0)
    print(f"emails sent: {emails_sent}")
    return {"emailsSent": emails_sent}
