/**
 * The names the "celery" module exports at run time (the keys of createCeleryModule's object), so
 * the compiler can refuse a misspelt import at its line instead of the run failing on `undefined`.
 * A test keeps this list, the runtime module and public-api.ts (what the editor and tsc read) equal.
 */
export const CELERY_EXPORTS: ReadonlySet<string> = new Set([
  "AsyncResult", "Celery", "CeleryError", "ChordError", "CircuitBreaker", "CircuitOpenError",
  "ConnectionError", "ContentDisallowed", "EXCEPTION_STATES", "EagerResult", "EncodeError", "FAILURE", "FixedWindowLimiter", "GroupResult",
  "HttpError", "IGNORED", "IOError", "Ignore", "ImproperlyConfigured", "KeyError", "MaxRetriesExceededError",
  "NotImplementedError", "NotRegistered", "PENDING", "PROPAGATE_STATES", "READY_STATES", "RECEIVED", "REJECTED", "RETRY", "REVOKED",
  "Reject", "ResponseError", "Retry", "RuntimeError", "STARTED", "SUCCESS", "Signature",
  "SlidingWindowLimiter", "SoftTimeLimitExceeded", "Task", "TaskRevokedError", "TimeLimitExceeded",
  "TimeoutError", "TokenBucket", "ValueError", "WorkerHandle", "WorkerLostError", "chain", "chord", "crontab", "faults",
  "group", "now", "params", "redis", "redisClient", "service", "signature", "sleep", "states",
]);
