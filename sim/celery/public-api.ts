/**
 * The types of the `"celery"` module as a scenario sees it (tsconfig maps "celery" here). Nothing in
 * this file runs: each session builds its own module with createCeleryModule; this only names its
 * parts, with Celery's names, for the type checker. The names are exports.ts's one list
 * (sim/engine/celery-exports.test.ts holds this file to it); `Celery` is the façade type.
 */
import type { CeleryModule } from "./api";

declare const celery: CeleryModule;

export const {
  Task,
  Signature,
  AsyncResult,
  EagerResult,
  GroupResult,
  WorkerHandle,
  chain,
  group,
  chord,
  signature,
  crontab,
  states,
  sleep,
  now,
  cpu,
  params,
  redis,
  redisClient,
  service,
  faults,
  CircuitBreaker,
  TokenBucket,
  FixedWindowLimiter,
  SlidingWindowLimiter,
  HttpError,
  CircuitOpenError,
  ResponseError,
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
  PENDING,
  RECEIVED,
  STARTED,
  SUCCESS,
  FAILURE,
  REVOKED,
  RETRY,
  REJECTED,
  IGNORED,
  READY_STATES,
  EXCEPTION_STATES,
  PROPAGATE_STATES,
} = celery;

type Inst<T> = T extends abstract new (...a: any[]) => infer I ? I : never;

/**
 * The façade: what a scenario sees of an app is Celery's API, not the simulator's internals (the
 * `_`-members the workers, results and canvas reach through sim/celery/ports.ts).
 */
type Facade<T> = { [K in keyof T as K extends `_${string}` ? never : K]: T[K] };
export type Celery = Facade<Inst<CeleryModule["Celery"]>>;
export const Celery: new (...args: ConstructorParameters<CeleryModule["Celery"]>) => Celery = celery.Celery;
export type Task<A extends unknown[] = any[], R = any> = import("./task").Task<A, R>;
export type Signature = Inst<typeof Signature>;
export type AsyncResult<R = any> = import("./result").AsyncResult<R>;
export type EagerResult<R = any> = import("./result").EagerResult<R>;
export type GroupResult<R = any> = import("./result").GroupResult<R>;
export type WorkerHandle = Inst<typeof WorkerHandle>;
export type CircuitBreaker = Inst<typeof CircuitBreaker>;
export type TokenBucket = Inst<typeof TokenBucket>;
export type FixedWindowLimiter = Inst<typeof FixedWindowLimiter>;
export type SlidingWindowLimiter = Inst<typeof SlidingWindowLimiter>;
export type Request = import("./task").Request;
export type TaskOptions = import("./task").TaskOptions;
export type ExceptionInfo = import("./task").ExceptionInfo;
export type FaultSpec = import("../world/faults").FaultSpec;
