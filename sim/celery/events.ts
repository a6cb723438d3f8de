/**
 * `app.events.on(type, handler)`: Celery's event types and field names, delivered to handlers in an
 * event of their own (as a receiver gets them from the broker), so a handler that sends tasks
 * cannot re-enter the worker mid-step.
 */
import type { AppCore } from "./ports";
import type { TaskRecord } from "./records";
import type { Worker } from "./worker";
import { pyRepr } from "./pyrepr";
import { ExecContext } from "../engine/sim";
import type { CeleryEventKind } from "../kernel/trace";

export type CeleryEventName = CeleryEventKind;

export type CeleryEvent = { type: string; timestamp: number; hostname: string | null; [field: string]: unknown };
type Handler = (e: CeleryEvent) => void;

const NO_HANDLERS: readonly Handler[] = [];

export class EventsApi {
  private handlers = new Map<string, Handler[]>();
  constructor(private readonly app: AppCore) {}

  /** Listen to one event type, or "*" for all. Returns a function that stops listening. */
  on(type: CeleryEventName | "*" | (string & {}), handler: Handler): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return () => this.handlers.set(type, (this.handlers.get(type) ?? []).filter((h) => h !== handler));
  }

  private listeners(type: string): readonly Handler[] {
    const a = this.handlers.get(type);
    const b = this.handlers.get("*");
    if (!a?.length && !b?.length) return NO_HANDLERS; // the usual case: asked on every task event
    return [...(a ?? []), ...(b ?? [])];
  }

  _dispatch(type: CeleryEventName, rec: TaskRecord, worker: Worker | null, num: number, data?: Record<string, unknown>): void {
    const hs = this.listeners(type);
    if (!hs.length) return;
    const ev = taskEventFields(type, rec, worker?.name ?? null, this.app._sim.nowS, num, data);
    this.deliver(hs, ev);
  }

  _dispatchWorker(type: CeleryEventName, worker: Worker): void {
    const hs = this.listeners(type);
    if (!hs.length) return;
    this.deliver(hs, workerEventFields(type, worker, this.app._sim.nowS));
  }

  private deliver(hs: readonly Handler[], ev: CeleryEvent): void {
    const sim = this.app._sim;
    for (const h of hs) {
      sim.sched.schedule(0, () => {
        const ctx = new ExecContext("handler", `events.on(${ev.type})`);
        try {
          sim.enter(ctx, () => h(ev));
        } catch (e) {
          this.app._log("error", `an event handler for ${ev.type} raised ${(e as Error)?.message ?? e}`, ctx.label);
        }
      });
    }
  }
}

/** A task event as Celery's receiver sees it (FINDINGS §1 lists the fields per type). */
export function taskEventFields(type: string, rec: TaskRecord, hostname: string | null, timestamp: number, num: number, data?: Record<string, unknown>): CeleryEvent {
  const ev: CeleryEvent = { type, uuid: rec.id, timestamp, hostname };
  switch (type) {
    case "task-sent":
      Object.assign(ev, { name: rec.name, args: pyRepr(rec.args), kwargs: pyRepr(rec.kwargs), retries: num, eta: data?.eta ?? null, expires: rec.expires, queue: rec.queue, routing_key: data?.routingKey ?? rec.queue, exchange: data?.exchange ?? "", parent_id: rec.parentId, root_id: rec.rootId });
      break;
    case "task-received":
      // The eta this delivery's message had (the trace keeps it when not None): a retry's later
      // message must not rewrite the eta of the deliveries before it.
      Object.assign(ev, { name: rec.name, args: pyRepr(rec.args), kwargs: pyRepr(rec.kwargs), retries: num, eta: data?.eta ?? null, expires: rec.expires, parent_id: rec.parentId, root_id: rec.rootId });
      break;
    case "task-started":
      Object.assign(ev, { pid: num });
      break;
    case "task-succeeded":
      Object.assign(ev, { result: pyRepr(rec.result), runtime: num });
      break;
    case "task-failed":
    case "task-retried":
      Object.assign(ev, { exception: data?.exception ?? null, traceback: rec.traceback });
      break;
    default:
      if (data) Object.assign(ev, data);
  }
  return ev;
}

export function workerEventFields(type: string, worker: Worker, timestamp: number): CeleryEvent {
  return {
    type,
    timestamp,
    hostname: worker.name,
    freq: worker.app._processConf.workerHeartbeatIntervalS,
    sw_ident: "py-celery",
    sw_ver: "5.2.6",
    sw_sys: "Simulated",
    active: worker.activeExecutions().length,
    processed: worker.processed,
    loadavg: [0, 0, 0],
  };
}
