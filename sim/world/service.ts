/**
 * A simulated downstream API: the thing circuit breakers, retries and rate limiters protect.
 *
 * `call()` is decided when it is made and answered after a latency drawn for it:
 * 1. during an outage ([fromS, toS) contains the call time) it fails with ConnectionError;
 * 2. else, when the service's own rate limit has been used up, it answers HTTP 429 (HttpError,
 *    `status` 429, `retryAfterS` set): at most `limit` accepted calls in any `perS` seconds (a sliding
 *    log, so "10/s" never lets 11 in within one second, however the calls are spread; 429s do not count);
 * 3. else it fails with ConnectionError with probability `failureRate`;
 * 4. else it answers `respond(payload)` (by default `{ status: 200, service, payload }`).
 * Every outcome takes the drawn latency (a refused connection answering as slowly as a success is a
 * simplification; it keeps one knob for time).
 *
 * Randomness comes from the seeded stream `service:<name>`, and each call draws the same number of
 * values whatever happens to it, so adding an outage or a rate limit does not reshuffle the latencies
 * and failures of the calls around it.
 *
 * Failures are recorded in the trace as "note" events (successes only in the counters: a busy
 * service would otherwise swamp the trace).
 */
import type { Sim } from "../engine/sim";
import type { Rng } from "../kernel/rng";
import { ConnectionError, HttpError } from "./errors";

export type LatencySpec =
  | number
  | { dist: "exponential"; meanS: number }
  | { dist: "uniform"; minS: number; maxS: number }
  | { dist: "normal"; meanS: number; sdS: number };

export interface Outage {
  fromS: number;
  toS: number;
}

/** "10/s", "100/m", "1000/h", or the pair itself. */
export type RateLimitSpec = string | { limit: number; perS: number };

export interface ServiceOptions {
  /** Seconds per call: a constant or a distribution (default 0.1 s). A normal draw is clamped at 0. */
  latency?: LatencySpec;
  /** Probability in [0, 1] that a call fails with ConnectionError (default 0). */
  failureRate?: number;
  /** Windows during which every call fails with ConnectionError. */
  outages?: Outage[];
  /** The service's own limit; calls beyond it get HTTP 429. */
  rateLimit?: RateLimitSpec | null;
  /** What a successful call returns. */
  respond?: (payload: unknown) => unknown;
}

export class SimService {
  readonly name: string;
  /** Calls made, and what became of them (each call counts in exactly one of the last three). */
  calls = 0;
  succeeded = 0;
  /** ConnectionErrors, outages included. */
  failures = 0;
  rejected429 = 0;

  private readonly rng: Rng;
  private readonly latency: LatencySpec;
  private readonly failureRate: number;
  private readonly outages: Outage[];
  private readonly rate: { limit: number; perS: number } | null;
  private readonly respond: (payload: unknown) => unknown;
  /** Times of the calls accepted within the last rate window, oldest first. */
  private accepted: number[] = [];

  /** An outage from now on (fault injection): every call fails with ConnectionError until `toS`. */
  addOutage(fromS: number, toS: number): void {
    this.outages.push({ fromS, toS });
  }

  constructor(
    private readonly sim: Sim,
    name: string,
    opts: ServiceOptions = {},
  ) {
    this.name = name;
    this.rng = sim.rng.stream(`service:${name}`);
    this.latency = opts.latency ?? 0.1;
    checkLatency(this.latency);
    this.failureRate = opts.failureRate ?? 0;
    if (!(this.failureRate >= 0 && this.failureRate <= 1)) throw new RangeError(`failureRate must be in [0, 1], not ${opts.failureRate}`);
    this.outages = (opts.outages ?? []).map((o) => {
      if (!(o.toS >= o.fromS)) throw new RangeError(`outage ends (${o.toS} s) before it starts (${o.fromS} s)`);
      return { ...o };
    });
    this.rate = opts.rateLimit ? parseServiceRate(opts.rateLimit) : null;
    this.respond = opts.respond ?? ((payload) => ({ status: 200, service: name, payload }));
  }

  /** Is the service in an outage at simulated time `atS`? */
  isDown(atS: number = this.sim.nowS): boolean {
    return this.outages.some((o) => atS >= o.fromS && atS < o.toS);
  }

  call(payload?: unknown): Promise<unknown> {
    const nowS = this.sim.nowS;
    const ctx = this.sim.current;
    this.calls++;
    // Draw both values first, always: see the note on determinism above.
    const latencyS = drawLatencyS(this.rng, this.latency);
    const unlucky = this.rng.random() < this.failureRate;

    let error: Error | null = null;
    let reason = "";
    if (this.isDown(nowS)) {
      const o = this.outages.find((w) => nowS >= w.fromS && nowS < w.toS)!;
      reason = `outage from ${o.fromS} s to ${o.toS} s`;
      error = new ConnectionError(`Service '${this.name}' unavailable (${reason})`);
    } else if (this.rate && !this.admit(nowS)) {
      const retryAfterS = this.accepted[0]! + this.rate.perS - nowS;
      reason = `rate limit ${this.rate.limit} per ${this.rate.perS} s exceeded`;
      error = new HttpError(429, "429 Too Many Requests", retryAfterS);
    } else if (unlucky) {
      reason = `random failure (failureRate ${this.failureRate})`;
      error = new ConnectionError(`Service '${this.name}' unavailable`);
    }

    if (!error) this.succeeded++;
    else if (error instanceof HttpError) this.rejected429++;
    else this.failures++;

    const p = this.sim.pending<unknown>(ctx);
    const result = error ? null : this.respond(payload);
    this.sim.sched.schedule(latencyS, () => {
      if (error) {
        const text = `${this.name}: ${error.name} after ${round(latencyS)} s (${reason})`;
        this.sim.record("note", ctx.taskIndex, -1, latencyS, { text, service: this.name, error: error.name, reason, latencyS });
      }
      this.sim.settle(p, !error, error ?? result);
    });
    return p.promise;
  }

  /** Sliding log: admit when fewer than `limit` calls were accepted in (now - perS, now]. */
  private admit(nowS: number): boolean {
    const { limit, perS } = this.rate!;
    while (this.accepted.length && this.accepted[0]! <= nowS - perS) this.accepted.shift();
    if (this.accepted.length >= limit) return false;
    this.accepted.push(nowS);
    return true;
  }
}

/** `service(sim, name, opts)`; the learner's `service(name, opts)` binds the running Sim. */
export function service(sim: Sim, name: string, opts: ServiceOptions = {}): SimService {
  return new SimService(sim, name, opts);
}

export function drawLatencyS(rng: Rng, spec: LatencySpec): number {
  if (typeof spec === "number") return spec;
  switch (spec.dist) {
    case "exponential":
      return rng.exponential(spec.meanS);
    case "uniform":
      return spec.minS + (spec.maxS - spec.minS) * rng.random();
    case "normal":
      return Math.max(0, rng.normal(spec.meanS, spec.sdS));
  }
}

function checkLatency(spec: LatencySpec): void {
  const bad = (why: string) => new RangeError(`latency ${JSON.stringify(spec)}: ${why}`);
  if (typeof spec === "number") {
    if (!(spec >= 0) || !Number.isFinite(spec)) throw bad("must be a finite number of seconds >= 0");
    return;
  }
  switch (spec?.dist) {
    case "exponential":
      if (!(spec.meanS >= 0)) throw bad("meanS must be >= 0");
      return;
    case "uniform":
      if (!(spec.minS >= 0 && spec.maxS >= spec.minS)) throw bad("needs 0 <= minS <= maxS");
      return;
    case "normal":
      if (!(spec.meanS >= 0 && spec.sdS >= 0)) throw bad("meanS and sdS must be >= 0");
      return;
    default:
      throw bad('dist must be "exponential", "uniform" or "normal"');
  }
}

/** "10/s" -> {limit 10, perS 1}; "100/m" -> {100, 60}; "5/h" -> {5, 3600}. */
export function parseServiceRate(spec: RateLimitSpec): { limit: number; perS: number } {
  if (typeof spec !== "string") {
    if (!(spec.limit > 0 && spec.perS > 0)) throw new RangeError(`rate limit needs limit > 0 and perS > 0`);
    return { limit: spec.limit, perS: spec.perS };
  }
  const m = /^\s*([0-9]+)\s*\/\s*([smh])\s*$/.exec(spec);
  if (!m || Number(m[1]) === 0) throw new RangeError(`rate limit ${JSON.stringify(spec)} is not like "10/s", "10/m" or "10/h"`);
  return { limit: Number(m[1]), perS: m[2] === "s" ? 1 : m[2] === "m" ? 60 : 3600 };
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}
