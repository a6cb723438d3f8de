/**
 * AMQP exchanges as RabbitMQ routes with them: direct (routing key equals the binding key), topic
 * (words separated by dots; `*` matches one word, `#` zero or more) and fanout (every bound queue).
 * The default exchange "" routes to the queue named by the routing key, as RabbitMQ's does.
 */
export type ExchangeType = "direct" | "topic" | "fanout";

export interface Exchange {
  name: string;
  type: ExchangeType;
  durable: boolean;
  bindings: { queue: string; key: string }[];
}

/** RabbitMQ's topic matching. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split(".");
  const k = key === "" ? [] : key.split(".");
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const id = `${i},${j}`;
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    let out: boolean;
    if (i === p.length) out = j === k.length;
    else if (p[i] === "#") out = go(i + 1, j) || (j < k.length && go(i, j + 1));
    else if (j === k.length) out = false;
    else out = (p[i] === "*" || p[i] === k[j]) && go(i + 1, j + 1);
    memo.set(id, out);
    return out;
  };
  return go(0, 0);
}

export class Exchanges {
  private readonly all = new Map<string, Exchange>();

  declare(name: string, type: ExchangeType = "direct", durable = true): Exchange {
    let ex = this.all.get(name);
    if (!ex) {
      ex = { name, type, durable, bindings: [] };
      this.all.set(name, ex);
    } else if (ex.type !== type) {
      // What RabbitMQ answers: PRECONDITION_FAILED, the channel is closed.
      throw new Error(`PRECONDITION_FAILED - inequivalent arg 'type' for exchange '${name}': received '${type}' but current is '${ex.type}'`);
    }
    return ex;
  }

  get(name: string): Exchange | undefined {
    return this.all.get(name);
  }

  bind(queue: string, exchange: string, key: string): void {
    const ex = this.all.get(exchange);
    if (!ex) throw new Error(`NOT_FOUND - no exchange '${exchange}'`);
    if (!ex.bindings.some((b) => b.queue === queue && b.key === key)) ex.bindings.push({ queue, key });
  }

  unbind(queue: string, exchange: string, key: string): void {
    const ex = this.all.get(exchange);
    if (ex) ex.bindings = ex.bindings.filter((b) => !(b.queue === queue && b.key === key));
  }

  /** Queues a message published to `exchange` with `routingKey` reaches (each once, in binding order). */
  route(exchange: string, routingKey: string): string[] {
    if (exchange === "") return [routingKey];
    const ex = this.all.get(exchange);
    if (!ex) throw new Error(`NOT_FOUND - no exchange '${exchange}'`);
    const out: string[] = [];
    for (const b of ex.bindings) {
      const hit = ex.type === "fanout" || (ex.type === "direct" ? b.key === routingKey : topicMatches(b.key, routingKey));
      if (hit && !out.includes(b.queue)) out.push(b.queue);
    }
    return out;
  }
}
