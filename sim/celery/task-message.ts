/**
 * A queued task message's body, compact: the fields most messages leave at their default (no
 * parent, group, callbacks, chain, chord, time limits, ETA, expiry, origin) are read from the
 * prototype, and a body stores only the ones it sets. A million queued messages of a burst held
 * twelve null slots each (~96 B a message). Readers see the same TaskMessage; nothing spreads or
 * enumerates a body (the publish signal builds its own view of it).
 */
import type { TaskMessage } from "./broker";
import type { SignatureData } from "./signature-data";

/** The empty callback/chain list every message without one shares (never written to). */
export const NO_SIGS: SignatureData[] = [];

type Rare = Pick<TaskMessage, "eta" | "expires" | "parentId" | "groupId" | "groupIndex" | "link" | "linkError" | "chain" | "chord" | "softTimeLimit" | "hardTimeLimit" | "origin">;
const RARE_DEFAULTS: Rare = { eta: null, expires: null, parentId: null, groupId: null, groupIndex: null, link: NO_SIGS, linkError: NO_SIGS, chain: NO_SIGS, chord: null, softTimeLimit: null, hardTimeLimit: null, origin: null };
const RARE_KEYS = Object.keys(RARE_DEFAULTS) as (keyof Rare)[];

// Plain data on the prototype (not getters): reads are ordinary property loads.
class TaskMessageBody {}
Object.assign(TaskMessageBody.prototype, RARE_DEFAULTS);
/**
 * A body that sets none of the rare fields: a queue can hold it as a few numbers and make it again
 * from the task's record when it is delivered (message-queue.ts). Nothing writes a body after it
 * is made (checked by grep: the broker and the worker only read it).
 */
class PlainTaskMessageBody extends TaskMessageBody {}

/** The body to queue for `m`: the same fields, the defaults left to the prototype. */
export function taskMessage(m: TaskMessage): TaskMessage {
  // Spelled out, not a loop over RARE_KEYS: a keyed read of each field cost a quarter of a send.
  const plain =
    m.eta === null && m.expires === null && m.parentId === null && m.groupId === null && m.groupIndex === null &&
    m.link === NO_SIGS && m.linkError === NO_SIGS && m.chain === NO_SIGS && m.chord === null &&
    m.softTimeLimit === null && m.hardTimeLimit === null && m.origin === null;
  const b = (plain ? new PlainTaskMessageBody() : new TaskMessageBody()) as TaskMessage;
  // Always in this order, so every body of a burst shares one hidden class.
  b.id = m.id;
  b.task = m.task;
  b.args = m.args;
  b.kwargs = m.kwargs;
  b.payload = m.payload;
  b.retries = m.retries;
  b.rootId = m.rootId;
  b.ignoreResult = m.ignoreResult;
  if (!plain) for (const k of RARE_KEYS) if (m[k] !== RARE_DEFAULTS[k]) (b as unknown as Record<string, unknown>)[k] = m[k];
  return b;
}

/** `b` sets no rare field (made by taskMessage with every one at its default). */
export function isPlainBody(b: TaskMessage): boolean {
  return Object.getPrototypeOf(b) === PlainTaskMessageBody.prototype;
}

/** A plain body with these fields, as taskMessage makes it (the same hidden class, the same order). */
export function plainBody(id: string, task: string, args: unknown[], kwargs: Record<string, unknown>, payload: TaskMessage["payload"], retries: number, rootId: string, ignoreResult: boolean): TaskMessage {
  const b = new PlainTaskMessageBody() as TaskMessage;
  b.id = id;
  b.task = task;
  b.args = args;
  b.kwargs = kwargs;
  b.payload = payload;
  b.retries = retries;
  b.rootId = rootId;
  b.ignoreResult = ignoreResult;
  return b;
}
