/**
 * A broker message object, compact: the fields a message has at their default until it is
 * delivered (or dead-lettered) live on the prototype, so a message stores seven fields, not
 * thirteen plus a box for its NaN delivery time. Plain data, not getters: reads are ordinary loads,
 * and a write makes the field the message's own. deliveredAtS is only ever written with a double,
 * so V8 never migrates a message's field from integer to double (10 % of a burst's CPU once).
 */
import type { Message, TaskMessage } from "./broker";

class QueuedMessage {}
const MESSAGE_DEFAULTS: Pick<Message, "redelivered" | "holder" | "deliveredAtS" | "acked" | "exchange" | "deaths"> = { redelivered: false, holder: null, deliveredAtS: NaN, acked: false, exchange: "", deaths: 0 };
const MESSAGE_DEFAULT_KEYS = Object.keys(MESSAGE_DEFAULTS) as (keyof typeof MESSAGE_DEFAULTS)[];
Object.assign(QueuedMessage.prototype, MESSAGE_DEFAULTS);

export function queuedMessage(tag: number, taskIndex: number, body: TaskMessage, queue: string, priority: number | null, persistent: boolean, routingKey: string): Message {
  const m = new QueuedMessage() as Message;
  m.tag = tag;
  m.taskIndex = taskIndex;
  m.body = body;
  m.queue = queue;
  m.priority = priority;
  m.persistent = persistent;
  m.routingKey = routingKey;
  return m;
}

/** Every prototype-held field of `m` still at its default (as queuedMessage made it). */
export function atDefaults(m: Message): boolean {
  return m.redelivered === false && m.holder === null && Number.isNaN(m.deliveredAtS) && m.acked === false && m.exchange === "" && m.deaths === 0;
}

/** `msg` with `changes`, every field carried over (a spread would drop the ones on the prototype). */
export function copyMessage(msg: Message, changes: Partial<Message>): Message {
  const m = queuedMessage(msg.tag, msg.taskIndex, msg.body, msg.queue, msg.priority, msg.persistent, msg.routingKey);
  for (const k of MESSAGE_DEFAULT_KEYS) if (!Object.is(msg[k], MESSAGE_DEFAULTS[k])) (m as unknown as Record<string, unknown>)[k] = msg[k];
  return Object.assign(m, changes);
}
