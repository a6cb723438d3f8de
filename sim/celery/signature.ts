/**
 * Signatures and the canvas constructors. A Signature wraps plain data (SignatureData) so that it
 * can travel inside messages; applying it is the CanvasRuntime's job.
 */
import type { TaskApp } from "./ports";
import type { AsyncResult, GroupResult } from "./result";
import type { SignatureData, SignatureOptions } from "./signature-data";

export type AnyResult = AsyncResult | GroupResult;

function cloneData(d: SignatureData): SignatureData {
  return {
    ...d,
    args: [...d.args],
    kwargs: { ...d.kwargs },
    options: { ...d.options, link: d.options.link?.map(cloneData), linkError: d.options.linkError?.map(cloneData) },
    tasks: d.tasks?.map(cloneData),
    body: d.body ? cloneData(d.body) : d.body,
  };
}

export class Signature {
  constructor(
    readonly app: TaskApp,
    readonly data: SignatureData,
  ) {}

  get task(): string {
    return this.data.task;
  }
  get args(): unknown[] {
    return this.data.args;
  }
  get kwargs(): Record<string, unknown> {
    return this.data.kwargs;
  }
  get options(): SignatureOptions {
    return this.data.options;
  }
  get immutable(): boolean {
    return this.data.immutable;
  }
  get subtaskType(): string | null {
    return this.data.subtaskType;
  }
  /** Members of a chain or group; the header of a chord. */
  get tasks(): Signature[] {
    return (this.data.tasks ?? []).map((t) => new Signature(this.app, t));
  }
  get body(): Signature | null {
    return this.data.body ? new Signature(this.app, this.data.body) : null;
  }
  /** Python's type name: "Signature", "_chain", "group", "_chord", "chunks", "xmap", "xstarmap". */
  get type(): string {
    const t = this.data.subtaskType;
    return t === null ? "Signature" : t === "chain" ? "_chain" : t === "chord" ? "_chord" : t;
  }

  toData(): SignatureData {
    return this.data;
  }

  clone(overrides: { args?: unknown[]; kwargs?: Record<string, unknown>; options?: SignatureOptions; immutable?: boolean } = {}): Signature {
    const d = cloneData(this.data);
    if (overrides.args) d.args = [...overrides.args, ...d.args];
    if (overrides.kwargs) d.kwargs = { ...d.kwargs, ...overrides.kwargs };
    if (overrides.options) d.options = { ...d.options, ...overrides.options };
    if (overrides.immutable !== undefined) d.immutable = overrides.immutable;
    return new Signature(this.app, d);
  }

  /** Set options (queue, countdown, priority…) in place; returns the signature. */
  set(options: SignatureOptionsIn & { immutable?: boolean }): this {
    const { immutable, link, linkError, ...rest } = options;
    Object.assign(this.data.options, rest);
    // Celery's options hold callbacks as signatures (dicts): `.set({ link: other.s() })` as `.link(other.s())` would.
    if (link !== undefined) this.data.options.link = sigDataList(link);
    if (linkError !== undefined) this.data.options.linkError = sigDataList(linkError);
    if (immutable !== undefined) this.data.immutable = immutable;
    return this;
  }

  /** Call `callback` with this task's result when it succeeds. */
  link(callback: Signature): Signature {
    if (this.data.subtaskType === "group" && this.data.tasks?.length) {
      // Celery 5.2's group.link links an immutable clone to the group's first task only: it runs
      // once, with no arguments, when that task succeeds (reference pair canvas_group_link).
      const cb = callback.toData();
      cb.immutable = true;
      (this.data.tasks[0]!.options.link ??= []).push(cb);
      return callback;
    }
    (this.data.options.link ??= []).push(callback.toData());
    return callback;
  }

  /** Call `errback` when this task fails. */
  linkError(errback: Signature): Signature {
    linkErrorData(this.data, () => errback.toData());
    return errback;
  }

  /** Python's `a | b`. */
  pipe(...others: Signature[]): Signature {
    let acc: Signature = this;
    for (const o of others) acc = this.app._canvas.pipe(acc, o);
    return acc;
  }

  applyAsync(args: unknown[] = [], options: SignatureOptions & { kwargs?: Record<string, unknown> } = {}): any {
    const { kwargs, ...opts } = options;
    return this.app._canvas.apply(this.data, args, kwargs ?? {}, opts);
  }

  delay(...args: unknown[]): any {
    return this.applyAsync(args);
  }

  /** Python's `sig()`: run inline in the caller and return the value (map/starmap/chunks too). */
  call(...args: unknown[]): unknown {
    return this.app._canvas.callInline(this.data, args);
  }

  /** Freeze: assign the ids the parts will have and return the result that applying will give. */
  freeze(): AnyResult {
    return this.app._canvas.freeze(this.data);
  }

  toString(): string {
    return this.app._canvas.describe(this.data);
  }
}

/**
 * Celery's link_error, recursively: a chord gives it to its body, a chain and a group to each of their
 * tasks (so a chord step of a chain passes it on to its body), a task keeps it.
 */
function linkErrorData(d: SignatureData, errback: () => SignatureData): void {
  if (d.subtaskType === "chord" && d.body) linkErrorData(d.body, errback);
  else if ((d.subtaskType === "chain" || d.subtaskType === "group") && d.tasks) for (const t of d.tasks) linkErrorData(t, errback);
  else (d.options.linkError ??= []).push(errback());
}

/** A callback option as a learner may give it: one signature or several, built or as data. */
export type SigsIn = Signature | SignatureData | readonly (Signature | SignatureData)[] | null | undefined;
export type SignatureOptionsIn = Omit<SignatureOptions, "link" | "linkError"> & { link?: SigsIn; linkError?: SigsIn };

/** Callbacks as the data a message carries (`link`, `linkError` of `set()` and `applyAsync()`): a new array, which `.link()` may grow. */
export function sigDataList(x: SigsIn): SignatureData[] {
  if (!x) return [];
  const list = Array.isArray(x) ? (x as readonly (Signature | SignatureData)[]) : [x as Signature | SignatureData];
  return list.map((s) => (s instanceof Signature ? s.toData() : s));
}
