/**
 * Which result backend an app has (Celery's result_backend), and what a reader of a stored result
 * sees through it. The simulator keeps every state in one table (the trace and its views read it);
 * what differs between backends is who can read it back:
 * - "redis": a shared store: any app reads any id, until `resultExpires` (SETEX) drops it → PENDING;
 * - "rpc": celery/backends/rpc.py publishes each state to the sender's reply queue (`reply_to`, the
 *   sending app's oid): only the app that sent the task reads it; any other app (another process,
 *   `AsyncResult(id)` in a task) reads PENDING and waits forever, as get_task_meta does;
 * - "disabled": DisabledBackend stores nothing, and reading raises NotImplementedError(E_NO_BACKEND).
 */
import { ImproperlyConfigured, NotImplementedError } from "./errors";

export type BackendKind = "redis" | "rpc" | "disabled";

/** celery/backends/base.py E_NO_BACKEND (stripped), what DisabledBackend raises on every read. */
export const E_NO_BACKEND = "No result backend is configured.\nPlease see the documentation for more information.";
/** celery/backends/base.py E_CHORD_NO_BACKEND (stripped): DisabledBackend.ensure_chords_allowed. */
export const E_CHORD_NO_BACKEND =
  "Starting chords requires a result backend to be configured.\n\nNote that a group chained with a task is also upgraded to be a chord,\nas this pattern requires synchronization.\n\nResult backends that supports chords: Redis, Database, Memcached, and more.";
/** celery/backends/rpc.py E_NO_CHORD_SUPPORT (stripped): RPCBackend.ensure_chords_allowed. */
export const E_NO_CHORD_SUPPORT =
  'The "rpc" result backend does not support chords!\n\nNote that a group chained with a task is also upgraded to be a chord,\nas this pattern requires synchronization.\n\nResult backends that supports chords: Redis, Database, Memcached, and more.';

/** Celery's BACKEND_ALIASES (celery/app/backends.py) the simulator does not model. */
const UNMODELLED = ["amqp", "cache", "sentinel", "mongodb", "db", "database", "elasticsearch", "cassandra", "couchbase", "couchdb", "cosmosdbsql", "riak", "file", "consul", "dynamodb", "azureblockblob", "arangodb", "s3"];

const parsed = new Map<string, BackendKind>();

/** The kind of a result_backend URL or alias; null and "disabled" are no backend. */
export function backendKind(url: string | null | undefined): BackendKind {
  if (url == null || url === "") return "disabled";
  let kind = parsed.get(url);
  if (kind) return kind;
  // "redis://localhost/1", "rpc://", "db+sqlite:///r.db" → the scheme before "://" (and "+").
  const scheme = url.split("://")[0].split("+")[0].toLowerCase();
  if (scheme === "redis" || scheme === "rediss") kind = "redis";
  else if (scheme === "rpc") kind = "rpc";
  else if (scheme === "disabled") kind = "disabled";
  else if (UNMODELLED.includes(scheme)) {
    throw new ImproperlyConfigured(`the ${scheme} result backend (${JSON.stringify(url)}) is not modelled by the simulator: use "redis://", "rpc://" or null (no backend)`);
  } else {
    throw new ImproperlyConfigured(`Unknown result backend: '${scheme}'.  Did you spell that correctly? ("No module named '${scheme}'")`);
  }
  parsed.set(url, kind);
  return kind;
}

/** Who stored a result and how: the sending app's backend (its reply_to, for rpc). */
export interface ResultOwner {
  readonly _oid: number;
  readonly _backendKind: BackendKind;
  /** result_expires in seconds; null or 0: kept forever. */
  readonly _resultExpiresS: number | null;
}

/**
 * Can `reader` read a result stored for a task sent by `owner`? (Reading with no backend raises
 * before this is asked.) A reader of another kind than the owner's looks in another store.
 */
export function canRead(reader: ResultOwner, owner: ResultOwner): boolean {
  if (owner._backendKind === "disabled" || owner._backendKind !== reader._backendKind) return false;
  return owner._backendKind !== "rpc" || owner._oid === reader._oid;
}

export function noBackendError(): Error {
  return new NotImplementedError(E_NO_BACKEND);
}

/** Backend.ensure_chords_allowed: rpc and DisabledBackend raise NotImplementedError. */
export function ensureChordsAllowed(kind: BackendKind): void {
  if (kind === "disabled") throw new NotImplementedError(E_CHORD_NO_BACKEND);
  if (kind === "rpc") throw new NotImplementedError(E_NO_CHORD_SUPPORT);
}
