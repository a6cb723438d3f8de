# mistake: retry with countdown=0, so the flaky task hammers again at once instead of waiting the retry delay
# expect: too soon
"""Lab 1.3: Error handling workshop, in Python (reference solution).

Four scenarios: a flaky task, exponential backoff, a dead-letter queue, and a circuit breaker
around an unreliable API. Adapted from the course only where the simulator's world differs: the
external API is a small simulated service (down for a moment at t=2 s (until t=3 s) and from t=5 s to t=20 s), and main() sends the work
without waiting for results (the lab's checks read the run itself).
"""
import random
import time

from celery import Celery
from celery.exceptions import Reject

app = Celery("retry_demo", broker="redis")

# ---------------------------------------------------------------- 1. Retry patterns explorer


@app.task(bind=True, max_retries=3, default_retry_delay=1)
def flaky_task(self, data):
    """Task that randomly fails (70% of attempts)."""
    time.sleep(0.1)
    if random.random() < 0.7:
        print(f"Attempt {self.request.retries + 1} failed")
        raise self.retry(exc=Exception("Random failure occurred"), countdown=0)
    return f"Success after {self.request.retries} retries ({data})"


@app.task(bind=True, max_retries=5)
def exponential_backoff_task(self):
    """Task with exponential backoff around an API that is down 80% of the time."""
    try:
        time.sleep(0.05)  # simulated API call
        if random.random() < 0.8:
            raise ConnectionError("API unavailable")
        return "API call successful"
    except ConnectionError as exc:
        countdown = 2 ** self.request.retries
        print(f"Retrying in {countdown} seconds...")
        raise self.retry(exc=exc, countdown=countdown)


# ---------------------------------------------------------------- 2. Dead letter queue


@app.task
def process_failed_item(data, error):
    """Process items from the dead letter queue."""
    print(f"Processing failed item: {data}")
    print(f"Original error: {error}")
    time.sleep(0.1)  # manual intervention or automatic recovery logic
    return f"Recovered: {data['id']}"


@app.task(bind=True)
def process_with_dlq(self, data):
    """Task that sends failed items to the DLQ."""
    try:
        if not data["valid"]:
            raise ValueError("Invalid data")
        return f"Processed: {data['id']}"
    except Exception as exc:
        process_failed_item.apply_async(args=[data, str(exc)], queue="dead_letter")
        raise


# ---------------------------------------------------------------- 2b. The broker's own dead-lettering

# The same items on RabbitMQ, whose queues can dead-letter by themselves: a message a worker rejects
# without requeueing goes to the queue's dead-letter exchange, with no code of yours in between.
rabbit = Celery("dlx_demo", broker="rabbitmq")
# A message can be rejected only while it is unacknowledged: acknowledge after the task.
rabbit.conf.update(task_acks_late=True)


@rabbit.task(name="process_strict")
def process_strict(data):
    # Rejected without requeueing: RabbitMQ moves the message to the dead-letter exchange.
    if not data["valid"]:
        raise Reject(f"invalid item {data['id']}", requeue=False)
    return f"Processed: {data['id']}"


# ---------------------------------------------------------------- 3. Circuit breaker


class ExternalApi:
    """An external API: 50 ms per call, down for a moment at t=2 s (until t=3 s) and from t=5 s to t=20 s (simulated time)."""

    def call(self):
        time.sleep(0.05)
        t = time.monotonic()
        if 2 <= t < 3 or 5 <= t < 20:
            raise ConnectionError("external-api is unavailable")


api = ExternalApi()


class CircuitOpenError(Exception):
    pass


class CircuitBreaker:
    """CLOSED -> (failure_threshold failures) -> OPEN -> (timeout later) -> HALF_OPEN -> one trial call."""

    def __init__(self, failure_threshold=5, timeout=60):
        self.failure_threshold = failure_threshold
        self.timeout = timeout
        self.failure_count = 0
        self.last_failure_time = 0
        self.state = "CLOSED"

    def call(self, func, *args, **kwargs):
        t = time.monotonic()
        if self.state == "OPEN":
            if t - self.last_failure_time > self.timeout:
                self.state = "HALF_OPEN"
            else:
                raise CircuitOpenError("Circuit breaker is OPEN")
        try:
            result = func(*args, **kwargs)
            if self.state == "HALF_OPEN":
                self.state = "CLOSED"
                print(f"Circuit breaker CLOSED again at t={t}")
            self.failure_count = 0
            return result
        except Exception:
            self.failure_count += 1
            self.last_failure_time = t
            if self.failure_count >= self.failure_threshold:
                self.state = "OPEN"
                print(f"Circuit breaker OPEN after {self.failure_count} failures at t={t}")
            raise


# One breaker per process: each pool child imports this module and gets its own. The API task runs
# on one worker of concurrency 1 (one pool process), so one breaker sees every call.
breaker = CircuitBreaker(failure_threshold=3, timeout=10)


@app.task(queue="api")
def external_api_call(endpoint):
    def fetch():
        api.call()
        return f"Data from {endpoint}"

    return breaker.call(fetch)


# ---------------------------------------------------------------- Driving it


def main():
    app.worker(hostname="w1", concurrency=4)
    app.worker(hostname="api-w1", concurrency=1, queues=["api"])
    app.worker(hostname="dlq-w1", concurrency=1, queues=["dead_letter"])

    print("Testing flaky task:")
    for i in range(20):
        flaky_task.delay(f"test data {i}")

    print("Testing exponential backoff:")
    for _ in range(5):
        exponential_backoff_task.delay()

    items = [{"id": i + 1, "valid": i % 3 != 1} for i in range(8)]
    for item in items:
        process_with_dlq.delay(item)

    # The broker's dead-lettering: queue "strict" dead-letters into exchange "dlx", bound to "rejected".
    broker = rabbit.broker
    broker.declare_exchange("dlx", "direct")
    broker.bind_queue("rejected", "dlx", "strict")
    broker.declare_queue("strict", dead_letter_exchange="dlx")
    strict_worker = rabbit.worker(hostname="strict-w1", concurrency=1, queues=["strict"])
    for item in items:
        process_strict.apply_async(args=[item], queue="strict")

    # One API call every 0.5 s for 40 s.
    for i in range(80):
        external_api_call.apply_async(args=[f"/orders/{i}"], countdown=i * 0.5)

    # The 8 strict items take milliseconds. Stop their worker after 3 s: a message rejected with
    # requeue=True would otherwise come back and be rejected again until the end of the run.
    time.sleep(3)
    strict_worker.shutdown()
