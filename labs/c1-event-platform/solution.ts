/**
 * Capstone: a microservices event platform (reference solution).
 */
import { Celery, chain, sleep, now, redis, ValueError } from "celery";

const app = new Celery("event_platform", { broker: "rabbitmq" });

interface DomainEvent {
  eventId: string;
  aggregateId: string;
  eventType: string;
  data: Record<string, unknown>;
  timestamp: number;
  version: number;
}

interface Order {
  orderId: string;
  customerId: string;
  items: { sku: string; qty: number }[];
  total: number;
  card: string;
}

// ================================================================ The event bus: a topic exchange

/**
 * Events travel through RabbitMQ: one message per event, published to the topic exchange `events`
 * with the routing key `event.<type>`; the broker puts a copy in every queue with a matching binding
 * (one copy per queue, however many of its bindings match). Publishers do not know the subscribers.
 */
const EVENTS_EXCHANGE = "events";

/** Each service's queue and its binding keys: "*" is exactly one word, "#" zero or more. */
const SUBSCRIPTIONS: Record<string, string[]> = {
  audit: ["event.#"],
  projections: ["event.order.*", "event.payment.*"],
  notifications: ["event.order.confirmed", "event.order.cancelled"],
};

/** Declares the exchange and binds each service's queue (broker state: done once, from the client). */
function declareEventBus() {
  app.broker.declareExchange(EVENTS_EXCHANGE, "topic");
  for (const [queue, patterns] of Object.entries(SUBSCRIPTIONS)) for (const p of patterns) app.broker.bindQueue(queue, EVENTS_EXCHANGE, p);
}

function publish(event: DomainEvent) {
  const routingKey = `event.${event.eventType}`;
  // The audit trail of what was published is shared by every process: a Redis list.
  void redis.rpush("published", JSON.stringify({ eventId: event.eventId, routingKey }));
  handleEvent.applyAsync([event], { exchange: EVENTS_EXCHANGE, routingKey });
}

// Event ids and per-aggregate versions are counted in Redis: a module-level counter would restart
// at 1 in every pool child (two events "evt-1", versions out of order).
async function emit(aggregateId: string, eventType: string, data: Record<string, unknown>) {
  const version = await redis.incr(`version:${aggregateId}`);
  const event: DomainEvent = { eventId: `evt-${await redis.incr("event-seq")}`, aggregateId, eventType, data, timestamp: now(), version };
  publish(event);
  return event;
}

// ================================================================ Event store and read model (the "databases")

// The "databases" are Redis keys: the audit worker's memory is not the projections worker's, and
// neither is main()'s. (A module-level array here would be one per process, read by nobody.)
type OrderView = { status: string; total: number; version: number; history: string[] };
const INITIAL_STOCK: Record<string, number> = { widget: 10, gadget: 5 };

/** Audit trail: every event, once, append-only. */
async function appendEvent(event: DomainEvent) {
  if ((await redis.set(`stored:${event.eventId}`, 1, { NX: true })) === null) return "duplicate";
  await redis.rpush("event-store", JSON.stringify(event));
  return event.eventId;
}

const STATUS: Record<string, string> = {
  "order.created": "CREATED",
  "payment.succeeded": "PAID",
  "payment.failed": "PAYMENT_FAILED",
  "order.confirmed": "CONFIRMED",
  "order.cancelled": "CANCELLED",
};

/** CQRS read model: the order list a UI would query. Idempotent and safe against reordering. */
async function projectEvent(event: DomainEvent) {
  const key = `view:${event.aggregateId}`;
  const stored = await redis.get(key);
  const view: OrderView = stored ? JSON.parse(String(stored)) : { status: "NEW", total: 0, version: 0, history: [] };
  if (event.version <= view.version) return "stale";
  view.version = event.version;
  if (STATUS[event.eventType]) view.status = STATUS[event.eventType]!;
  if (typeof event.data.total === "number") view.total = event.data.total;
  view.history.push(event.eventType);
  await redis.set(key, JSON.stringify(view));
  return view.status;
}

async function notifyCustomer(event: DomainEvent) {
  await sleep(0.05);
  console.log(`📧 ${event.aggregateId}: ${event.eventType}`);
  return event.eventType;
}

/** What each service does with an event; in production each service's code base has its own. */
const HANDLERS: Record<string, (event: DomainEvent) => Promise<unknown>> = {
  audit: appendEvent,
  projections: projectEvent,
  notifications: notifyCustomer,
};

/** One task for every event: the copy in each service's queue runs that service's handler. */
export const handleEvent = app.task({ name: "handle_event", bind: true }, async (self, event: DomainEvent) => {
  const queue = self.request.deliveryInfo?.queue ?? "";
  const handler = HANDLERS[queue];
  if (!handler) throw new ValueError(`no handler for queue ${queue}`);
  return handler(event);
});

// ================================================================ The saga's steps

export const createOrder = app.task(async function create_order(order: Order) {
  await sleep(0.1);
  await emit(order.orderId, "order.created", { customerId: order.customerId, items: order.items, total: order.total });
  return order;
});

export const reserveInventory = app.task(async function reserve_inventory(order: Order) {
  await sleep(0.2);
  for (const { sku, qty } of order.items) if (Number(await redis.get(`stock:${sku}`)) < qty) throw new ValueError(`out of stock: ${sku}`);
  for (const { sku, qty } of order.items) await redis.decrby(`stock:${sku}`, qty);
  await emit(order.orderId, "inventory.reserved", { items: order.items });
  return order;
});

export const processPayment = app.task(async function process_payment(order: Order) {
  await sleep(0.3);
  if (order.card === "declined") {
    await emit(order.orderId, "payment.failed", { total: order.total });
    throw new ValueError(`payment declined for ${order.orderId}`);
  }
  await emit(order.orderId, "payment.succeeded", { total: order.total });
  return order;
});

export const confirmOrder = app.task(async function confirm_order(order: Order) {
  await sleep(0.05);
  await emit(order.orderId, "order.confirmed", {});
  return { orderId: order.orderId, status: "CONFIRMED" };
});

// Compensations.

export const releaseInventory = app.task(async function release_inventory(orderId: string) {
  await sleep(0.1);
  const reserved: Order["items"] = JSON.parse(String((await redis.get(`reserved:${orderId}`)) ?? "[]"));
  for (const { sku, qty } of reserved) await redis.incrby(`stock:${sku}`, qty);
  await emit(orderId, "inventory.released", {});
  return orderId;
});

export const refundPayment = app.task(async function refund_payment(orderId: string) {
  await sleep(0.1);
  await emit(orderId, "payment.refunded", {});
  return orderId;
});

export const cancelOrder = app.task(async function cancel_order(orderId: string) {
  await sleep(0.05);
  await emit(orderId, "order.cancelled", {});
  return orderId;
});

const SAGA_STEPS = ["create_order", "reserve_inventory", "process_payment", "confirm_order"];
const COMPENSATION: Record<string, typeof cancelOrder> = {
  create_order: cancelOrder,
  reserve_inventory: releaseInventory,
  process_payment: refundPayment,
};

/** The saga's errback: Celery calls it once, with the failed step's request. */
export const onOrderSagaFailure = app.task(function on_order_saga_failure(request: any, exc: any, traceback: any) {
  const failedStep = String(request.task);
  const order = request.args?.[0] as Order;
  console.log(`✗ saga for ${order.orderId} failed at ${failedStep}: ${exc}`);
  // Undo only the steps that completed, newest first.
  const done = SAGA_STEPS.slice(0, Math.max(0, SAGA_STEPS.indexOf(failedStep)));
  const compensations = done.reverse().map((step) => COMPENSATION[step]!.si(order.orderId));
  console.log(`  compensating: ${done.map((s) => COMPENSATION[s]!.name).join(" → ")}`);
  if (compensations.length) chain(...compensations).applyAsync();
  return done;
});

const OrderSaga = {
  async execute(order: Order) {
    await redis.set(`reserved:${order.orderId}`, JSON.stringify(order.items));
    const saga = chain(createOrder.s(order), reserveInventory.s(), processPayment.s(), confirmOrder.s());
    saga.linkError(onOrderSagaFailure.s());
    return saga.applyAsync();
  },
};

// ================================================================ Driving it

export default async function main() {
  for (const [sku, n] of Object.entries(INITIAL_STOCK)) await redis.set(`stock:${sku}`, n);
  declareEventBus();

  app.worker({ hostname: "orders", concurrency: 4, queues: ["celery"] });
  app.worker({ hostname: "audit", concurrency: 1, queues: ["audit"] });
  app.worker({ hostname: "projections", concurrency: 1, queues: ["projections"] });
  app.worker({ hostname: "notifications", concurrency: 2, queues: ["notifications"] });

  const orders: Order[] = [
    { orderId: "order-1", customerId: "c-1", items: [{ sku: "widget", qty: 2 }], total: 40, card: "ok" },
    { orderId: "order-2", customerId: "c-2", items: [{ sku: "widget", qty: 3 }, { sku: "gadget", qty: 1 }], total: 95, card: "declined" },
    { orderId: "order-3", customerId: "c-3", items: [{ sku: "gadget", qty: 2 }], total: 50, card: "ok" },
  ];
  const outcomes: Record<string, string> = {};
  const running = [];
  for (const o of orders) running.push({ id: o.orderId, result: await OrderSaga.execute(o) });
  for (const { id, result } of running) {
    try {
      await result.get({ timeout: 30 });
      outcomes[id] = "confirmed";
    } catch (e) {
      outcomes[id] = `failed: ${(e as Error).message}`;
    }
  }
  await sleep(5); // compensations and subscribers catch up

  const views: Record<string, string> = {};
  for (const key of (await redis.keys("view:*")).sort()) views[key.slice(5)] = (JSON.parse(String(await redis.get(key))) as OrderView).status;
  const stock: Record<string, number> = {};
  for (const sku of Object.keys(INITIAL_STOCK)) stock[sku] = Number(await redis.get(`stock:${sku}`));
  const eventStore = (await redis.lrange("event-store", 0, -1)).map((e) => JSON.parse(String(e)) as DomainEvent);
  const published = (await redis.lrange("published", 0, -1)).map((e) => JSON.parse(String(e)) as { eventId: string; routingKey: string });
  console.log("read model:", JSON.stringify(views));
  console.log("stock:", JSON.stringify(stock));
  console.log(`event store: ${eventStore.length} events, ${published.length} published`);
  return { outcomes, views, stock, store: eventStore, published };
}
