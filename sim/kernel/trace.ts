/**
 * The append-only trace: the single source of truth every view, check and report is built from.
 *
 * Stored in columns (typed arrays that grow by doubling) so a run of a million tasks keeps its
 * several million events in tens of megabytes rather than as millions of objects. Per-task fields
 * (args, name, result) live in the task table; an event points at its task by index. Events that
 * carry something unique (an exception, a log line, a fault) keep it in `data`.
 *
 * The hash is folded in as events are appended, over the kind, the time's bits, the indices, the
 * number and a canonical JSON of the data, so it is the same in Node and in every browser.
 */
/** Celery's own event types, with Celery's names: the one list (events, report and trace read it). */
export const CELERY_EVENT_KINDS = [
  "task-sent",
  "task-received",
  "task-started",
  "task-succeeded",
  "task-failed",
  "task-retried",
  "task-rejected",
  "task-revoked",
  "worker-online",
  "worker-heartbeat",
  "worker-offline",
] as const;
export type CeleryEventKind = (typeof CELERY_EVENT_KINDS)[number];

export const TRACE_KINDS = [
  ...CELERY_EVENT_KINDS,
  // What the simulator adds: the backend, the broker, faults, the scenario's own output.
  "task-state", // a state stored in the result backend; data {state, meta?}; num = encoded result bytes (SUCCESS)
  // Message events: num = the delivery tag (a redelivered or restored copy gets a new tag, and
  // names the one it replaces in data.from); replayed in order they give every queue's exact depth.
  "message-published", // into a queue; data {queue, held?} (held: the broker was down, published again when it is back)
  "message-delivered", // a worker reserved a message; data {redelivered}?
  "message-acked",
  "message-requeued", // back at the head of its queue; data {reason, from}
  "message-restored", // Redis: an unacked message put back by restore_visible; data {from, ageS}
  "message-lost", // data {reason, from?}
  "message-dead-lettered", // out of its queue; data {from (queue), exchange, routingKey, reason, queues}
  "worker-lost", // a pool child died; data {pid, reason}
  "worker-killed", // the whole worker was killed; data {inFlight}
  "broker-restarted", // data {persistence, survived, lost}
  "fault", // an injected fault; data {fault, cause}
  "control", // app.control command; data {command, args}
  "canvas", // canvas structure; data {node...}
  "log", // console output; data {level, text}
  "alert", // alert rule fired or resolved; data
  "timer", // a scenario timer fired (setTimeout/setInterval)
  "note", // anything else worth showing; data {text}
  "autoscale", // a replica autoscaler or Celery's --autoscale changed a size; data {target, from, to, reason}
  "cpu", // a task's (or the client's, task -1) cpu() ended; num = seconds it waited for a core; data {host, cores, cpuS, wallS}
] as const;

export type TraceKind = (typeof TRACE_KINDS)[number];
const KIND_CODE = new Map<TraceKind, number>(TRACE_KINDS.map((k, i) => [k, i]));

export interface TraceEvent {
  /** Position in the trace. */
  i: number;
  kind: TraceKind;
  atS: number;
  /** Task index in the task table, or -1. */
  task: number;
  /** Worker index, or -1. */
  worker: number;
  /** A number whose meaning depends on the kind (runtime, retries, priority), or NaN. */
  num: number;
  data?: unknown;
}

/**
 * Events [first, first + n) by column, copied out of the trace for a frame (the page's worker sends
 * them as they are; see src/workers/frame-wire.ts).
 */
export interface TraceColumns {
  first: number;
  kinds: Uint8Array;
  times: Float64Array;
  tasks: Int32Array;
  workers: Int16Array;
  /** Int32s (NaN as -2^31) while every num is one, else float64s. */
  nums: Int32Array | Float64Array;
  /** The events that carry data, and which of `dataValues` each carries (made plain by `plain`). */
  dataAt: Int32Array | Int16Array;
  dataCode: Int32Array | Int16Array;
  /** Shared data (sharedData) once per frame; other data once per event. */
  dataValues: unknown[];
}

/** NaN among int32 nums in TraceColumns. */
export const COLUMN_NUM_NAN = -0x80000000;

/** A kind's code in TraceColumns.kinds (its place in TRACE_KINDS). */
export function traceKindCode(kind: TraceKind): number {
  return KIND_CODE.get(kind)!;
}

/**
 * The events `cols` holds, as objects. A data value the columns hold once (shared data) is one
 * object shared by its events, frozen, as every data value here is: events are read, never written.
 */
export function eventsOf(cols: TraceColumns): TraceEvent[] {
  const { kinds, times, tasks, workers, nums } = cols;
  const events: TraceEvent[] = new Array(kinds.length);
  const ints = nums instanceof Int32Array;
  for (let k = 0; k < events.length; k++) {
    const num = nums[k]!;
    events[k] = { i: cols.first + k, kind: TRACE_KINDS[kinds[k]!]!, atS: times[k]!, task: tasks[k]!, worker: workers[k]!, num: ints && num === COLUMN_NUM_NAN ? NaN : num };
  }
  const values = cols.dataValues.map((v) => (v !== null && typeof v === "object" ? Object.freeze(v) : v));
  for (let j = 0; j < cols.dataAt.length; j++) events[cols.dataAt[j]!]!.data = values[cols.dataCode[j]!];
  return events;
}

/** Data objects made to be shared by many events (sharedData); the trace stores each once. */
const SHARED = new WeakSet<object>();

/**
 * Data for many events at once (a queue's message-published data): frozen, of plain values only,
 * and stored once by every trace that records it, not once per event. Its hash is that of the same
 * data unshared.
 */
export function sharedData<T extends Record<string, string | number | boolean | null>>(data: T): Readonly<T> {
  const frozen = Object.freeze({ ...data });
  SHARED.add(frozen);
  return frozen;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Events per chunk: columns grow a chunk at a time, so a long run never copies what it has. */
const CHUNK_BITS = 15;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * NaN in a chunk whose nums are int32s: the nums of a run are tags, counts and byte sizes (a
 * million-task burst: every one an int32), so 4 bytes an event rather than 8. A chunk that meets a
 * num no int32 holds (a fraction such as a runtime, -0, a large number) keeps its nums as float64s.
 */
const NUM_NAN = -0x80000000;
/**
 * Until a chunk meets a num they cannot hold, its nums are 2 bytes in two frames: 0..0x7ffe is the
 * num itself (sizes, pids, counts), 0x7fff is NaN, and 0x8000 + k is numBase + k (delivery tags,
 * which in a chunk lie near each other as its tasks do). A burst's nums all fit.
 */
const NUM16_NAN = 0x7fff;
const NUM16_FRAME = 0x8000;
/** A chunk's numBase sits this far below the first large num it meets (tags a little older come too). */
const NUM_BASE_BELOW = 0x1fff;

/**
 * A chunk's task base sits this far below the first task it names: a chunk also names tasks sent a
 * little before (a burst's delivery is behind its sends), which then still fit its 2-byte offsets.
 */
const TASK_BASE_BELOW = 0x3fff;

interface Chunk {
  kinds: Uint8Array;
  /**
   * Times by run: an event's time is runTimes[timeRuns[off]]. Most events share the time of the
   * one before (7 in 8 in a burst: a task's sent and published, its delivery and receipt, its
   * result, state and ack), so a time costs ~3 bytes an event rather than 8.
   */
  timeRuns: Uint16Array;
  /**
   * A run's time; grown by doubling while the chunk fills (from 512: a burst's chunk has ~4,000
   * runs), cut to its runs once full. Made CHUNK long, the 256 kB cut away was 60 MB of
   * garbage over a million-task run.
   */
  runTimes: Float64Array;
  runs: number;
  /**
   * Task indexes: Uint16 offsets from taskBase (0 for -1, no task; task - taskBase + 1 otherwise) while
   * every task the chunk names is within 65,534 of its base, else Int32 (the task index itself). A
   * chunk's events name tasks sent near each other (a burst's: ~4,000 of them), so 2 bytes an event
   * instead of 4 (16 MB of a million-task run's 8 million events).
   */
  tasks: Uint16Array | Int32Array;
  /** The task an offset of 1 names; -1 until the chunk's first event with a task. */
  taskBase: number;
  /** Int8 until a worker index does not fit (then this chunk's column is an Int16Array, as all were). */
  workers: Int8Array | Int16Array;
  /**
   * Uint16: the num in two frames (NUM16_NAN, NUM16_FRAME). Int32, once a num does not fit them: the
   * num as an int32, or NUM_NAN. Float64, once a num is not an int32 (a fraction): the num itself.
   * (A map of the other nums took one entry and one boxed number an event: a run of fractional
   * runtimes spent a third of its appends there.)
   */
  nums: Uint16Array | Int32Array | Float64Array;
  /** The num NUM16_FRAME stands for; -1 until the chunk's first num past the first frame. */
  numBase: number;
  /** 1 + index into `shared` of the event's frozen data, or 0; made when the chunk first needs it. */
  sharedData: Uint8Array | Uint16Array | null;
}

export class Trace {
  length = 0;
  private chunks: Chunk[] = [];
  private datas = new Map<number, unknown>();
  /**
   * sharedData objects, each stored once and pointed at from a column: a million publishes must not
   * cost a million map entries.
   */
  private shared: object[] = [];
  private sharedIds = new Map<object, { id: number; json: string }>();
  private h1 = 0x811c9dc5;
  private h2 = 0x1b873593;

  append(kind: TraceKind, atS: number, task = -1, worker = -1, num = NaN, data?: unknown): number {
    const i = this.length;
    const off = i & MASK;
    if (off === 0) this.newChunk();
    const c = this.chunks[i >>> CHUNK_BITS]!;
    const code = KIND_CODE.get(kind)!;
    c.kinds[off] = code;
    // A new run when the time differs by a single bit (Object.is: -0 is not 0).
    if (c.runs === 0 || !Object.is(c.runTimes[c.runs - 1], atS)) {
      if (c.runs === c.runTimes.length) {
        const more = new Float64Array(c.runs * 2);
        more.set(c.runTimes);
        c.runTimes = more;
      }
      c.runTimes[c.runs++] = atS;
    }
    c.timeRuns[off] = c.runs - 1;
    const tasks = c.tasks;
    if (tasks instanceof Uint16Array) {
      if (task === -1) tasks[off] = 0;
      else {
        if (c.taskBase < 0 && Number.isInteger(task) && task >= 0) c.taskBase = Math.max(0, task - TASK_BASE_BELOW);
        const rel = task - c.taskBase + 1;
        if (c.taskBase >= 0 && Number.isInteger(rel) && rel >= 1 && rel <= 0xffff) tasks[off] = rel;
        else (c.tasks = this.widenTasks(c, off))[off] = task;
      }
    } else tasks[off] = task;
    if ((worker << 24) >> 24 !== worker && c.workers instanceof Int8Array) c.workers = Int16Array.from(c.workers);
    c.workers[off] = worker;
    const nums = c.nums;
    const int = (num | 0) === num && !Object.is(num, -0);
    let n16 = -1;
    if (nums instanceof Uint16Array) {
      if (int && num >= 0) {
        if (num < NUM16_NAN) n16 = num;
        else {
          if (c.numBase < 0) c.numBase = Math.max(NUM16_NAN, num - NUM_BASE_BELOW);
          const k = num - c.numBase;
          if (k >= 0 && k < NUM16_FRAME) n16 = NUM16_FRAME + k;
        }
      } else if (Number.isNaN(num)) n16 = NUM16_NAN;
      if (n16 >= 0) nums[off] = n16;
      else c.nums = int ? this.widenNums(c, off) : this.floatNums(c, off);
    }
    if (n16 < 0) {
      const wide = c.nums;
      if (wide instanceof Float64Array) wide[off] = num;
      else if (int && num !== NUM_NAN) wide[off] = num;
      else if (Number.isNaN(num)) wide[off] = NUM_NAN;
      else (c.nums = this.floatNums(c, off))[off] = num;
    }
    this.mix(code);
    f64[0] = atS;
    this.mix(u32[0]!);
    this.mix(u32[1]!);
    this.mix(task);
    this.mix(worker);
    if (!Number.isNaN(num)) {
      f64[0] = num;
      this.mix(u32[0]!);
      this.mix(u32[1]!);
    }
    if (data !== undefined) {
      const s = this.sharedOf(data);
      if (s) {
        // One byte a slot while this chunk names at most 255 shared objects.
        if (s.id > 0xff && !(c.sharedData instanceof Uint16Array)) c.sharedData = c.sharedData ? Uint16Array.from(c.sharedData) : new Uint16Array(CHUNK);
        (c.sharedData ??= new Uint8Array(CHUNK))[off] = s.id;
      }
      else this.datas.set(i, data);
      this.mixString(s ? s.json : canonicalJson(data));
    }
    this.length++;
    return i;
  }

  /** Start a chunk; the one before keeps only the run times it used. */
  private newChunk(): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.runs < last.runTimes.length) last.runTimes = last.runTimes.slice(0, last.runs);
    this.chunks.push({ kinds: new Uint8Array(CHUNK), timeRuns: new Uint16Array(CHUNK), runTimes: new Float64Array(512), runs: 0, tasks: new Uint16Array(CHUNK), taskBase: -1, workers: new Int8Array(CHUNK), nums: new Uint16Array(CHUNK), numBase: -1, sharedData: null });
  }

  /** The chunk's task column as Int32s, its first `n` events' tasks carried over. */
  private widenTasks(c: Chunk, n: number): Int32Array {
    const wide = new Int32Array(CHUNK);
    for (let off = 0; off < n; off++) wide[off] = taskOf(c, off);
    return wide;
  }

  /** The chunk's nums as Int32s, its first `n` events' carried over (every one an int32 or NaN). */
  private widenNums(c: Chunk, n: number): Int32Array {
    const wide = new Int32Array(CHUNK);
    for (let off = 0; off < n; off++) {
      const v = num16(c, off);
      wide[off] = Number.isNaN(v) ? NUM_NAN : v;
    }
    return wide;
  }

  /** The chunk's nums as float64s, its first `n` events' carried over (from either narrower column). */
  private floatNums(c: Chunk, n: number): Float64Array {
    const wide = new Float64Array(CHUNK);
    for (let off = 0; off < n; off++) wide[off] = numOf(c, off);
    return wide;
  }

  /** A sharedData object's slot in `shared` (spelled once for the hash), or null for other data. */
  private sharedOf(data: unknown): { id: number; json: string } | null {
    if (typeof data !== "object" || data === null || !SHARED.has(data)) return null;
    let s = this.sharedIds.get(data);
    if (!s) {
      if (this.shared.length >= 0xffff) return null;
      this.shared.push(data);
      this.sharedIds.set(data, (s = { id: this.shared.length, json: canonicalJson(data) }));
    }
    return s;
  }

  private chunk(i: number): Chunk {
    if (i < 0 || i >= this.length) throw new RangeError(`no trace event ${i}`);
    return this.chunks[i >>> CHUNK_BITS]!;
  }

  get(i: number): TraceEvent {
    const c = this.chunk(i);
    const off = i & MASK;
    const ev: TraceEvent = {
      i,
      kind: TRACE_KINDS[c.kinds[off]!]!,
      atS: c.runTimes[c.timeRuns[off]!]!,
      task: taskOf(c, off),
      worker: c.workers[off]!,
      num: numOf(c, off),
    };
    const sid = c.sharedData?.[off] ?? 0;
    const d = sid ? this.shared[sid - 1] : this.datas.get(i);
    if (d !== undefined) ev.data = d;
    return ev;
  }

  kindAt(i: number): TraceKind {
    return TRACE_KINDS[this.chunk(i).kinds[i & MASK]!]!;
  }
  timeAt(i: number): number {
    const c = this.chunk(i);
    return c.runTimes[c.timeRuns[i & MASK]!]!;
  }
  taskAt(i: number): number {
    return taskOf(this.chunk(i), i & MASK);
  }

  /**
   * Events [from, to) by column, each event's data passed through `plain` (shared data once). No
   * event objects: a frame of a busy run builds these for its page, not a thousand objects.
   */
  columns(from: number, to: number, plain: (data: unknown) => unknown): TraceColumns {
    from = Math.max(0, from);
    const n = Math.max(0, Math.min(to, this.length) - from);
    const kinds = new Uint8Array(n);
    const times = new Float64Array(n);
    const tasks = new Int32Array(n);
    const workers = new Int16Array(n);
    let ints: Int32Array | null = new Int32Array(n);
    let floats: Float64Array | null = null;
    const dataAt: number[] = [];
    const dataCode: number[] = [];
    const dataValues: unknown[] = [];
    const sharedCode = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const i = from + k;
      const c = this.chunks[i >>> CHUNK_BITS]!;
      const off = i & MASK;
      kinds[k] = c.kinds[off]!;
      times[k] = c.runTimes[c.timeRuns[off]!]!;
      tasks[k] = taskOf(c, off);
      workers[k] = c.workers[off]!;
      const num = numOf(c, off);
      if (ints) {
        if (num !== num) ints[k] = COLUMN_NUM_NAN;
        else if ((num | 0) === num && num !== COLUMN_NUM_NAN && !Object.is(num, -0)) ints[k] = num;
        else {
          floats = new Float64Array(n);
          for (let j = 0; j < k; j++) floats[j] = ints[j] === COLUMN_NUM_NAN ? NaN : ints[j]!;
          floats[k] = num;
          ints = null;
        }
      } else floats![k] = num;
      const sid = c.sharedData?.[off] ?? 0;
      if (sid) {
        let code = sharedCode.get(sid);
        if (code === undefined) sharedCode.set(sid, (code = dataValues.push(plain(this.shared[sid - 1])) - 1));
        dataAt.push(k);
        dataCode.push(code);
        continue;
      }
      const d = this.datas.get(i);
      if (d === undefined) continue;
      dataAt.push(k);
      dataCode.push(dataValues.push(plain(d)) - 1);
    }
    return { first: from, kinds, times, tasks, workers, nums: ints ?? floats!, dataAt: Int32Array.from(dataAt), dataCode: Int32Array.from(dataCode), dataValues };
  }

  /** Events [from, to) as objects. */
  slice(from = 0, to = this.length): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) out.push(this.get(i));
    return out;
  }

  *[Symbol.iterator](): IterableIterator<TraceEvent> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** 64-bit hash of everything appended so far, as 16 hex digits. */
  hash(): string {
    const fin = (h: number) => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0).toString(16).padStart(8, "0");
    };
    return fin(this.h1 ^ this.length) + fin(this.h2 + this.length);
  }

  private mix(v: number): void {
    this.h1 = Math.imul(this.h1 ^ v, 0x01000193);
    let k = Math.imul(v, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    this.h2 ^= k;
    this.h2 = (this.h2 << 13) | (this.h2 >>> 19);
    this.h2 = (Math.imul(this.h2, 5) + 0xe6546b64) | 0;
  }

  private mixString(s: string): void {
    for (let i = 0; i < s.length; i++) this.mix(s.charCodeAt(i));
  }
}

/**
 * JSON with sorted object keys, and with the values JSON cannot hold (undefined, NaN, Infinity,
 * functions, errors) spelled in a fixed way, so equal data always hashes alike.
 */
export function canonicalJson(v: unknown): string {
  const seen = new Set<unknown>();
  const walk = (x: unknown): string => {
    if (x === null) return "null";
    switch (typeof x) {
      case "number":
        return Number.isFinite(x) ? String(x) : `"${String(x)}"`;
      case "string":
        return JSON.stringify(x);
      case "boolean":
        return x ? "true" : "false";
      case "undefined":
        return '"undefined"';
      case "bigint":
        return `"${x}n"`;
      case "function":
        return `"[function ${(x as { name?: string }).name ?? ""}]"`;
      case "symbol":
        return `"${String(x)}"`;
    }
    if (seen.has(x)) return '"[circular]"';
    seen.add(x);
    try {
      if (Array.isArray(x)) return `[${x.map(walk).join(",")}]`;
      if (x instanceof Error) return `{"$error":${JSON.stringify(errorTypeName(x))},"message":${JSON.stringify(x.message)}}`;
      if (x instanceof Map) return walk(Object.fromEntries(x));
      if (x instanceof Set) return walk([...x]);
      const o = x as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${walk(o[k])}`).join(",")}}`;
    } finally {
      seen.delete(x);
    }
  };
  return walk(v);
}

/** The Python-style class name of an error: its constructor's name, else its `name`. */
export function errorTypeName(e: unknown): string {
  if (e instanceof Error) {
    // Our own classes set `name` (minifiers rename constructors); a learner's `class X extends Error`
    // keeps the inherited name "Error", and esbuild's keepNames keeps the constructor's.
    if (e.name && e.name !== "Error") return e.name;
    const ctor = (e.constructor as { name?: string } | undefined)?.name;
    return ctor || "Error";
  }
  return "Error";
}

/** The task index of the chunk's event at `off` (-1: none). */
function taskOf(c: Chunk, off: number): number {
  const t = c.tasks[off]!;
  return c.tasks instanceof Int32Array ? t : t === 0 ? -1 : t - 1 + c.taskBase;
}

/** The num of the chunk's event at `off`, from whichever column the chunk has. */
function numOf(c: Chunk, off: number): number {
  const nums = c.nums;
  if (nums instanceof Uint16Array) return num16(c, off);
  if (nums instanceof Float64Array) return nums[off]!;
  const n = nums[off]!;
  return n === NUM_NAN ? NaN : n;
}

/** The num of a chunk whose nums are 2 bytes. */
function num16(c: Chunk, off: number): number {
  const k = c.nums[off]!;
  return k < NUM16_NAN ? k : k === NUM16_NAN ? NaN : c.numBase + k - NUM16_FRAME;
}
