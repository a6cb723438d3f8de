/**
 * The simulator's table of tasks: one record per task id (a retry keeps its id), holding what the
 * result backend stores and what a monitor sees from events. Views and reports read it; the trace
 * points into it by index.
 */
import type { ResultOwner } from "./backend-kind";
import { EMPTY_OBJECT, type Encoded } from "./serialization";
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
 * The record's fields live in the table's columns, not on the record (a million-task burst held
 * ~1 KB a task at its peak; the record object itself was 272 B plus a 16-byte box per fractional
 * number). Numbers are in Float64Arrays (TIME_SLOTS a task, a bit per slot
 * for null), counts and flags in typed arrays, the few distinct strings and owners (name, queue,
 * states, worker, the app) as codes into an intern table, and what most tasks never have (a
 * traceback, a parent, a group, children, a signature, an eta, an expiry…) in maps by task index. The record keeps
 * only what is its own: id, args and result (kwargs and an object result's payload in maps too).
 */
const SENT = 0, RECEIVED = 1, STARTED = 2, FINISHED = 3, RUNTIME = 4, RESULT_EXPIRES = 5;
const TIME_SLOTS = 6;
/** Every slot null but resultExpiresAtS (a number, Infinity until a result is stored). */
const ALL_NULL = 0x3f & ~(1 << RESULT_EXPIRES);
/** Interned fields: slot k of a task in its chunk of the codes column; code 0 is null. */
const NAME = 0, QUEUE = 1, STATE = 2, EVENT_STATE = 3, WORKER = 4, OWNER = 5;
const CODE_SLOTS = 6;
const IGNORE_RESULT = 1, EAGER = 2;

/** Values seen by a table, each given a small code once (0: null). */
class Interned<T> {
  private readonly codes = new Map<T, number>();
  private readonly values: (T | null)[] = [null];
  code(v: T | null): number {
    if (v === null) return 0;
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.codes.set(v, c);
    }
    return c;
  }
  value(code: number): T | null {
    return this.values[code]!;
  }
}

/**
 * Tasks per chunk of the columns: a column grows a chunk at a time, so a long run never copies what
 * it has and frees nothing while it grows (columns grown by doubling left ~35 MB of freed arrays
 * awaiting a GC at the end of a million tasks, at the peak).
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * A column of integers, `width` per task, as an Int32Array stores them: 2 bytes each while every
 * value of a chunk fits a Uint16, then that chunk 4 (a million tasks' codes and counts: 16 MB less).
 */
class SmallInts {
  private readonly chunks: (Uint16Array | Int32Array)[] = [];
  constructor(private readonly width: number) {}
  /** Value `slot` of task `task`. */
  get(task: number, slot = 0): number {
    return this.chunks[task >>> CHUNK_BITS]![(task & CHUNK_MASK) * this.width + slot]!;
  }
  set(task: number, slot: number, v: number): void {
    const k = task >>> CHUNK_BITS;
    let c = this.chunks[k]!;
    // Any value a Uint16Array would not give back as an Int32Array does (-1, 70000) widens the chunk.
    if (!(v >= 0 && v <= 0xffff) && c instanceof Uint16Array) this.chunks[k] = c = Int32Array.from(c);
    c[(task & CHUNK_MASK) * this.width + slot] = v;
  }
  /** Room for the next chunk (all zeros). */
  addChunk(): void {
    this.chunks.push(new Uint16Array(CHUNK * this.width));
  }
}

/** The table's columns, read and written at a task's index by its record's accessors. */
class TaskColumns {
  /** Time slot k of task i at times[i >> CHUNK_BITS][(i & CHUNK_MASK) * TIME_SLOTS + k]. */
  private readonly times: Float64Array[] = [];
  /** Bit k of nulls[i]: time slot k of task i is null. */
  private readonly nulls: Uint8Array[] = [];
  /** The interned fields, CODE_SLOTS a task. */
  private readonly codes = new SmallInts(CODE_SLOTS);
  readonly retries = new SmallInts(1);
  readonly executions = new SmallInts(1);
  private readonly flags: Uint8Array[] = [];
  readonly interned = new Interned<unknown>();
  // Fields most tasks never set: present only for the tasks that have them.
  readonly parentId = new Map<number, string>();
  readonly groupId = new Map<number, string>();
  /** rootId, where it is not the task's own id. */
  readonly rootId = new Map<number, string>();
  readonly children = new Map<number, string[]>();
  readonly traceback = new Map<number, string>();
  readonly lostReason = new Map<number, string>();
  readonly signature = new Map<number, SignatureData>();
  readonly retriedAs = new Map<number, string>();
  /** eta and expires, for the tasks sent with one (a countdown, an expiry). */
  readonly eta = new Map<number, number>();
  readonly expires = new Map<number, number>();
  /** kwargs, where they are not the stored empty object (most tasks' kwargs). */
  readonly kwargs = new Map<number, Record<string, unknown>>();
  /** The encoded result, where it is an object (backend.ts keeps no payload for a primitive). */
  readonly resultPayload = new Map<number, Encoded>();

  /** Room for task `index` (the next one), its fields at their defaults. */
  add(index: number): void {
    if (index >>> CHUNK_BITS >= this.times.length) {
      this.times.push(new Float64Array(CHUNK * TIME_SLOTS));
      this.nulls.push(new Uint8Array(CHUNK));
      this.flags.push(new Uint8Array(CHUNK));
      this.codes.addChunk();
      this.retries.addChunk();
      this.executions.addChunk();
    }
    const off = index & CHUNK_MASK;
    this.nulls[index >>> CHUNK_BITS]![off] = ALL_NULL;
    this.times[index >>> CHUNK_BITS]![off * TIME_SLOTS + RESULT_EXPIRES] = Infinity;
  }
  time(index: number, slot: number): number | null {
    const k = index >>> CHUNK_BITS, off = index & CHUNK_MASK;
    return (this.nulls[k]![off]! >> slot) & 1 ? null : this.times[k]![off * TIME_SLOTS + slot]!;
  }
  setTime(index: number, slot: number, v: number | null): void {
    const k = index >>> CHUNK_BITS, off = index & CHUNK_MASK;
    if (v === null) this.nulls[k]![off]! |= 1 << slot;
    else {
      this.nulls[k]![off]! &= ~(1 << slot);
      this.times[k]![off * TIME_SLOTS + slot] = v;
    }
  }
  value(index: number, slot: number): unknown {
    return this.interned.value(this.codes.get(index, slot));
  }
  setValue(index: number, slot: number, v: unknown): void {
    this.codes.set(index, slot, this.interned.code(v));
  }
  flag(index: number, bit: number): boolean {
    return (this.flags[index >>> CHUNK_BITS]![index & CHUNK_MASK]! & bit) !== 0;
  }
  setFlag(index: number, bit: number, on: boolean): void {
    const c = this.flags[index >>> CHUNK_BITS]!;
    if (on) c[index & CHUNK_MASK]! |= bit;
    else c[index & CHUNK_MASK]! &= ~bit;
  }
}

/** A value of one of the maps of rare fields: set, or deleted when null (or undefined). */
function setRare<T>(map: Map<number, T>, index: number, v: T | null | undefined): void {
  if (v === null || v === undefined) map.delete(index);
  else map.set(index, v);
}

/** A task's record: its own id, args and result (64 bytes); every other field is in the table's columns. */
class TaskRow implements TaskRecord {
  result: unknown = null;

  constructor(
    private readonly c: TaskColumns,
    readonly index: number,
    readonly id: string,
    public args: unknown[],
  ) {}

  get kwargs(): Record<string, unknown> {
    return this.c.kwargs.get(this.index) ?? EMPTY_OBJECT;
  }
  set kwargs(v: Record<string, unknown>) {
    setRare(this.c.kwargs, this.index, v === EMPTY_OBJECT ? null : v);
  }
  get resultPayload(): Encoded | null {
    return this.c.resultPayload.get(this.index) ?? null;
  }
  set resultPayload(v: Encoded | null) {
    setRare(this.c.resultPayload, this.index, v);
  }

  get name(): string {
    return this.c.value(this.index, NAME) as string;
  }
  set name(v: string) {
    this.c.setValue(this.index, NAME, v);
  }
  get queue(): string {
    return this.c.value(this.index, QUEUE) as string;
  }
  set queue(v: string) {
    this.c.setValue(this.index, QUEUE, v);
  }
  get state(): string {
    return this.c.value(this.index, STATE) as string;
  }
  set state(v: string) {
    this.c.setValue(this.index, STATE, v);
  }
  get eventState(): string {
    return this.c.value(this.index, EVENT_STATE) as string;
  }
  set eventState(v: string) {
    this.c.setValue(this.index, EVENT_STATE, v);
  }
  get worker(): string | null {
    return this.c.value(this.index, WORKER) as string | null;
  }
  set worker(v: string | null) {
    this.c.setValue(this.index, WORKER, v);
  }
  get resultOwner(): ResultOwner | null {
    return this.c.value(this.index, OWNER) as ResultOwner | null;
  }
  set resultOwner(v: ResultOwner | null) {
    this.c.setValue(this.index, OWNER, v);
  }
  get retries(): number {
    return this.c.retries.get(this.index);
  }
  set retries(v: number) {
    this.c.retries.set(this.index, 0, v);
  }
  get executions(): number {
    return this.c.executions.get(this.index);
  }
  set executions(v: number) {
    this.c.executions.set(this.index, 0, v);
  }
  get ignoreResult(): boolean {
    return this.c.flag(this.index, IGNORE_RESULT);
  }
  set ignoreResult(v: boolean) {
    this.c.setFlag(this.index, IGNORE_RESULT, v);
  }
  get eager(): boolean {
    return this.c.flag(this.index, EAGER);
  }
  set eager(v: boolean) {
    this.c.setFlag(this.index, EAGER, v);
  }
  get parentId(): string | null {
    return this.c.parentId.get(this.index) ?? null;
  }
  set parentId(v: string | null) {
    setRare(this.c.parentId, this.index, v);
  }
  get groupId(): string | null {
    return this.c.groupId.get(this.index) ?? null;
  }
  set groupId(v: string | null) {
    setRare(this.c.groupId, this.index, v);
  }
  get rootId(): string {
    return this.c.rootId.get(this.index) ?? this.id;
  }
  set rootId(v: string) {
    setRare(this.c.rootId, this.index, v === this.id ? null : v);
  }
  get children(): readonly string[] {
    return this.c.children.get(this.index) ?? NO_CHILDREN;
  }
  set children(v: readonly string[]) {
    setRare(this.c.children, this.index, v === NO_CHILDREN ? null : (v as string[]));
  }
  get traceback(): string | null {
    return this.c.traceback.get(this.index) ?? null;
  }
  set traceback(v: string | null) {
    setRare(this.c.traceback, this.index, v);
  }
  get lostReason(): string | null {
    return this.c.lostReason.get(this.index) ?? null;
  }
  set lostReason(v: string | null) {
    setRare(this.c.lostReason, this.index, v);
  }
  get signature(): SignatureData | null {
    return this.c.signature.get(this.index) ?? null;
  }
  set signature(v: SignatureData | null) {
    setRare(this.c.signature, this.index, v);
  }
  get retriedAs(): string | undefined {
    return this.c.retriedAs.get(this.index);
  }
  set retriedAs(v: string | undefined) {
    setRare(this.c.retriedAs, this.index, v);
  }

  get sentAt(): number | null {
    return this.c.time(this.index, SENT);
  }
  set sentAt(v: number | null) {
    this.c.setTime(this.index, SENT, v);
  }
  get receivedAt(): number | null {
    return this.c.time(this.index, RECEIVED);
  }
  set receivedAt(v: number | null) {
    this.c.setTime(this.index, RECEIVED, v);
  }
  get startedAt(): number | null {
    return this.c.time(this.index, STARTED);
  }
  set startedAt(v: number | null) {
    this.c.setTime(this.index, STARTED, v);
  }
  get finishedAt(): number | null {
    return this.c.time(this.index, FINISHED);
  }
  set finishedAt(v: number | null) {
    this.c.setTime(this.index, FINISHED, v);
  }
  get runtime(): number | null {
    return this.c.time(this.index, RUNTIME);
  }
  set runtime(v: number | null) {
    this.c.setTime(this.index, RUNTIME, v);
  }
  get eta(): number | null {
    return this.c.eta.get(this.index) ?? null;
  }
  set eta(v: number | null) {
    setRare(this.c.eta, this.index, v);
  }
  get expires(): number | null {
    return this.c.expires.get(this.index) ?? null;
  }
  set expires(v: number | null) {
    setRare(this.c.expires, this.index, v);
  }
  get resultExpiresAtS(): number {
    return this.c.time(this.index, RESULT_EXPIRES)!;
  }
  set resultExpiresAtS(v: number) {
    this.c.setTime(this.index, RESULT_EXPIRES, v);
  }
}

/**
 * FNV-1a over the UTF-16 code units: a task id's slot in the table's index. An id that is not a
 * string (a chord's missing body id is undefined) hashes to 0 and is told apart by ===, as a Map did.
 */
function hashId(id: string): number {
  if (typeof id !== "string") return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * Records by id, as an open-addressing hash table kept at most half full. A slot is two int32s: 1 +
 * the task's index (0: empty) and the id's hash. A probe compares hashes before it reads a record,
 * so a miss (every new id is looked up first) touches no record, and growing copies slots without
 * hashing an id again: ~16 bytes a task where a Map<string, record> took ~40.
 */
class IdIndex {
  private slots = new Int32Array(2 * 2048);
  private count = 0;

  constructor(private readonly all: readonly TaskRecord[]) {}

  /** The record of `id` (`h`: its hashId, when the caller has it). */
  get(id: string, h = hashId(id)): TaskRecord | undefined {
    const mask = (this.slots.length >> 1) - 1;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const s = this.slots[2 * k]!;
      if (s === 0) return undefined;
      if (this.slots[2 * k + 1] === h) {
        const rec = this.all[s - 1]!;
        if (rec.id === id) return rec;
      }
    }
  }

  /** Index `rec` (its id not yet indexed; `h`: its hashId). */
  add(rec: TaskRecord, h: number): void {
    if (++this.count * 4 > this.slots.length) this.rehash(this.slots.length);
    this.put(this.slots, rec.index + 1, h);
  }

  private put(slots: Int32Array, s: number, h: number): void {
    const mask = (slots.length >> 1) - 1;
    let k = h & mask;
    while (slots[2 * k] !== 0) k = (k + 1) & mask;
    slots[2 * k] = s;
    slots[2 * k + 1] = h;
  }

  /** Twice the slots (`size` becomes the slot count), each entry moved with its stored hash. */
  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * size);
    for (let k = 0; k < old.length; k += 2) if (old[k] !== 0) this.put(this.slots, old[k]!, old[k + 1]!);
  }
}

export class TaskTable {
  readonly all: TaskRecord[] = [];
  private byId = new IdIndex(this.all);
  private columns = new TaskColumns();
  get(id: string): TaskRecord | undefined {
    return this.byId.get(id);
  }

  at(index: number): TaskRecord | undefined {
    return this.all[index];
  }

  create(id: string, name: string, fields: Pick<Partial<TaskRecord>, "args" | "kwargs" | "queue" | "parentId" | "rootId" | "groupId"> = {}): TaskRecord {
    // One hash of the id for the lookup and the insert (every send makes a record).
    const h = hashId(id);
    const existing = this.byId.get(id, h);
    if (existing) return existing;
    const index = this.all.length;
    this.columns.add(index);
    const rec = new TaskRow(this.columns, index, id, fields.args ?? []);
    // A new index has no kwargs entry: only kwargs other than the stored empty object need one.
    if (fields.kwargs !== EMPTY_OBJECT) rec.kwargs = fields.kwargs ?? {};
    rec.name = name;
    rec.queue = fields.queue ?? "celery";
    rec.state = PENDING;
    rec.eventState = PENDING;
    if (fields.parentId != null) rec.parentId = fields.parentId;
    if (fields.rootId != null) rec.rootId = fields.rootId;
    if (fields.groupId != null) rec.groupId = fields.groupId;
    this.all.push(rec);
    this.byId.add(rec, h);
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

