/**
 * Error classes with Celery's (and Python's) names. Each sets `name` explicitly: a minifier may
 * rename constructors, and reports, checks and learners match on these names.
 */
function named<T extends new (...a: any[]) => Error>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

export class CeleryError extends Error {}
named(CeleryError, "CeleryError");

/** Thrown by `self.retry()`: the worker records RETRY and the retry message is already published. */
export class Retry extends CeleryError {
  constructor(
    message = "Retry in ?s",
    readonly exc: unknown = null,
    readonly whenS: number | null = null,
  ) {
    super(message);
  }
}
named(Retry, "Retry");

/** Reject the message (with `requeue`, put it back; else drop it, or dead-letter it on RabbitMQ). */
export class Reject extends CeleryError {
  readonly requeue: boolean;
  constructor(reason = "", opts: { requeue?: boolean } | boolean = {}) {
    super(String(reason));
    this.requeue = typeof opts === "boolean" ? opts : !!opts.requeue;
  }
}
named(Reject, "Reject");

/** Ignore the task: no state is stored, the message is acknowledged. */
export class Ignore extends CeleryError {}
named(Ignore, "Ignore");

export class MaxRetriesExceededError extends CeleryError {}
named(MaxRetriesExceededError, "MaxRetriesExceededError");

export class SoftTimeLimitExceeded extends CeleryError {
  constructor(message = "SoftTimeLimitExceeded()") {
    super(message);
  }
}
named(SoftTimeLimitExceeded, "SoftTimeLimitExceeded");

export class TimeLimitExceeded extends CeleryError {
  constructor(readonly limitS: number = 0) {
    super(`TimeLimitExceeded(${limitS},)`);
  }
}
named(TimeLimitExceeded, "TimeLimitExceeded");

export class WorkerLostError extends CeleryError {}
named(WorkerLostError, "WorkerLostError");

export class TaskRevokedError extends CeleryError {}
named(TaskRevokedError, "TaskRevokedError");

export class ChordError extends CeleryError {}
named(ChordError, "ChordError");

export class TimeoutError extends CeleryError {
  constructor(message = "The operation timed out.") {
    super(message);
  }
}
named(TimeoutError, "TimeoutError");

export class NotRegistered extends CeleryError {}
named(NotRegistered, "NotRegistered");

export class ImproperlyConfigured extends CeleryError {}
named(ImproperlyConfigured, "ImproperlyConfigured");

/** kombu.exceptions.EncodeError: the payload could not be serialized (raised where it is sent). */
export class EncodeError extends Error {}
named(EncodeError, "EncodeError");
/** kombu.exceptions.ContentDisallowed: a content type outside accept_content. */
export class ContentDisallowed extends Error {}
named(ContentDisallowed, "ContentDisallowed");

// Python's built-ins that lessons raise.
export class ValueError extends Error {}
named(ValueError, "ValueError");
export class KeyError extends Error {}
named(KeyError, "KeyError");
export class RuntimeError extends Error {}
named(RuntimeError, "RuntimeError");
export class ConnectionError extends Error {}
named(ConnectionError, "ConnectionError");
export class IOError extends Error {}
named(IOError, "IOError");
/** What Celery's DisabledBackend raises on every read (no result backend configured). */
export class NotImplementedError extends Error {}
named(NotImplementedError, "NotImplementedError");

/** Python's repr of an exception: ValueError('boom 1'). */
export function reprError(e: unknown): string {
  if (e instanceof TimeLimitExceeded) return `TimeLimitExceeded(${e.limitS})`;
  if (e instanceof SoftTimeLimitExceeded) return "SoftTimeLimitExceeded()";
  if (e instanceof Error) return `${typeNameOf(e)}(${pyStr(textOf(e.message))})`;
  return `Exception(${pyStr(String(e))})`;
}

export function typeNameOf(e: unknown): string {
  if (e instanceof Error) {
    // A scenario's error may have any name (a Symbol, an object): only a string names its type.
    if (typeof e.name === "string" && e.name && e.name !== "Error") return e.name;
    const ctor = (e.constructor as { name?: unknown } | undefined)?.name;
    return typeof ctor === "string" && ctor ? ctor : "Error";
  }
  return "Error";
}

/** `v` as text, whatever it is (a Symbol, an object whose toString throws): for an error's message. */
export function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function pyStr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}

/** Whatever a task threw, as an Error (a thrown string becomes an Error with that message). */
export function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  // An error of another realm (the CLI's sandbox: a stack that overflows inside the host's stack
  // formatter throws the host realm's RangeError): its name and message, in an Error of this realm.
  if (Object.prototype.toString.call(e) === "[object Error]") {
    const { name, message } = e as { name?: unknown; message?: unknown };
    const err = new Error(textOf(message));
    if (typeof name === "string" && name !== "Error") err.name = name;
    return err;
  }
  const err = new Error(typeof e === "string" ? e : safeString(e));
  return err;
}

function safeString(x: unknown): string {
  try {
    return typeof x === "object" ? JSON.stringify(x) : String(x);
  } catch {
    return String(x);
  }
}

export const ERROR_CLASSES = {
  CeleryError,
  Retry,
  Reject,
  Ignore,
  MaxRetriesExceededError,
  SoftTimeLimitExceeded,
  TimeLimitExceeded,
  WorkerLostError,
  TaskRevokedError,
  ChordError,
  TimeoutError,
  NotRegistered,
  ImproperlyConfigured,
  EncodeError,
  ContentDisallowed,
  ValueError,
  KeyError,
  RuntimeError,
  ConnectionError,
  IOError,
  NotImplementedError,
};
