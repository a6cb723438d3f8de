/**
 * Errors raised by the world around the tasks: the downstream services, the shared Redis and the
 * reference patterns. Each sets `name` explicitly, as sim/celery/errors.ts does: a minifier may
 * rename constructors, and reports, checks and learners match on these names.
 *
 * ConnectionError is Celery's (Python's) own, re-exported so that `instanceof` agrees whichever
 * module a learner imports it from.
 */
export { ConnectionError } from "../celery/errors";

function named<T extends new (...a: any[]) => Error>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

const HTTP_REASONS: Record<number, string> = { 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };

/** An HTTP error answer from a downstream service (requests' HTTPError, with the status at hand). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message = `${status} ${HTTP_REASONS[status] ?? "Error"}`,
    /** What a Retry-After header would say: seconds until a call would be accepted, when known. */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }
}
named(HttpError, "HttpError");

/** A circuit breaker refused the call without making it (the seed's "Circuit breaker is OPEN"). */
export class CircuitOpenError extends Error {
  constructor(
    message = "Circuit breaker is OPEN",
    /** Seconds until the breaker lets a trial call through. */
    readonly retryAfterS = 0,
  ) {
    super(message);
  }
}
named(CircuitOpenError, "CircuitOpenError");

/**
 * An error reply from Redis. redis-py calls it ResponseError; the message is Redis's own reply text
 * ("ERR value is not an integer or out of range", "WRONGTYPE Operation against a key …").
 */
export class ResponseError extends Error {}
named(ResponseError, "ResponseError");

export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ERR_SYNTAX = "ERR syntax error";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_MINMAX_NOT_FLOAT = "ERR min or max is not a float";
