/**
 * The simulator's table of tasks: one record per task id (a retry keeps its id), holding what the
 * result backend stores and what a monitor sees from events. Views and reports read it; the trace
 * points into it by index.
 */
import type { ResultOwner } from "./backend-kind";
import type { Encoded } from "./serialization";
import type { SignatureData } from "./signature-data";
import { PENDING } from "./states";

export interface TaskRecord {
  index: number;
  id: string;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  queue: string;
  /** Backend state: what AsyncResult.state reads. PENDING until something is stored. */
  state: string;
  /** Backend result or meta (the return value, the exception, a custom state's meta). */
  result: unknown;
  /** The stored result as the result serializer encoded it (SUCCESS only): each reader decodes a copy. */
  resultPayload: Encoded | null;
  traceback: string | null;
  /** The app that sent the task (Celery's reply_to): whose backend stores its states, who may read them. */
  resultOwner: ResultOwner | null;
  /** When the stored result leaves a Redis backend (result_expires after its last store); Infinity: never. */
  resultExpiresAtS: number;
  /** The state Flower shows, from events. */
  eventState: string;
  retries: number;
  executions: number;
  worker: string | null;
  sentAt: number | null;
  receivedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  runtime: number | null;
  eta: number | null;
  expires: number | null;
  parentId: string | null;
  rootId: string;
  groupId: string | null;
  /** Ids of the tasks it sent (add them with TaskTable.addChild: most tasks have none and share one empty list). */
  children: readonly string[];
  ignoreResult: boolean;
  /** Run by apply() (or taskAlwaysEager): no message, no worker. */
  eager: boolean;
  /** The id it was sent again as from the page ("retry"), if it was. */
  retriedAs?: string;
  /** Set when the task can never finish, with why (message acked early and the worker died…). */
  lostReason: string | null;
  /** Canvas: the signature this task was sent from, when it came from one. */
  signature: SignatureData | null;
}

/** The children of every task that sent none: one frozen empty list rather than one per task. */
const NO_CHILDREN: readonly string[] = Object.freeze([]);

/**
 * The record's numeric fields, kept in one Float64Array per table rather than on the record: a
 * fractional number in an object field is a 16-byte box of its own (V8), and a million tasks had
 * four or five each. Slot k of task i is at i * TIME_SLOTS + k; a bit per slot says "null".
 */
const SENT = 0, RECEIVED = 1, STARTED = 2, FINISHED = 3, RUNTIME = 4, ETA = 5, EXPIRES = 6, RESULT_EXPIRES = 7;
const TIME_SLOTS = 8;
/** Every slot null but resultExpiresAtS (a number, Infinity until a result is stored). */
const ALL_NULL = 0xff & ~(1 << RESULT_EXPIRES);

/** A task's numbers: the table's columns, read and written at this task's index. */
class TaskNumbers {
  times = new Float64Array(1024 * TIME_SLOTS);
  /** Bit k of nulls[i]: slot k of task i is null. */
  nulls = new Uint8Array(1024);

  /** Room for task `index` (columns double, as arrays do). */
  add(index: number): void {
    if (index >= this.nulls.length) {
      const times = new Float64Array(this.times.length * 2);
      times.set(this.times);
      this.times = times;
      const nulls = new Uint8Array(this.nulls.length * 2);
      nulls.set(this.nulls);
      this.nulls = nulls;
    }
    this.nulls[index] = ALL_NULL;
    this.times[index * TIME_SLOTS + RESULT_EXPIRES] = Infinity;
  }
  get(index: number, slot: number): number | null {
    return (this.nulls[index]! >> slot) & 1 ? null : this.times[index * TIME_SLOTS + slot]!;
  }
  set(index: number, slot: number, v: number | null): void {
    if (v === null) this.nulls[index]! |= 1 << slot;
    else {
      this.nulls[index]! &= ~(1 << slot);
      this.times[index * TIME_SLOTS + slot] = v;
    }
  }
}

/** A task's record: its other fields are its own, its numbers in the table's columns (TaskNumbers). */
class TaskRow implements TaskRecord {
  state: string = PENDING;
  result: unknown = null;
  resultPayload: Encoded | null = null;
  traceback: string | null = null;
  resultOwner: ResultOwner | null = null;
  eventState: string = PENDING;
  retries = 0;
  executions = 0;
  worker: string | null = null;
  children: readonly string[] = NO_CHILDREN;
  ignoreResult = false;
  eager = false;
  declare retriedAs?: string;
  lostReason: string | null = null;
  signature: SignatureData | null = null;

  constructor(
    private readonly numbers: TaskNumbers,
    readonly index: number,
    readonly id: string,
    readonly name: string,
    public args: unknown[],
    public kwargs: Record<string, unknown>,
    public queue: string,
    public parentId: string | null,
    public rootId: string,
    public groupId: string | null,
  ) {}

  get sentAt(): number | null {
    return this.numbers.get(this.index, SENT);
  }
  set sentAt(v: number | null) {
    this.numbers.set(this.index, SENT, v);
  }
  get receivedAt(): number | null {
    return this.numbers.get(this.index, RECEIVED);
  }
  set receivedAt(v: number | null) {
    this.numbers.set(this.index, RECEIVED, v);
  }
  get startedAt(): number | null {
    return this.numbers.get(this.index, STARTED);
  }
  set startedAt(v: number | null) {
    this.numbers.set(this.index, STARTED, v);
  }
  get finishedAt(): number | null {
    return this.numbers.get(this.index, FINISHED);
  }
  set finishedAt(v: number | null) {
    this.numbers.set(this.index, FINISHED, v);
  }
  get runtime(): number | null {
    return this.numbers.get(this.index, RUNTIME);
  }
  set runtime(v: number | null) {
    this.numbers.set(this.index, RUNTIME, v);
  }
  get eta(): number | null {
    return this.numbers.get(this.index, ETA);
  }
  set eta(v: number | null) {
    this.numbers.set(this.index, ETA, v);
  }
  get expires(): number | null {
    return this.numbers.get(this.index, EXPIRES);
  }
  set expires(v: number | null) {
    this.numbers.set(this.index, EXPIRES, v);
  }
  get resultExpiresAtS(): number {
    return this.numbers.get(this.index, RESULT_EXPIRES)!;
  }
  set resultExpiresAtS(v: number) {
    this.numbers.set(this.index, RESULT_EXPIRES, v);
  }
}

export class TaskTable {
  readonly all: TaskRecord[] = [];
  private byId = new Map<string, TaskRecord>();
  private numbers = new TaskNumbers();
  get(id: string): TaskRecord | undefined {
    return this.byId.get(id);
  }

  at(index: number): TaskRecord | undefined {
    return this.all[index];
  }

  create(id: string, name: string, fields: Pick<Partial<TaskRecord>, "args" | "kwargs" | "queue" | "parentId" | "rootId" | "groupId"> = {}): TaskRecord {
    const existing = this.byId.get(id);
    if (existing) return existing;
    const index = this.all.length;
    this.numbers.add(index);
    const rec = new TaskRow(this.numbers, index, id, name, fields.args ?? [], fields.kwargs ?? {}, fields.queue ?? "celery", fields.parentId ?? null, fields.rootId ?? id, fields.groupId ?? null);
    this.all.push(rec);
    this.byId.set(id, rec);
    return rec;
  }

  /** Record that task `parentId` sent task `childId` (a task's first child gets it a list of its own). */
  addChild(parentId: string, childId: string): void {
    const parent = this.byId.get(parentId);
    if (!parent) return;
    if (parent.children === NO_CHILDREN) parent.children = [childId];
    else (parent.children as string[]).push(childId); // a list of its own, made above
  }
}

