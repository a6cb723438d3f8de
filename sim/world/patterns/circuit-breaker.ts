/**
 * The circuit breaker of the seed's lab 1.3, as a reference learners' breakers are compared with.
 *
 * CLOSED: calls go through; `failureThreshold` consecutive failures (a success resets the count)
 * open the circuit. OPEN: calls are refused with CircuitOpenError without being made, until
 * `resetTimeoutS` has passed since the last failure. The next call then moves the breaker to
 * HALF_OPEN and is the one trial call: its success closes the circuit, its failure opens it again
 * for another `resetTimeoutS`. Calls made while the trial is in flight are refused.
 *
 * Where it differs from the seed's Python, and why:
 * - Time is read when a call *ends*, so a failure counts from the moment it is seen. The seed read the
 *   clock before the call, which is the same for its instant calls but not for calls that take time.
 * - The timeout has passed when `now - lastFailure >= resetTimeoutS` (the seed had `>`): on a wall
 *   clock the two never differ, on the simulated one `await sleep(resetTimeoutS)` lands exactly on it,
 *   and "after 30 s" should then mean the trial goes through.
 * - One trial at a time (the seed let every caller through in HALF_OPEN). A trial that never ends
 *   (its worker was killed) is given up after `resetTimeoutS`, and the next call becomes the trial.
 * - As in the seed, the state changes only when a call is made: an OPEN breaker nobody calls stays
 *   OPEN (read `state`), and a late failure of a call made before the circuit opened restarts the timeout.
 *
 * The breaker's state lives in this object, as the seed's lives in one Python process: each worker
 * process of a real deployment would have its own. A breaker shared across workers needs Redis.
 */
import { CircuitOpenError } from "../errors";
import { clockFn, type Clock } from "./clock";

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

export interface CircuitTransition {
  atS: number;
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5, as the seed's decorator). */
  failureThreshold?: number;
  /** Seconds the circuit stays open after the last failure before a trial call (default 60). */
  resetTimeoutS?: number;
  clock: Clock;
  /** Which errors count as failures (default: all). Others pass through and count as successes. */
  isFailure?: (error: unknown) => boolean;
  /** Told of every transition as it happens (say, to log it or record it in the trace). */
  onTransition?: (t: CircuitTransition) => void;
}

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly resetTimeoutS: number;
  /** Consecutive failures seen (reset by a success). */
  failures = 0;
  lastFailureAtS: number | null = null;
  /** Calls refused without being made. */
  rejected = 0;
  readonly transitions: CircuitTransition[] = [];

  private current: CircuitState = "CLOSED";
  private trialStartedAtS: number | null = null;
  /** Which trial is the current one (0: none); a given-up trial that ends later decides nothing. */
  private trialId = 0;
  private trials = 0;
  private readonly now: () => number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly onTransition: ((t: CircuitTransition) => void) | undefined;

  constructor(opts: CircuitBreakerOptions) {
    this.failureThreshold = opts.failureThreshold ?? 5;
    this.resetTimeoutS = opts.resetTimeoutS ?? 60;
    if (!(Number.isInteger(this.failureThreshold) && this.failureThreshold >= 1)) throw new RangeError(`failureThreshold must be an integer >= 1`);
    if (!(this.resetTimeoutS >= 0)) throw new RangeError(`resetTimeoutS must be >= 0`);
    this.now = clockFn(opts.clock);
    this.isFailure = opts.isFailure ?? (() => true);
    this.onTransition = opts.onTransition;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Seconds until an OPEN breaker lets a trial through (0 when it would now). */
  retryAfterS(): number {
    if (this.current !== "OPEN" || this.lastFailureAtS === null) return 0;
    return Math.max(0, this.lastFailureAtS + this.resetTimeoutS - this.now());
  }

  async call<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    const nowS = this.now();
    if (this.current === "OPEN") {
      if (this.retryAfterS() > 0) {
        this.rejected++;
        throw new CircuitOpenError("Circuit breaker is OPEN", this.retryAfterS());
      }
      this.move("HALF_OPEN", `reset timeout of ${this.resetTimeoutS} s passed since the last failure`);
    } else if (this.current === "HALF_OPEN" && this.trialStartedAtS !== null && nowS - this.trialStartedAtS < this.resetTimeoutS) {
      this.rejected++;
      throw new CircuitOpenError("Circuit breaker is HALF_OPEN: a trial call is in flight", 0);
    }
    const trial = this.current === "HALF_OPEN" ? ++this.trials : 0;
    if (trial) {
      this.trialStartedAtS = nowS;
      this.trialId = trial;
    }
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      if (this.isFailure(e)) this.onFailure(trial);
      else this.onSuccess(trial);
      throw e;
    }
    this.onSuccess(trial);
    return result;
  }

  private onSuccess(trial: number): void {
    this.failures = 0;
    if (trial) this.endTrial(trial, "CLOSED", "trial call succeeded");
  }

  private onFailure(trial: number): void {
    this.failures++;
    this.lastFailureAtS = this.now();
    if (trial) this.endTrial(trial, "OPEN", "trial call failed");
    else if (this.current === "CLOSED" && this.failures >= this.failureThreshold)
      this.move("OPEN", `${this.failures} consecutive failures (threshold ${this.failureThreshold})`);
  }

  private endTrial(trial: number, to: CircuitState, reason: string): void {
    if (this.current !== "HALF_OPEN" || trial !== this.trialId) return;
    this.trialStartedAtS = null;
    this.trialId = 0;
    this.move(to, reason);
  }

  private move(to: CircuitState, reason: string): void {
    const t: CircuitTransition = { atS: this.now(), from: this.current, to, reason };
    this.current = to;
    this.transitions.push(t);
    this.onTransition?.(t);
  }
}
