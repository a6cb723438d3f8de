/**
 * The one list of the names the `"celery"` module exports. Everything else is derived from it or
 * checked against it at compile time:
 * - the compiler's misspelt-import check (sim/engine/celery-exports.ts) is this list as a Set;
 * - the runtime module (createCeleryModule in ./api) and the typed module tsc and the editor read
 *   (./public-api) must have exactly these keys: the type assertions below fail `tsc` otherwise;
 * - the editor's completions (src/features/editor/completions.ts) offer every name here.
 * sim/engine/celery-exports.test.ts checks the same at run time (the module's real keys).
 */
import type { CeleryModule } from "./api";
import type * as PublicApi from "./public-api";

export const CELERY_EXPORT_NAMES = [
  // app, tasks, results
  "Celery", "Task", "Signature", "AsyncResult", "EagerResult", "GroupResult", "WorkerHandle",
  // canvas
  "chain", "group", "chord", "signature",
  // the simulation
  "sleep", "now", "params", "redis", "redisClient", "service", "faults",
  // reference patterns
  "CircuitBreaker", "TokenBucket", "FixedWindowLimiter", "SlidingWindowLimiter", "HttpError", "CircuitOpenError", "ResponseError",
  // errors (celery.exceptions and Python's builtins)
  "CeleryError", "Retry", "Reject", "Ignore", "MaxRetriesExceededError", "SoftTimeLimitExceeded", "TimeLimitExceeded",
  "WorkerLostError", "TaskRevokedError", "ChordError", "TimeoutError", "NotRegistered", "ImproperlyConfigured",
  "EncodeError", "ContentDisallowed", "ValueError", "KeyError", "RuntimeError", "ConnectionError", "IOError",
  // states (celery.states, and each state by name)
  "states", "PENDING", "RECEIVED", "STARTED", "SUCCESS", "FAILURE", "REVOKED", "RETRY", "REJECTED", "IGNORED",
  "READY_STATES", "EXCEPTION_STATES", "PROPAGATE_STATES",
] as const;

export type CeleryExportName = (typeof CELERY_EXPORT_NAMES)[number];

// Compile-time ties: a name added to (or dropped from) the runtime module or public-api.ts but not
// here makes one of these `true` types fail to accept `true`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const runtimeKeysAreTheList: Same<keyof CeleryModule, CeleryExportName> = true;
const typedKeysAreTheList: Same<keyof typeof PublicApi, CeleryExportName> = true;
void runtimeKeysAreTheList;
void typedKeysAreTheList;
