/**
 * The result backend: the state and result stored per task id, and the waiters of `get()`.
 * States are stored only where Celery stores them (STARTED only with trackStarted, nothing for
 * RECEIVED, nothing after a Reject or an Ignore). Every state is kept (the trace and the views read
 * it); what a reader sees goes through its app's backend (backend-kind.ts: redis, rpc, none, and
 * result_expires).
 */
import { sharedData } from "../kernel/trace";
import type { Sim } from "../engine/sim";
import type { Pending } from "../engine/sim";
import { TimeoutError } from "./errors";
import type { TaskRecord, TaskTable } from "./records";
import type { GetOptions } from "./result";
import { decode, type Encoded } from "./serialization";
import { canRead, noBackendError, type ResultOwner } from "./backend-kind";
import { FAILURE, PENDING, READY_STATES, REVOKED, SUCCESS } from "./states";

interface Waiter {
  p: Pending<unknown>;
  propagate: boolean;
  reader: ResultOwner;
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

  state(id: string, reader: ResultOwner): string {
    return this.readable(id, reader)?.state ?? PENDING;
  }
  result(id: string, reader: ResultOwner): unknown {
    const rec = this.readable(id, reader);
    return rec ? readResult(rec) : null;
  }
  traceback(id: string, reader: ResultOwner): string | null {
    return this.readable(id, reader)?.traceback ?? null;
  }

  /** The record as `reader`'s backend shows it, or null (PENDING). Raises with no backend, as DisabledBackend does. */
  private readable(id: string, reader: ResultOwner): TaskRecord | null {
    if (reader._backendKind === "disabled") throw noBackendError();
    const rec = this.tasks.get(id);
    return rec && this.visible(rec, reader) ? rec : null;
  }

  private visible(rec: TaskRecord, reader: ResultOwner): boolean {
    // A record nobody sent (an update_state on an unknown id) is in the shared store.
    const ok = rec.resultOwner ? canRead(reader, rec.resultOwner) : reader._backendKind === "redis";
    return ok && this.sim.nowS < rec.resultExpiresAtS;
  }

  /** Store a state (and its result or meta), record it in the trace and wake ready waiters. */
  store(rec: TaskRecord, state: string, result: unknown, traceback: string | null = null, encoded: Encoded | null = null): void {
    rec.state = state;
    // The backend keeps bytes: what the record shows is a decoded copy, never the task's object.
    rec.result = encoded ? decode(encoded) : result;
    // A primitive is its own copy: no payload kept for it (one object less per task).
    rec.resultPayload = encoded && (typeof rec.result === "object" && rec.result !== null) ? encoded : null;
    rec.traceback = traceback;
    // Redis stores each state with SETEX result_expires (the owner's setting); null or 0 keeps it.
    const expiresS = rec.resultOwner?._backendKind === "redis" ? rec.resultOwner._resultExpiresS : null;
    rec.resultExpiresAtS = expiresS ? this.sim.nowS + expiresS : Infinity;
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

  wait(id: string, opts: GetOptions, reader: ResultOwner): Promise<unknown> {
    let rec: TaskRecord | null;
    try {
      rec = this.readable(id, reader);
    } catch (e) {
      return Promise.reject(e);
    }
    const propagate = opts.propagate ?? true;
    if (rec && READY_STATES.has(rec.state)) {
      return rec.state === SUCCESS || !propagate ? Promise.resolve(readResult(rec)) : Promise.reject(rec.result);
    }
    const p = this.sim.pending<unknown>();
    const w: Waiter = { p, propagate, reader };
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
    // A reader whose backend cannot see this result (rpc: not the sender) keeps waiting, forever.
    const blind = list.filter((w) => !this.visible(rec, w.reader));
    if (blind.length) this.waiters.set(id, blind);
    else this.waiters.delete(id);
    for (const w of list) {
      if (blind.includes(w)) continue;
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
