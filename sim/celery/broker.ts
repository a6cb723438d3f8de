/**
 * The broker: named queues, consumers served in round-robin (Redis BRPOP hands a message to the
 * client that has waited longest; RabbitMQ round-robins among consumers with prefetch room), and
 * what happens to a message that was delivered and not acknowledged:
 *
 * - Redis (kombu's virtual transport): it sits in the `unacked` hash with its delivery time.
 *   `restoreVisible()` puts back entries older than the visibility timeout. kombu calls it when a
 *   consumer starts and then, in effect, every 100 s (FINDINGS §4). A dead worker's messages wait
 *   for that; a long ETA outlives the timeout and runs twice.
 * - RabbitMQ: when a consumer's connection dies its unacked messages go back to the queue at once,
 *   flagged `redelivered`.
 *
 * Persistence across a broker restart follows FINDINGS §5.
 */
import type { Encoded } from "./serialization";
import type { Sim } from "../engine/sim";
import { sharedData } from "../kernel/trace";
import { SlotMap } from "../kernel/slot-map";
import { MessageQueue, type RecordAt } from "./message-queue";
import { copyMessage, queuedMessage } from "./queued-message";
import type { SignatureData } from "./signature-data";
import { Exchanges, type ExchangeType } from "./exchanges";
import { REDIS_CRON_PERIOD_S, type RedisCron } from "./event-loop";

export type Transport = "redis" | "rabbitmq";
export type RedisPersistence = "none" | "rdb" | "aof";

export interface TaskMessage {
  id: string;
  task: string;
  /** The publisher's view of the arguments after encoding (a decoded copy; for views and routing). */
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** [args, kwargs] as encoded by the task serializer: each consuming process decodes its own copy. */
  payload: Encoded;
  retries: number;
  eta: number | null;
  expires: number | null;
  parentId: string | null;
  rootId: string;
  groupId: string | null;
  groupIndex: number | null;
  link: SignatureData[];
  linkError: SignatureData[];
  /** Remaining chain steps, last step first (as Celery's protocol 2 carries them). */
  chain: SignatureData[];
  chord: SignatureData | null;
  /**
   * Per-message soft and hard time limits in seconds (Celery's `timelimit` header), as two numbers
   * rather than a tuple: a queued message then costs one object less. The request's tuple is made
   * per execution (requestFromMessage).
   */
  softTimeLimit: number | null;
  hardTimeLimit: number | null;
  ignoreResult: boolean;
  /** Hostname of the worker that sent it (a retry or a chain step), else null. */
  origin: string | null;
}

export interface Message {
  tag: number;
  taskIndex: number;
  body: TaskMessage;
  queue: string;
  priority: number | null;
  redelivered: boolean;
  /** delivery_mode 2: survives a RabbitMQ restart when its queue is durable. */
  persistent: boolean;
  /** The consumer holding it unacknowledged, or null while queued. */
  holder: Consumer | null;
  deliveredAtS: number;
  acked: boolean;
  /** The exchange and routing key it was published with ("" and the queue name by default). */
  exchange: string;
  routingKey: string;
  /** How often it was dead-lettered, and why last (RabbitMQ's x-death). */
  deaths: number;
}

export interface Consumer {
  readonly name: string;
  readonly index: number;
  queues: string[];
  connected: boolean;
  hasCapacity(): boolean;
  deliver(msg: Message): void;
  /** The broker went away (restart): drop what it holds that was not started. */
  onBrokerLost?(): void;
  onBrokerBack?(): void;
}

export interface BrokerQueue {
  name: string;
  durable: boolean;
  /** RabbitMQ x-max-priority; 0 = no priorities. */
  maxPriority: number;
  /** x-message-ttl in seconds: a message queued longer is dropped or dead-lettered. */
  messageTtlS: number | null;
  /** x-max-length: past it the oldest message is dropped or dead-lettered (drop-head). */
  maxLength: number | null;
  /** x-dead-letter-exchange and x-dead-letter-routing-key. */
  deadLetterExchange: string | null;
  deadLetterRoutingKey: string | null;
  /**
   * RabbitMQ: the queue was reloaded from disk by a broker restart. Such a queue hands requeued
   * messages back with redelivered=False (FINDINGS, correction note); a freshly declared one with True.
   */
  reloadedFromDisk: boolean;
  messages: MessageQueue;
  /** The data of this queue's message-published events: one object the trace stores once, not one per message. */
  readonly publishedData: Readonly<{ queue: string }>;
  published: number;
  delivered: number;
  acked: number;
}

export interface QueueOptions {
  durable?: boolean;
  maxPriority?: number;
  messageTtlS?: number | null;
  maxLength?: number | null;
  deadLetterExchange?: string | null;
  deadLetterRoutingKey?: string | null;
}

export interface BrokerOptions {
  transport: Transport;
  /** What the app named it ("redis", "amqp://…"); apps naming the same URL share the broker. */
  url: string;
  visibilityTimeoutS: number;
  /** Redis only: what survives a restart. Redis's built-in default is RDB snapshots. */
  persistence: RedisPersistence;
}

export class Broker {
  readonly queues = new Map<string, BrokerQueue>();
  private consumers: Consumer[] = [];
  private nextTag = 1;
  up = true;
  private dispatching = false;
  private again = false;
  /**
   * Redis's `unacked` hash, and RabbitMQ's per-channel unacked set, in one map by tag (a SlotMap: a
   * Map's deleted messages outlived young GCs, ~270 B a task of garbage promoted).
   */
  readonly unacked = new SlotMap<Message>();
  /** Messages published while the broker was down (the producer retries them when it is back). */
  private held: Message[] = [];
  restarts = 0;
  private cron: RedisCron | null = null;

  constructor(
    private readonly sim: Sim,
    public options: BrokerOptions,
    /** The task table's records by index: queues then hold plain messages as numbers (message-queue.ts). */
    private readonly recordAt: RecordAt | null = null,
  ) {}

  get transport(): Transport {
    return this.options.transport;
  }

  /** Redis's cron ticks (when a timed-out BRPOP returns): the phase drawn from the seed once. */
  get redisCron(): RedisCron {
    return (this.cron ??= { phaseS: this.sim.rng.stream("redis-cron").random() * REDIS_CRON_PERIOD_S, periodS: REDIS_CRON_PERIOD_S });
  }

  readonly exchanges = new Exchanges();

  declare(name: string, opts: QueueOptions = {}): BrokerQueue {
    let q = this.queues.get(name);
    if (!q) {
      // A RabbitMQ TTL timer finds its message by identity: once a queue has had a TTL, it queues objects.
      let timed = false;
      const keepObjects = () => (timed ||= this.transport === "rabbitmq" && q!.messageTtlS !== null);
      q = {
        name,
        durable: opts.durable ?? true,
        maxPriority: opts.maxPriority ?? 0,
        messageTtlS: opts.messageTtlS ?? null,
        maxLength: opts.maxLength ?? null,
        deadLetterExchange: opts.deadLetterExchange ?? null,
        deadLetterRoutingKey: opts.deadLetterRoutingKey ?? null,
        reloadedFromDisk: false,
        messages: new MessageQueue(name, this.recordAt, keepObjects),
        publishedData: sharedData({ queue: name }),
        published: 0,
        delivered: 0,
        acked: 0,
      };
      this.queues.set(name, q);
    } else {
      // Declaring again with arguments sets the ones given (a simplification of RabbitMQ, which
      // refuses inequivalent arguments; here a lab can tighten a queue after Celery declared it).
      if (opts.messageTtlS !== undefined) q.messageTtlS = opts.messageTtlS;
      if (opts.maxLength !== undefined) q.maxLength = opts.maxLength;
      if (opts.deadLetterExchange !== undefined) q.deadLetterExchange = opts.deadLetterExchange;
      if (opts.deadLetterRoutingKey !== undefined) q.deadLetterRoutingKey = opts.deadLetterRoutingKey;
      if (opts.maxPriority !== undefined) q.maxPriority = opts.maxPriority;
    }
    return q;
  }

  declareExchange(name: string, type: ExchangeType = "direct", durable = true): void {
    this.exchanges.declare(name, type, durable);
  }

  bindQueue(queue: string, exchange: string, routingKey: string): void {
    this.declare(queue);
    this.exchanges.bind(queue, exchange, routingKey);
  }

  /**
   * Publish through an exchange: one copy per queue it routes to (a fanout of a task message runs
   * the task once per queue, as Celery's broadcast queues do). Unroutable messages are dropped,
   * as RabbitMQ drops them without the mandatory flag. Returns the copies published.
   */
  publishVia(exchange: string, routingKey: string, make: (queue: string) => Message): Message[] {
    const queues = this.exchanges.route(exchange, routingKey);
    if (!queues.length) {
      const m = make(routingKey);
      this.sim.record("message-lost", m.taskIndex, -1, m.tag, { reason: `unroutable: exchange '${exchange}' has no binding for routing key '${routingKey}'` });
      return [];
    }
    return queues.map((q) => {
      const m = make(q);
      m.exchange = exchange;
      m.routingKey = routingKey;
      this.publish(m);
      return m;
    });
  }

  queueLength(name: string): number {
    return this.queues.get(name)?.messages.length ?? 0;
  }

  newMessage(taskIndex: number, body: TaskMessage, queue: string, priority: number | null, persistent: boolean): Message {
    return queuedMessage(this.nextTag++, taskIndex, body, queue, priority, persistent, queue);
  }

  publish(msg: Message): void {
    const q = this.declare(msg.queue);
    if (!this.up) {
      // Not in the queue yet: the producer holds it and publishes it again when the broker is back.
      this.sim.record("message-published", msg.taskIndex, -1, msg.tag, { queue: q.name, held: true });
      this.held.push(msg);
      return;
    }
    this.sim.record("message-published", msg.taskIndex, -1, msg.tag, q.publishedData);
    q.published++;
    this.enqueue(q, msg, false);
    this.applyQueueLimits(q, msg);
    this.dispatch();
  }

  /** RabbitMQ's per-queue TTL and max length (Redis has neither: kombu ignores the arguments). */
  private applyQueueLimits(q: BrokerQueue, msg: Message): void {
    if (this.transport !== "rabbitmq") return;
    if (q.maxLength !== null) {
      while (q.messages.length > q.maxLength) this.deadLetter(q, q.messages.shift()!, "maxlen");
    }
    if (q.messageTtlS !== null) {
      this.sim.sched.schedule(q.messageTtlS, () => {
        const gone = q.messages.remove((m) => m === msg);
        if (gone) this.deadLetter(q, gone, "expired");
      });
    }
  }

  /** Dead-letter `msg` from `q` (to its DLX when it has one, else it is dropped). */
  private deadLetter(q: BrokerQueue, msg: Message, reason: "rejected" | "expired" | "maxlen"): void {
    msg.acked = true;
    if (!q.deadLetterExchange && q.deadLetterExchange !== "") {
      this.sim.record("message-lost", msg.taskIndex, -1, msg.tag, { reason: `${reason === "maxlen" ? "queue over max length" : reason === "expired" ? "message TTL expired" : "rejected"} in '${q.name}' and the queue has no dead-letter exchange` });
      return;
    }
    const key = q.deadLetterRoutingKey ?? msg.routingKey;
    const copies = this.exchanges.route(q.deadLetterExchange, key);
    this.sim.record("message-dead-lettered", msg.taskIndex, -1, msg.tag, { from: q.name, exchange: q.deadLetterExchange, routingKey: key, reason, queues: copies });
    for (const target of copies) {
      const copy = copyMessage(msg, { tag: this.nextTag++, queue: target, holder: null, acked: false, redelivered: false, exchange: q.deadLetterExchange, routingKey: key, deaths: msg.deaths + 1 });
      this.publish(copy);
    }
  }

  private enqueue(q: BrokerQueue, msg: Message, front: boolean): void {
    msg.holder = null;
    const redis = this.transport === "redis";
    if ((msg.priority !== null || redis) && this.usesPriority(q)) {
      // Insert by priority, keeping FIFO among equals. Redis: kombu keeps one list per priority step
      // (0, 3, 6, 9; a priority counts as the step at or below it, no priority as 0) and reads the
      // lowest step first; RabbitMQ: higher first, only on queues declared with x-max-priority, no
      // priority as 0. Measured: reference pairs priority_redis_steps, priority_amqp_max_priority.
      const rank = (priority: number | null) => (redis ? redisPriorityStep(priority) : (priority ?? 0));
      const better = (a: number, b: number) => (redis ? a < b : a > b);
      const mine = rank(msg.priority);
      // The queue is kept in order, best first: a message no better than the last goes at the end,
      // a requeued one at least as good as the first at the front, without touching the rest (a
      // burst of a million sends with no priority is a million pushes, not a quadratic rebuild).
      const n = q.messages.length;
      if (!front && (n === 0 || !better(mine, rank(q.messages.priorityAt(n - 1))))) return q.messages.push(msg);
      if (front && (n === 0 || better(mine, rank(q.messages.priorityAt(0))) || mine === rank(q.messages.priorityAt(0)))) return q.messages.unshift(msg);
      const items = q.messages.toArray();
      let at = items.length;
      for (let i = 0; i < items.length; i++) {
        const p = rank(items[i]!.priority);
        if (better(mine, p) || (front && mine === p)) {
          at = i;
          break;
        }
      }
      items.splice(at, 0, msg);
      q.messages.clear();
      for (const m of items) q.messages.push(m);
    } else if (front) q.messages.unshift(msg);
    else q.messages.push(msg);
  }

  private usesPriority(q: BrokerQueue): boolean {
    return this.transport === "redis" || q.maxPriority > 0;
  }

  addConsumer(c: Consumer): void {
    if (!this.consumers.includes(c)) this.consumers.push(c);
    for (const name of c.queues) this.declare(name);
    this.dispatch();
  }

  removeConsumer(c: Consumer): void {
    this.consumers = this.consumers.filter((x) => x !== c);
  }

  /** Hand queued messages to consumers with room, the longest-waiting first. */
  dispatch(): void {
    if (!this.up) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        let progress = true;
        while (progress) {
          progress = false;
          for (let i = 0; i < this.consumers.length; i++) {
            const c = this.consumers[i]!;
            if (!c.connected || !c.hasCapacity()) continue;
            const msg = this.popFor(c);
            if (!msg) continue;
            // Served: to the back of the line (BRPOP is issued again after this message).
            this.consumers.splice(i, 1);
            this.consumers.push(c);
            this.deliverTo(c, msg);
            progress = true;
            break;
          }
        }
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private popFor(c: Consumer): Message | undefined {
    for (const name of c.queues) {
      const q = this.queues.get(name);
      if (q && q.messages.length) {
        // Rotate the consumer's queue order so one busy queue cannot starve the others (kombu's cycle).
        if (c.queues.length > 1) c.queues.push(c.queues.shift()!);
        return q.messages.shift();
      }
    }
    return undefined;
  }

  private deliverTo(c: Consumer, msg: Message): void {
    msg.holder = c;
    msg.deliveredAtS = this.sim.nowS;
    this.unacked.set(msg.tag, msg);
    const q = this.queues.get(msg.queue);
    if (q) q.delivered++;
    this.sim.record("message-delivered", msg.taskIndex, c.index, msg.tag, msg.redelivered ? { redelivered: true } : undefined);
    c.deliver(msg);
  }

  ack(msg: Message): void {
    if (msg.acked) return;
    msg.acked = true;
    // Redis: HDEL from the unacked hash. If restore_visible already put the message back, the
    // restored copy stays queued: that is how a long ETA runs twice.
    if (this.unacked.get(msg.tag) === msg) this.unacked.delete(msg.tag);
    const q = this.queues.get(msg.queue);
    if (q) q.acked++;
    this.sim.record("message-acked", msg.taskIndex, msg.holder?.index ?? -1, msg.tag);
    msg.holder = null;
    this.dispatch();
  }

  /** basic_reject: back to the queue (front) when `requeue`, else dropped. */
  reject(msg: Message, requeue: boolean, reason: string): void {
    // A delivery the broker already took back (restored after the visibility timeout, requeued when
    // its connection died, put back by a restart) cannot be rejected any more, as it cannot be acked:
    // kombu's restore_by_tag finds nothing in the unacked hash; RabbitMQ's channel is gone.
    if (msg.acked) {
      this.dispatch();
      return;
    }
    this.unacked.delete(msg.tag);
    const worker = msg.holder?.index ?? -1;
    msg.holder = null;
    if (requeue) {
      const copy = this.redeliveryOf(msg, true);
      this.sim.record("message-requeued", msg.taskIndex, worker, copy.tag, { reason, from: msg.tag });
      this.enqueue(this.declare(copy.queue), copy, true);
    } else {
      const q = this.queues.get(msg.queue);
      if (this.transport === "rabbitmq" && q && q.deadLetterExchange !== null) this.deadLetter(q, msg, "rejected");
      else {
        msg.acked = true;
        this.sim.record("message-lost", msg.taskIndex, worker, msg.tag, { reason });
      }
    }
    this.dispatch();
  }

  /** A fresh delivery of the same message (a new tag, so acks of the old one cannot touch it). */
  private redeliveryOf(msg: Message, redelivered: boolean): Message {
    msg.acked = true; // the old delivery can no longer be acknowledged
    return copyMessage(msg, { tag: this.nextTag++, holder: null, redelivered, acked: false });
  }

  /** A consumer's connection died (worker killed or lost the broker). */
  consumerLost(c: Consumer): void {
    this.removeConsumer(c);
    if (this.transport !== "rabbitmq") return; // Redis: stays in `unacked` until restored
    const held = this.unacked.values().filter((m) => m.holder === c).sort((a, b) => a.tag - b.tag);
    // Requeued at the head, in their original order, flagged redelivered.
    for (let i = held.length - 1; i >= 0; i--) {
      const m = held[i]!;
      this.unacked.delete(m.tag);
      const copy = this.redeliveryOf(m, !this.declare(m.queue).reloadedFromDisk);
      this.sim.record("message-requeued", m.taskIndex, c.index, copy.tag, { reason: "consumer connection lost", from: m.tag });
      this.enqueue(this.declare(copy.queue), copy, true);
    }
    this.dispatch();
  }

  /** kombu's QoS.restore_visible: unacked entries older than the visibility timeout go back. */
  restoreVisible(): number {
    if (this.transport !== "redis" || !this.up) return 0;
    const cutoff = this.sim.nowS - this.options.visibilityTimeoutS;
    const old = this.unacked.values().filter((m) => m.deliveredAtS < cutoff).sort((a, b) => a.tag - b.tag);
    for (const m of old) {
      this.unacked.delete(m.tag);
      // Redis sets no redelivered flag on a restored message (delivery_info redelivered=None).
      const copy = this.redeliveryOf(m, false);
      this.sim.record("message-restored", m.taskIndex, m.holder?.index ?? -1, copy.tag, { from: m.tag, ageS: this.sim.nowS - m.deliveredAtS });
      this.enqueue(this.declare(copy.queue), copy, false);
    }
    if (old.length) this.dispatch();
    return old.length;
  }

  /**
   * Restart the broker. `graceful` is a clean stop (Redis SHUTDOWN saves an RDB snapshot;
   * `rabbitmqctl stop`), otherwise SIGKILL. `persistent` overrides the configured persistence.
   */
  restart(opts: { graceful?: boolean; persistent?: boolean; downtimeS?: number } = {}): void {
    if (!this.up) return;
    const graceful = opts.graceful ?? true;
    const downtimeS = opts.downtimeS ?? (this.transport === "redis" ? 0.02 : 4.6);
    this.up = false;
    this.restarts++;
    for (const c of [...this.consumers]) {
      c.connected = false;
      c.onBrokerLost?.();
    }
    const survives = (m: Message, q: BrokerQueue | undefined): boolean => {
      if (opts.persistent !== undefined) return opts.persistent;
      if (this.transport === "redis") {
        const p = this.options.persistence;
        return p === "aof" || (p === "rdb" && graceful);
      }
      return !!q?.durable && m.persistent;
    };
    // What was delivered and not acked: RabbitMQ requeues it (connections died); Redis keeps its
    // unacked hash, restored when the consumers reconnect.
    let survived = 0;
    let lost = 0;
    const unacked = this.unacked.values().sort((a, b) => a.tag - b.tag);
    this.unacked.clear();
    for (const q of this.queues.values()) {
      const keep: Message[] = [];
      const requeued = unacked.filter((m) => m.queue === q.name);
      // A durable RabbitMQ queue comes back from disk: what it hands back is not flagged redelivered.
      if (this.transport === "rabbitmq" && q.durable) q.reloadedFromDisk = true;
      const back = requeued.map((m) => {
        const copy = this.redeliveryOf(m, this.transport === "rabbitmq" && !q.reloadedFromDisk);
        (copy as Message & { fromTag?: number }).fromTag = m.tag;
        return copy;
      });
      for (const m of [...back, ...q.messages.toArray()]) {
        if (survives(m, q)) {
          keep.push(m);
          survived++;
          const from = (m as Message & { fromTag?: number }).fromTag;
          if (from !== undefined) {
            delete (m as Message & { fromTag?: number }).fromTag;
            // Delivered, not acknowledged when the broker went down: it is delivered again.
            this.sim.record("message-requeued", m.taskIndex, -1, m.tag, { reason: "broker restarted while the message was unacknowledged", from });
          }
        } else {
          lost++;
          // A delivered message lost here never got its new tag published: name the old one too.
          const from = (m as Message & { fromTag?: number }).fromTag;
          const reason = `broker restarted (${graceful ? "graceful" : "killed"}) and the message was not persisted`;
          this.sim.record("message-lost", m.taskIndex, -1, m.tag, from === undefined ? { reason } : { reason, from });
        }
      }
      q.messages.clear();
      for (const m of keep) q.messages.push(m);
    }
    this.sim.record("broker-restarted", -1, -1, downtimeS, {
      transport: this.transport,
      graceful,
      persistence: this.transport === "redis" ? this.options.persistence : "durable queues, delivery_mode from each message",
      survived,
      lost,
    });
    this.sim.sched.schedule(downtimeS, () => {
      this.up = true;
      const held = this.held;
      this.held = [];
      for (const m of held) this.publish(m);
      for (const c of this.consumers) {
        c.connected = true;
        c.onBrokerBack?.();
      }
      this.dispatch();
    });
  }

  /** Consumers that lost the broker re-register when it is back. */
  reconnect(c: Consumer): void {
    if (this.up) {
      c.connected = true;
      this.addConsumer(c);
    }
  }

  allConsumers(): readonly Consumer[] {
    return this.consumers;
  }
}

/** kombu's Redis priority steps: a message goes to the list of the highest step not above its priority. */
const REDIS_PRIORITY_STEPS = [0, 3, 6, 9];
function redisPriorityStep(priority: number | null): number {
  const p = priority ?? 0;
  let step = REDIS_PRIORITY_STEPS[0]!;
  for (const s of REDIS_PRIORITY_STEPS) if (s <= p) step = s;
  return step;
}
