/**
 * The result backend: the state and result stored per task id, and the waiters of `get()`.
 * States are stored only where Celery stores them (STARTED only with trackStarted, nothing for
 * RECEIVED, nothing after a Reject or an Ignore).
 */
import { sharedData } from "../kernel/trace";
import type { Sim } from "../engine/sim";
import type { Pending } from "../engine/sim";
import { TimeoutError } from "./errors";
import type { TaskRecord, TaskTable } from "./records";
import type { GetOptions } from "./result";
import { decode, type Encoded } from "./serialization";
import { FAILURE, PENDING, READY_STATES, REVOKED, SUCCESS } from "./states";

interface Waiter {
  p: Pending<unknown>;
  propagate: boolean;
}


/** The data of a final state's task-state record, one shared object per state (a million tasks, one entry). */
const FINAL_STATE_DATA: Record<string, Readonly<{ state: string }>> = Object.fromEntries([SUCCESS, FAILURE, REVOKED].map((s) => [s, sharedData({ state: s })]));
export class ResultBackend {
  /** Waiters on ids the simulator has never seen (AsyncResult of an unknown id waits forever). */
  private orphanWaiters = new Map<string, Waiter[]>();
  private waiters = new Map<string, Waiter[]>();
  /** Chord counters: how many header members have returned, per group id. */
  readonly chordCounters = new Map<string, number>();

  constructor(
    private readonly sim: Sim,
    private readonly tasks: TaskTable,
  ) {}

  state(id: string): string {
    return this.tasks.get(id)?.state ?? PENDING;
  }
  result(id: string): unknown {
    const rec = this.tasks.get(id);
    return rec ? readResult(rec) : null;
  }
  traceback(id: string): string | null {
    return this.tasks.get(id)?.traceback ?? null;
  }

  /** Store a state (and its result or meta), record it in the trace and wake ready waiters. */
  store(rec: TaskRecord, state: string, result: unknown, traceback: string | null = null, encoded: Encoded | null = null): void {
    rec.state = state;
    // The backend keeps bytes: what the record shows is a decoded copy, never the task's object.
    rec.result = encoded ? decode(encoded) : result;
    // A primitive is its own copy: no payload kept for it (one object less per task).
    rec.resultPayload = encoded && (typeof rec.result === "object" && rec.result !== null) ? encoded : null;
    rec.traceback = traceback;
    // Every stored state names itself (SUCCESS too): readers of the trace never have to guess.
    // num: the encoded result's size in bytes (NaN when nothing was encoded).
    const final = state === SUCCESS || state === FAILURE || state === REVOKED;
    this.sim.record("task-state", rec.index, -1, encoded ? encoded.sizeBytes : NaN, final ? FINAL_STATE_DATA[state] : { state, meta: result });
    if (READY_STATES.has(state)) this.wake(rec.id, rec);
  }

  forget(id: string): void {
    const rec = this.tasks.get(id);
    if (rec) {
      rec.state = PENDING;
      rec.result = null;
      rec.resultPayload = null;
    }
  }

  wait(id: string, opts: GetOptions): Promise<unknown> {
    const rec = this.tasks.get(id);
    const propagate = opts.propagate ?? true;
    if (rec && READY_STATES.has(rec.state)) {
      return rec.state === SUCCESS || !propagate ? Promise.resolve(readResult(rec)) : Promise.reject(rec.result);
    }
    const p = this.sim.pending<unknown>();
    const w: Waiter = { p, propagate };
    const list = this.waiters.get(id) ?? [];
    list.push(w);
    this.waiters.set(id, list);
    if (opts.timeout != null) {
      p.timer = this.sim.sched.schedule(Math.max(0, opts.timeout), () => {
        const l = this.waiters.get(id);
        if (l) this.waiters.set(id, l.filter((x) => x !== w));
        this.sim.settleNow(p, false, new TimeoutError());
      });
    }
    return p.promise;
  }

  private wake(id: string, rec: TaskRecord): void {
    const list = this.waiters.get(id);
    if (!list?.length) return;
    this.waiters.delete(id);
    for (const w of list) {
      const ok = rec.state === SUCCESS || !w.propagate;
      this.sim.settle(w.p, ok, readResult(rec));
    }
  }

  /** Ids with someone waiting on them (for "main is waiting on …" messages). */
  waitedIds(): string[] {
    return [...this.waiters.entries()].filter(([, l]) => l.length).map(([id]) => id).concat([...this.orphanWaiters.keys()]);
  }
}

/** What a reader of the backend gets: a fresh decode of the stored bytes (each get() its own copy). */
function readResult(rec: TaskRecord): unknown {
  return rec.resultPayload ? decode(rec.resultPayload) : rec.result;
}
