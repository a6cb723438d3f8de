/**
 * A broker queue's messages, in columns. A million-task burst queues a million messages before a
 * worker takes the first: as objects each cost ~240 B (the message 88, its body 88, its payload 56,
 * the slot 8). Most are "plain": a fresh task's first message, every field either at its default or
 * a copy of the task's record (id, name, args, kwargs, root). Such a message is held here as a few
 * numbers (tag, task index, payload size, priority, name, flags: ~23 B) and made again, equal field
 * for field, when it leaves the queue or is looked at (shift, at, toArray). Any other message (a
 * retry, a redelivery, a chain step, a dead-lettered copy) is held as the object it is.
 *
 * Nothing keeps a queued message's identity but the broker's RabbitMQ TTL timer, which finds its
 * message with `===`: a broker whose queue has a TTL queues objects (see `keepObjects`).
 * The FIFO is a ring buffer (O(1) push, shift and unshift) that grows by doubling.
 */
import type { Message } from "./broker";
import type { TaskRecord } from "./records";
import { atDefaults, queuedMessage } from "./queued-message";
import { flatArgs, isFlatArgsOf } from "./serialization";
import { isPlainBody, plainBody } from "./task-message";

/** The record a queued message's task index points at (the task table of the broker's world). */
export type RecordAt = (taskIndex: number) => TaskRecord | undefined;

const PERSISTENT = 1, IGNORE_RESULT = 2, COMPACT = 4;
/** priorities column: no priority (null). A plain message's priority is an integer in [0, 32767]. */
const NO_PRIORITY = -1;
/** Task names per queue a compact message can name (codes fit a Uint16); past it, objects. */
const MAX_NAMES = 0xffff;
/**
 * A queue shorter than this holds objects: a message that leaves soon would be made twice (at
 * publish and again at delivery) for no memory saved (a short queue's M/M/4 run: ~10 % slower).
 */
const COMPACT_FROM = 256;
/**
 * A queue with more slots than this gives half of them back when it is down to a quarter full, and
 * starts again small once empty: a million-task burst's columns (~17 MB) shrink as the worker drains
 * them rather than all at once at the end, when the rest of the run is at its largest.
 */
const SHRINK_ABOVE = 1024;

export class MessageQueue {
  length = 0;
  private head = 0;
  private capacity = 16;
  private tags = new Int32Array(this.capacity);
  private taskIndexes = new Int32Array(this.capacity);
  private payloadBytes = new Int32Array(this.capacity);
  private priorities = new Int16Array(this.capacity);
  private nameCodes = new Uint16Array(this.capacity);
  private flags = new Uint8Array(this.capacity);
  /** The message itself where it is not compact; made when the first such message comes (a burst's queue has none: 8 MB a million). */
  private objects: (Message | undefined)[] | null = null;
  private readonly names: string[] = [];
  private readonly nameCode = new Map<string, number>();

  constructor(
    /** The queue's name: a compact message's queue and routing key. */
    readonly name: string,
    /** Where compact messages get their task's fields; null: every message is kept as an object. */
    private readonly recordAt: RecordAt | null,
    /** True while messages must keep their identity (a RabbitMQ TTL timer holds them). */
    private readonly keepObjects: () => boolean = () => false,
    /** Messages already queued before one is held as numbers. */
    private readonly compactFrom = COMPACT_FROM,
  ) {}

  push(m: Message): void {
    if (this.length === this.capacity) this.resize(this.capacity * 2);
    this.put((this.head + this.length) & (this.capacity - 1), m);
    this.length++;
    // Long now: the plain messages it took as objects while short become numbers too, and the
    // objects column goes (a burst's first 256 would otherwise keep a slot per message of it, copied
    // at every doubling: ~24 MB over a million).
    if (this.length === 2 * this.compactFrom && this.objects) this.compactObjects();
  }

  unshift(m: Message): void {
    if (this.length === this.capacity) this.resize(this.capacity * 2);
    this.head = (this.head - 1) & (this.capacity - 1);
    this.put(this.head, m);
    this.length++;
  }

  shift(): Message | undefined {
    if (!this.length) return undefined;
    const m = this.make(this.head);
    if (this.objects) this.objects[this.head] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    if (--this.length === 0 && this.capacity > SHRINK_ABOVE) this.clear();
    else if (this.capacity > 2 * SHRINK_ABOVE && this.length <= this.capacity >> 2) this.resize(this.capacity >> 1);
    return m;
  }

  /** The i-th message from the head: made afresh for a compact one (equal, not the same object). */
  at(i: number): Message | undefined {
    return i >= 0 && i < this.length ? this.make((this.head + i) & (this.capacity - 1)) : undefined;
  }

  /** The i-th message's priority (null: none), without making the message. */
  priorityAt(i: number): number | null {
    const s = (this.head + i) & (this.capacity - 1);
    if (!(this.flags[s]! & COMPACT)) return this.objects![s]!.priority;
    const p = this.priorities[s]!;
    return p === NO_PRIORITY ? null : p;
  }

  /** The i-th message's task index, without making the message. */
  taskIndexAt(i: number): number {
    return this.taskIndexes[(this.head + i) & (this.capacity - 1)]!;
  }

  /** Remove the first message matching `pred`; O(n). */
  remove(pred: (m: Message) => boolean): Message | undefined {
    const all = this.toArray();
    const i = all.findIndex(pred);
    if (i < 0) return undefined;
    const [gone] = all.splice(i, 1);
    this.clear();
    for (const m of all) this.push(m);
    return gone;
  }

  toArray(): Message[] {
    const out: Message[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i)!);
    return out;
  }

  clear(): void {
    this.capacity = 16;
    this.allocate();
    this.head = 0;
    this.length = 0;
  }

  /** Store `m` in slot `s`: as numbers when it is plain, else as itself. */
  private put(s: number, m: Message): void {
    this.tags[s] = m.tag;
    this.taskIndexes[s] = m.taskIndex;
    const code = this.length < this.compactFrom ? -1 : this.compactCode(m);
    if (code < 0) {
      this.flags[s] = 0;
      (this.objects ??= new Array(this.capacity))[s] = m;
      return;
    }
    this.putCompact(s, m, code);
  }

  private putCompact(s: number, m: Message, code: number): void {
    this.payloadBytes[s] = m.body.payload.sizeBytes;
    this.priorities[s] = m.priority ?? NO_PRIORITY;
    this.nameCodes[s] = code;
    this.flags[s] = COMPACT | (m.persistent ? PERSISTENT : 0) | (m.body.ignoreResult ? IGNORE_RESULT : 0);
    if (this.objects) this.objects[s] = undefined;
  }

  /** Every queued object that can be held as numbers is; the objects column goes if none is left. */
  private compactObjects(): void {
    let left = 0;
    for (let i = 0; i < this.length; i++) {
      const s = (this.head + i) & (this.capacity - 1);
      if (this.flags[s]! & COMPACT) continue;
      const code = this.compactCode(this.objects![s]!);
      if (code < 0) left++;
      else this.putCompact(s, this.objects![s]!, code);
    }
    if (!left) this.objects = null;
  }

  /**
   * The code of `m`'s task name when `make` would give back a message equal to `m` in every field,
   * else -1. Each field is checked against what make() fills it with.
   */
  private compactCode(m: Message): number {
    if (!this.recordAt || this.keepObjects()) return -1;
    const b = m.body;
    if (!isPlainBody(b) || b.retries !== 0 || b.rootId !== b.id) return -1;
    if (m.queue !== this.name || m.routingKey !== this.name || !atDefaults(m)) return -1;
    const p = m.priority;
    if (p !== null && !(Number.isInteger(p) && p >= 0 && p <= 0x7fff && !Object.is(p, -0))) return -1;
    if (!Number.isInteger(m.tag) || m.tag > 0x7fffffff || m.taskIndex < 0) return -1;
    const rec = this.recordAt(m.taskIndex);
    if (!rec || rec.id !== b.id || rec.args !== b.args || rec.kwargs !== b.kwargs || !isFlatArgsOf(b.payload, b.args, b.kwargs)) return -1;
    let code = this.nameCode.get(b.task);
    if (code === undefined) {
      if (this.names.length >= MAX_NAMES) return -1;
      code = this.names.length;
      this.names.push(b.task);
      this.nameCode.set(b.task, code);
    }
    return code;
  }

  /** The message in slot `s`: itself, or made again from its columns and its task's record. */
  private make(s: number): Message {
    const f = this.flags[s]!;
    if (!(f & COMPACT)) return this.objects![s]!;
    const index = this.taskIndexes[s]!;
    const rec = this.recordAt!(index)!;
    const payload = flatArgs(rec.args, rec.kwargs, this.payloadBytes[s]!);
    const body = plainBody(rec.id, this.names[this.nameCodes[s]!]!, rec.args, rec.kwargs, payload, 0, rec.id, (f & IGNORE_RESULT) !== 0);
    const p = this.priorities[s]!;
    return queuedMessage(this.tags[s]!, index, body, this.name, p === NO_PRIORITY ? null : p, (f & PERSISTENT) !== 0, this.name);
  }

  private allocate(): void {
    const n = this.capacity;
    this.tags = new Int32Array(n);
    this.taskIndexes = new Int32Array(n);
    this.payloadBytes = new Int32Array(n);
    this.priorities = new Int16Array(n);
    this.nameCodes = new Uint16Array(n);
    this.flags = new Uint8Array(n);
    this.objects = null;
  }

  /** Room for `capacity` messages (a power of two, at least the length), copied in order from slot 0. */
  private resize(capacity: number): void {
    const old = { tags: this.tags, taskIndexes: this.taskIndexes, payloadBytes: this.payloadBytes, priorities: this.priorities, nameCodes: this.nameCodes, flags: this.flags, objects: this.objects };
    const mask = this.capacity - 1;
    this.capacity = capacity;
    this.allocate();
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & mask;
      this.tags[i] = old.tags[from]!;
      this.taskIndexes[i] = old.taskIndexes[from]!;
      this.payloadBytes[i] = old.payloadBytes[from]!;
      this.priorities[i] = old.priorities[from]!;
      this.nameCodes[i] = old.nameCodes[from]!;
      this.flags[i] = old.flags[from]!;
      if (old.objects?.[from]) (this.objects ??= new Array(this.capacity))[i] = old.objects[from];
    }
    this.head = 0;
  }
}
