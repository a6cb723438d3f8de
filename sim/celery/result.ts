/**
 * Results: AsyncResult reads the result backend; EagerResult holds what `apply()` computed;
 * GroupResult gathers members in submission order (FINDINGS §3: order of sending, not of finishing);
 * its get() raises the first member to fail by time.
 */
import type { TaskApp } from "./ports";
import { RuntimeError, TaskRevokedError } from "./errors";
import { FAILURE, PENDING, READY_STATES, REVOKED, SUCCESS } from "./states";

export interface GetOptions {
  /** Seconds of simulated time; a TimeoutError when reached. */
  timeout?: number | null;
  /** Default true: a failed task's error is thrown; false returns it. */
  propagate?: boolean;
  /** Default true: calling get() inside a task throws, as Celery does. */
  disableSyncSubtasks?: boolean;
}

export class AsyncResult<R = any> {
  /** For a chain's result: the previous step's result. */
  parent: AsyncResult | GroupResult | null = null;

  constructor(
    readonly id: string,
    readonly app: TaskApp,
  ) {}

  get state(): string {
    return this.app._backend.state(this.id, this.app._resultOwner);
  }
  get status(): string {
    return this.state;
  }
  /** The return value, the exception, or a custom state's meta. */
  get result(): unknown {
    return this.app._backend.result(this.id, this.app._resultOwner);
  }
  get info(): unknown {
    return this.result;
  }
  get traceback(): string | null {
    return this.app._backend.traceback(this.id, this.app._resultOwner);
  }
  get name(): string | null {
    return this.app._tasks.get(this.id)?.name ?? null;
  }
  get children(): AsyncResult[] {
    return (this.app._tasks.get(this.id)?.children ?? []).map((id) => new AsyncResult(id, this.app));
  }

  ready(): boolean {
    return READY_STATES.has(this.state);
  }
  successful(): boolean {
    return this.state === SUCCESS;
  }
  failed(): boolean {
    return this.state === FAILURE;
  }

  async get(opts: GetOptions = {}): Promise<R> {
    const guard = this.app._assertWillNotBlock(opts);
    if (guard) throw guard;
    const propagate = opts.propagate ?? true;
    const value = await this.app._backend.wait(this.id, { ...opts, propagate: false }, this.app._resultOwner);
    const costs = this.app._world.costs;
    if (costs.realistic) await costs.fetchResult(this.app._sim.current, this.app._broker.transport);
    if (propagate) {
      // Celery's maybe_throw checks the parents first (root first): a chain's or chord's get()
      // raises the error of the step that failed, even where this node stores another one.
      this.maybeThrowParents();
      if (this.state === FAILURE || this.state === REVOKED) throw value;
    }
    return value as R;
  }

  private maybeThrowParents(): void {
    const parents: (AsyncResult | GroupResult)[] = [];
    for (let p = this.parent; p; p = p.parent) parents.push(p);
    for (const p of parents.reverse()) {
      if (p instanceof GroupResult) {
        const failed = p.results.find((r) => r.state === FAILURE || r.state === REVOKED);
        if (failed) throw failed.result;
      } else if (p.state === FAILURE || p.state === REVOKED) throw p.result;
    }
  }

  revoke(opts: { terminate?: boolean; signal?: string } = {}): void {
    this.app.control.revoke(this.id, opts);
  }

  forget(): void {
    this.app._backend.forget(this.id);
  }

  toString(): string {
    return this.id;
  }
  toJSON(): string {
    return this.id;
  }
}

/** What `apply()` returns: the outcome is held here, not in the backend (FINDINGS §1). */
export class EagerResult<R = any> {
  state: string = PENDING;
  private value: unknown = null;
  traceback: string | null = null;
  private waiters: { resolve: (v: unknown) => void; reject: (e: unknown) => void; propagate: boolean }[] = [];
  parent: null = null;

  constructor(
    readonly id: string,
    readonly app: TaskApp,
  ) {}

  get status(): string {
    return this.state;
  }
  get result(): unknown {
    return this.value;
  }
  get info(): unknown {
    return this.value;
  }
  ready(): boolean {
    return READY_STATES.has(this.state);
  }
  successful(): boolean {
    return this.state === SUCCESS;
  }
  failed(): boolean {
    return this.state === FAILURE;
  }

  /** @internal set by the eager runner */
  _settle(state: string, value: unknown, traceback: string | null = null): void {
    this.state = state;
    this.value = value;
    this.traceback = traceback;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) this.deliver(w);
  }

  private deliver(w: { resolve: (v: unknown) => void; reject: (e: unknown) => void; propagate: boolean }): void {
    if (this.state === SUCCESS || !w.propagate) w.resolve(this.value);
    else w.reject(this.value);
  }

  get(opts: GetOptions = {}): Promise<R> {
    const propagate = opts.propagate ?? true;
    return new Promise<R>((resolve, reject) => {
      const w = { resolve: resolve as (v: unknown) => void, reject, propagate };
      if (this.ready()) this.deliver(w);
      else this.waiters.push(w);
    });
  }

  revoke(): void {}
  toString(): string {
    return this.id;
  }
}

/** ResultSet.get(interval=0.5): how often a group's get() reads its members' results. */
const GROUP_GET_POLL_S = 0.5;

/**
 * A failure is seen at the join's next poll — measured: a member stored FAILURE at 0.25–0.28 s
 * after the send raised from get() at 0.54–0.55 s.
 */
function untilNextPollS(elapsedS: number): number {
  return Math.ceil(elapsedS / GROUP_GET_POLL_S - 1e-9) * GROUP_GET_POLL_S - elapsedS;
}

export class GroupResult<R = any> {
  parent: AsyncResult | GroupResult | null = null;
  constructor(
    readonly id: string,
    readonly results: AsyncResult[],
    readonly app: TaskApp,
  ) {}

  completedCount(): number {
    return this.results.filter((r) => r.successful()).length;
  }
  ready(): boolean {
    return this.results.every((r) => r.ready());
  }
  successful(): boolean {
    return this.results.every((r) => r.successful());
  }
  failed(): boolean {
    return this.results.some((r) => r.failed());
  }
  waiting(): boolean {
    return !this.ready();
  }
  get children(): AsyncResult[] {
    return this.results;
  }

  /**
   * Values in submission order. With propagate, the first member to fail *by time* throws, as soon
   * as it is stored: Celery's Redis backend joins natively (ResultSet.join_native → iter_native reads
   * the members as their results arrive), not in submission order (reference pair
   * results_group_get_several_fail).
   */
  async get(opts: GetOptions = {}): Promise<R[]> {
    const guard = this.app._assertWillNotBlock(opts);
    if (guard) throw guard;
    const propagate = opts.propagate ?? true;
    const sim = this.app._sim;
    const startS = sim.nowS;
    const values: R[] = new Array(this.results.length);
    const done = sim.pending<void>();
    let pending = this.results.length;
    if (pending === 0) sim.settle(done, true, undefined);
    this.results.forEach((r, i) => {
      this.app._backend.wait(r.id, { ...opts, propagate: false }, this.app._resultOwner).then(
        (v) => {
          if (propagate && (r.state === FAILURE || r.state === REVOKED)) sim.settle(done, false, v, untilNextPollS(sim.nowS - startS));
          values[i] = v as R;
          if (--pending === 0) sim.settle(done, true, undefined);
        },
        (e) => sim.settle(done, false, e),
      );
    });
    await done.promise;
    return values;
  }

  join(opts: GetOptions = {}): Promise<R[]> {
    return this.get(opts);
  }

  revoke(opts: { terminate?: boolean } = {}): void {
    for (const r of this.results) r.revoke(opts);
  }

  toString(): string {
    return this.id;
  }
}

/** Celery 5.2.6's E_WOULDBLOCK (celery/result.py), word for word, its trailing newline included. */
export const NEVER_CALL_GET_IN_TASK =
  "Never call result.get() within a task!\nSee http://docs.celeryq.org/en/latest/userguide/tasks.html#task-synchronous-subtasks\n";

export function willBlockError(): Error {
  return new RuntimeError(NEVER_CALL_GET_IN_TASK);
}

export function revokedError(reason: "revoked" | "terminated" | "expired"): Error {
  return new TaskRevokedError(reason);
}

export { REVOKED };
