# mistake: the compensations are sent as a group, so cancelling the order does not wait for the inventory release
# expect: one after another
"""
Capstone: a microservices event platform (reference solution).

Events and orders are plain dicts; their keys (``eventId``, ``aggregateId``, ``orderId``...) are
the TypeScript version's, which the lab's checks read.
"""
import json
import time

import redis
from celery import Celery, chain, group

app = Celery("event_platform", broker="rabbitmq")
r = redis.Redis()


# ================================================================ The event bus: a topic exchange

# Events travel through RabbitMQ: one message per event, published to the topic exchange "events"
# with the routing key "event.<type>"; the broker puts a copy in every queue with a matching binding
# (one copy per queue, however many of its bindings match). Publishers do not know the subscribers.
EVENTS_EXCHANGE = "events"

# Each service's queue and its binding keys: "*" is exactly one word, "#" zero or more.
SUBSCRIPTIONS = {
    "audit": ["event.#"],
    "projections": ["event.order.*", "event.payment.*"],
    "notifications": ["event.order.confirmed", "event.order.cancelled"],
}


def declare_event_bus():
    """Declares the exchange and binds each service's queue (broker state: done once, from the client)."""
    app.broker.declare_exchange(EVENTS_EXCHANGE, "topic")
    for queue, patterns in SUBSCRIPTIONS.items():
        for pattern in patterns:
            app.broker.bind_queue(queue, EVENTS_EXCHANGE, pattern)


def publish(event):
    routing_key = f"event.{event['eventType']}"
    # The audit trail of what was published is shared by every process: a Redis list.
    r.rpush("published", json.dumps({"eventId": event["eventId"], "routingKey": routing_key}))
    handle_event.apply_async([event], exchange=EVENTS_EXCHANGE, routing_key=routing_key)


# Event ids and per-aggregate versions are counted in Redis: a module-level counter would restart
# at 1 in every pool child (two events "evt-1", versions out of order).
def emit(aggregate_id, event_type, data):
    version = r.incr(f"version:{aggregate_id}")
    event = {
        "eventId": f"evt-{r.incr('event-seq')}",
        "aggregateId": aggregate_id,
        "eventType": event_type,
        "data": data,
        "timestamp": time.monotonic(),
        "version": version,
    }
    publish(event)
    return event


# ================================================================ Event store and read model (the "databases")

# The "databases" are Redis keys: the audit worker's memory is not the projections worker's, and
# neither is main()'s. (A module-level list here would be one per process, read by nobody.)
INITIAL_STOCK = {"widget": 10, "gadget": 5}


def append_event(event):
    """Audit trail: every event, once, append-only."""
    if r.set(f"stored:{event['eventId']}", 1, nx=True) is None:
        return "duplicate"
    r.rpush("event-store", json.dumps(event))
    return event["eventId"]


STATUS = {
    "order.created": "CREATED",
    "payment.succeeded": "PAID",
    "payment.failed": "PAYMENT_FAILED",
    "order.confirmed": "CONFIRMED",
    "order.cancelled": "CANCELLED",
}


def project_event(event):
    """CQRS read model: the order list a UI would query. Idempotent and safe against reordering."""
    key = f"view:{event['aggregateId']}"
    stored = r.get(key)
    view = json.loads(stored) if stored else {"status": "NEW", "total": 0, "version": 0, "history": []}
    if event["version"] <= view["version"]:
        return "stale"
    view["version"] = event["version"]
    if event["eventType"] in STATUS:
        view["status"] = STATUS[event["eventType"]]
    total = event["data"].get("total")
    if isinstance(total, (int, float)) and not isinstance(total, bool):
        view["total"] = total
    view["history"].append(event["eventType"])
    r.set(key, json.dumps(view))
    return view["status"]


def notify_customer(event):
    time.sleep(0.05)
    print(f"📧 {event['aggregateId']}: {event['eventType']}")
    return event["eventType"]


# What each service does with an event; in production each service's code base has its own.
HANDLERS = {
    "audit": append_event,
    "projections": project_event,
    "notifications": notify_customer,
}


@app.task(name="handle_event", bind=True)
def handle_event(self, event):
    """One task for every event: the copy in each service's queue runs that service's handler."""
    queue = (self.request.delivery_info or {}).get("queue", "")
    handler = HANDLERS.get(queue)
    if handler is None:
        raise ValueError(f"no handler for queue {queue}")
    return handler(event)


# ================================================================ The saga's steps

@app.task
def create_order(order):
    time.sleep(0.1)
    emit(order["orderId"], "order.created", {"customerId": order["customerId"], "items": order["items"], "total": order["total"]})
    return order


@app.task
def reserve_inventory(order):
    time.sleep(0.2)
    for item in order["items"]:
        if int(r.get(f"stock:{item['sku']}") or 0) < item["qty"]:
            raise ValueError(f"out of stock: {item['sku']}")
    for item in order["items"]:
        r.decrby(f"stock:{item['sku']}", item["qty"])
    emit(order["orderId"], "inventory.reserved", {"items": order["items"]})
    return order


@app.task
def process_payment(order):
    time.sleep(0.3)
    if order["card"] == "declined":
        emit(order["orderId"], "payment.failed", {"total": order["total"]})
        raise ValueError(f"payment declined for {order['orderId']}")
    emit(order["orderId"], "payment.succeeded", {"total": order["total"]})
    return order


@app.task
def confirm_order(order):
    time.sleep(0.05)
    emit(order["orderId"], "order.confirmed", {})
    return {"orderId": order["orderId"], "status": "CONFIRMED"}


# Compensations.

@app.task
def release_inventory(order_id):
    time.sleep(0.1)
    reserved = json.loads(r.get(f"reserved:{order_id}") or "[]")
    for item in reserved:
        r.incrby(f"stock:{item['sku']}", item["qty"])
    emit(order_id, "inventory.released", {})
    return order_id


@app.task
def refund_payment(order_id):
    time.sleep(0.1)
    emit(order_id, "payment.refunded", {})
    return order_id


@app.task
def cancel_order(order_id):
    time.sleep(0.05)
    emit(order_id, "order.cancelled", {})
    return order_id


SAGA_STEPS = ["create_order", "reserve_inventory", "process_payment", "confirm_order"]
COMPENSATION = {
    "create_order": cancel_order,
    "reserve_inventory": release_inventory,
    "process_payment": refund_payment,
}


@app.task
def on_order_saga_failure(request, exc, traceback):
    """The saga's errback: Celery calls it once, with the failed step's request."""
    failed_step = str(request.task)
    order = request.args[0]
    print(f"✗ saga for {order['orderId']} failed at {failed_step}: {exc}")
    # Undo only the steps that completed, newest first.
    done = SAGA_STEPS[:SAGA_STEPS.index(failed_step)] if failed_step in SAGA_STEPS else []
    newest_first = list(reversed(done))
    compensations = [COMPENSATION[step].si(order["orderId"]) for step in newest_first]
    print(f"  compensating: {' → '.join(COMPENSATION[step].name for step in newest_first)}")
    if compensations:
        group(*compensations).apply_async()
    return newest_first


class OrderSaga:
    @staticmethod
    def execute(order):
        r.set(f"reserved:{order['orderId']}", json.dumps(order["items"]))
        saga = chain(create_order.s(order), reserve_inventory.s(), process_payment.s(), confirm_order.s())
        saga.link_error(on_order_saga_failure.s())
        return saga.apply_async()


# ================================================================ Driving it

def main():
    for sku, n in INITIAL_STOCK.items():
        r.set(f"stock:{sku}", n)
    declare_event_bus()

    app.worker(hostname="orders", concurrency=4, queues=["celery"])
    app.worker(hostname="audit", concurrency=1, queues=["audit"])
    app.worker(hostname="projections", concurrency=1, queues=["projections"])
    app.worker(hostname="notifications", concurrency=2, queues=["notifications"])

    orders = [
        {"orderId": "order-1", "customerId": "c-1", "items": [{"sku": "widget", "qty": 2}], "total": 40, "card": "ok"},
        {"orderId": "order-2", "customerId": "c-2", "items": [{"sku": "widget", "qty": 3}, {"sku": "gadget", "qty": 1}], "total": 95, "card": "declined"},
        {"orderId": "order-3", "customerId": "c-3", "items": [{"sku": "gadget", "qty": 2}], "total": 50, "card": "ok"},
    ]
    outcomes = {}
    running = [(o["orderId"], OrderSaga.execute(o)) for o in orders]
    for order_id, result in running:
        try:
            result.get(timeout=30)
            outcomes[order_id] = "confirmed"
        except Exception as e:
            outcomes[order_id] = f"failed: {e}"
    time.sleep(5)  # compensations and subscribers catch up

    views = {key[len("view:"):]: json.loads(r.get(key))["status"] for key in sorted(r.keys("view:*"))}
    stock = {sku: int(r.get(f"stock:{sku}")) for sku in INITIAL_STOCK}
    event_store = [json.loads(e) for e in r.lrange("event-store", 0, -1)]
    published = [json.loads(e) for e in r.lrange("published", 0, -1)]
    print("read model:", json.dumps(views))
    print("stock:", json.dumps(stock))
    print(f"event store: {len(event_store)} events, {len(published)} published")
    return {"outcomes": outcomes, "views": views, "stock": stock, "store": event_store, "published": published}
