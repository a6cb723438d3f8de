/**
 * `app.control`: broadcast commands to the workers online at the moment (no mingle: a worker that
 * starts later never hears of an earlier revoke, FINDINGS §9), and `inspect()`.
 */
import type { ControlApp } from "./ports";
import { parseRate } from "./ratelimit";
import type { Worker, Reserved } from "./worker";
import type { Execution } from "./execution";
import { SIM_EPOCH_MS } from "../engine/globals";

const SIGNUMS: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGHUP: 1, SIGUSR1: 10 };

interface Dest {
  destination?: string[];
}

export class Control {
  constructor(private readonly app: ControlApp) {}

  private targets(opts: Dest = {}): Worker[] {
    return this.app._world.workers.filter((w) => w.status === "online" && (!opts.destination || opts.destination.includes(w.name)));
  }

  private note(command: string, args: Record<string, unknown>, reached: Worker[]): void {
    this.app._sim.record("control", -1, -1, reached.length, { command, ...args, workers: reached.map((w) => w.name) });
  }

  revoke(taskId: string | string[], opts: { terminate?: boolean; signal?: string } & Dest = {}): void {
    const ids = Array.isArray(taskId) ? taskId : [taskId];
    const ws = this.targets(opts);
    this.note("revoke", { taskIds: ids, terminate: !!opts.terminate, signal: opts.signal ?? "SIGTERM" }, ws);
    const signum = SIGNUMS[(opts.signal ?? "SIGTERM").toUpperCase()] ?? 15;
    for (const w of ws) {
      for (const id of ids) {
        w.revoked.add(id);
        if (opts.terminate) for (const ex of w.activeExecutions()) if (ex.rec.id === id) ex.terminate(signum);
      }
    }
  }

  /** Change a task type's rate limit on the workers ("5/s"; 0 or null removes it). */
  rateLimit(taskName: string, rate: string | number | null, opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("rate_limit", { taskName, rate }, ws);
    for (const w of ws) w.rateOverrides.set(taskName, parseRate(rate));
  }

  timeLimit(taskName: string, opts: { soft?: number | null; hard?: number | null } & Dest = {}): void {
    const ws = this.targets(opts);
    this.note("time_limit", { taskName, soft: opts.soft ?? null, hard: opts.hard ?? null }, ws);
    const t = this.app._registry.get(taskName);
    if (t) {
      if (opts.soft !== undefined) t.softTimeLimit = opts.soft;
      if (opts.hard !== undefined) t.timeLimit = opts.hard;
    }
  }

  poolGrow(n = 1, opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("pool_grow", { n }, ws);
    for (const w of ws) w.poolGrow(n);
  }

  poolShrink(n = 1, opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("pool_shrink", { n }, ws);
    for (const w of ws) w.poolShrink(n);
  }

  addConsumer(queue: string, opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("add_consumer", { queue }, ws);
    for (const w of ws) {
      if (!w.queues.includes(queue)) w.queues.push(queue);
      this.app._broker.declare(queue);
    }
    this.app._broker.dispatch();
  }

  cancelConsumer(queue: string, opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("cancel_consumer", { queue }, ws);
    for (const w of ws) w.queues = w.queues.filter((q) => q !== queue);
  }

  shutdown(opts: Dest = {}): void {
    const ws = this.targets(opts);
    this.note("shutdown", {}, ws);
    for (const w of ws) w.shutdown();
  }

  ping(opts: Dest = {}): Record<string, { ok: string }>[] {
    return this.targets(opts).map((w) => ({ [w.name]: { ok: "pong" } }));
  }

  inspect(opts: Dest = {}): Inspect {
    return new Inspect(this.targets(opts));
  }
}

/**
 * A request as Celery 5.2.6's Request.info() gives it (celery/worker/request.py): `type` is the task
 * name again; `acknowledged` whether its message was acked (early acks: once the pool accepted it);
 * `delivery_info` from the message's delivery info and properties. The exchange is "" and the routing
 * key the queue for a direct queue (amqp.send_task_message publishes to the default exchange). The
 * priority is the message's, else 0: Celery's router drops a None priority, so kombu publishes with
 * its default 0 (Redis: `priority or default_priority`; RabbitMQ: the AMQP property 0 — inferred from
 * kombu 5.2.4, measured on Redis only). `redelivered`: RabbitMQ's flag; Redis has none (None) until
 * kombu restores an unacked message, which sets it True.
 */
function requestInfo(r: Reserved | Execution, w: Worker) {
  const rec = r.rec;
  const msg = r.msg;
  return {
    id: rec.id,
    name: rec.name,
    args: rec.args,
    kwargs: rec.kwargs,
    type: rec.name,
    hostname: w.name,
    time_start: "startedAtS" in r ? r.startedAtS : null,
    acknowledged: msg.acked,
    delivery_info: {
      exchange: msg.exchange,
      routing_key: msg.routingKey,
      priority: msg.priority ?? 0,
      redelivered: w.app._broker.transport === "rabbitmq" ? msg.redelivered : msg.redelivered || null,
    },
    worker_pid: "slot" in r ? r.slot.pid : null,
  };
}

/** A datetime's isoformat() as Celery's scheduled() gives an ETA: UTC, microseconds when not zero. */
export function isoFormat(simS: number): string {
  const us = Math.round((SIM_EPOCH_MS + simS * 1000) * 1000);
  const d = new Date(Math.floor(us / 1000));
  const frac = ((us % 1e6) + 1e6) % 1e6;
  return d.toISOString().slice(0, 19) + (frac ? "." + String(frac).padStart(6, "0") : "") + "+00:00";
}

/** The priority a worker's timer gives a request held for its ETA (worker/strategy.py: call_at(eta, ..., priority=6)). */
const ETA_TIMER_PRIORITY = 6;

export class Inspect {
  constructor(private readonly workers: Worker[]) {}

  private each<T>(fn: (w: Worker) => T): Record<string, T> | null {
    if (!this.workers.length) return null; // what Celery returns when nobody answers
    return Object.fromEntries(this.workers.map((w) => [w.name, fn(w)]));
  }

  active() {
    return this.each((w) => w.activeExecutions().map((e) => requestInfo(e, w)));
  }
  reserved() {
    return this.each((w) => w.reservedRequests().map((r) => requestInfo(r, w)));
  }
  scheduled() {
    return this.each((w) =>
      w.scheduledRequests().map((r) => ({ eta: r.msg.body.eta === null ? null : isoFormat(r.msg.body.eta), priority: ETA_TIMER_PRIORITY, request: requestInfo(r, w) })),
    );
  }
  revoked() {
    return this.each((w) => [...w.revoked]);
  }
  activeQueues() {
    return this.each((w) => w.queues.map((name) => ({ name, routing_key: name, durable: true })));
  }
  registered() {
    return this.each((w) => [...w.app._registry.keys()].sort());
  }
  stats() {
    return this.each((w) => ({
      total: Object.fromEntries(w.processedByName),
      pool: { "max-concurrency": w.concurrency, processes: w.slots.map((s) => s.pid) },
      prefetch_count: w.prefetchCount,
      broker: { transport: w.app._broker.transport },
    }));
  }
  ping() {
    return this.each(() => ({ ok: "pong" }));
  }
}
