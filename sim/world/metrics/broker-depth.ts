/**
 * Every queue's depth, replayed from the trace's message events: what the broker itself would
 * answer (Redis LLEN, RabbitMQ's messages_ready) and what it has handed out and not had acknowledged
 * (Redis's `unacked` hash, RabbitMQ's messages_unacknowledged). Pure: it reads events and nothing of
 * the broker, so the page's dashboard and the metrics registry can both use it on a trace they get.
 *
 * Unlike counting task-sent against task-received, this sees what happens under the tasks: a message
 * requeued when its worker died, restored after the visibility timeout, dead-lettered, expired, lost
 * in a broker restart, or held by the producer while the broker was down (held is not in a queue).
 */
import type { TraceEvent } from "../../kernel/trace";

const READY = 0;
const UNACKED = 1;
const HELD = 2;

interface Where {
  queue: string;
  state: typeof READY | typeof UNACKED | typeof HELD;
}

export class BrokerDepth {
  /** Live messages by delivery tag; acked, lost and replaced ones are forgotten. */
  private byTag = new Map<number, Where>();
  private readyBy = new Map<string, number>();
  private unackedBy = new Map<string, number>();

  /** Messages waiting in `queue`. */
  ready(queue: string): number {
    return this.readyBy.get(queue) ?? 0;
  }

  /** Messages from `queue` delivered to a worker and not yet acknowledged. */
  unacked(queue: string): number {
    return this.unackedBy.get(queue) ?? 0;
  }

  /** Every queue a message was ever published to, in the order first seen. */
  queues(): string[] {
    return [...new Set([...this.readyBy.keys(), ...this.unackedBy.keys()])];
  }

  /** Take in one event (any kind; only message events change anything). Returns the queue it changed, if any. */
  fold(ev: TraceEvent): string | null {
    switch (ev.kind) {
      case "message-published": {
        const d = ev.data as { queue?: unknown; held?: unknown } | undefined;
        // A trace from before message events named their queue: nothing to count by.
        if (typeof d?.queue !== "string") return null;
        return this.put(ev.num, d.queue, d.held === true ? HELD : READY);
      }
      case "message-delivered": {
        const w = this.byTag.get(ev.num);
        if (!w) return null;
        this.move(w, UNACKED);
        return w.queue;
      }
      case "message-acked":
      case "message-dead-lettered":
        return this.drop(ev.num);
      case "message-lost": {
        const from = (ev.data as { from?: unknown } | undefined)?.from;
        return this.drop(ev.num) ?? (typeof from === "number" ? this.drop(from) : null);
      }
      case "message-requeued":
      case "message-restored": {
        const from = (ev.data as { from?: unknown } | undefined)?.from;
        const old = typeof from === "number" ? this.byTag.get(from) : undefined;
        if (!old) return null;
        this.drop(from as number);
        return this.put(ev.num, old.queue, READY);
      }
      default:
        return null;
    }
  }

  private put(tag: number, queue: string, state: Where["state"]): string {
    const w = this.byTag.get(tag);
    if (w) {
      // Published again (the broker is back and the producer retries what it held).
      this.move(w, state);
      return w.queue;
    }
    const fresh: Where = { queue, state: HELD };
    this.byTag.set(tag, fresh);
    this.move(fresh, state);
    return queue;
  }

  private move(w: Where, state: Where["state"]): void {
    this.count(w, -1);
    w.state = state;
    this.count(w, +1);
  }

  /** Forget a message; returns its queue, or null when it was not live. */
  private drop(tag: number): string | null {
    const w = this.byTag.get(tag);
    if (!w) return null;
    this.count(w, -1);
    this.byTag.delete(tag);
    return w.queue;
  }

  private count(w: Where, by: number): void {
    const m = w.state === READY ? this.readyBy : w.state === UNACKED ? this.unackedBy : null;
    if (!m) return;
    m.set(w.queue, (m.get(w.queue) ?? 0) + by);
  }
}
