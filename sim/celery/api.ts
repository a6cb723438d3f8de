/**
 * The `"celery"` module a scenario imports: made afresh for each run, bound to that run's world.
 * Names follow shared/spec/celery-api.md (Celery's, in camelCase).
 */
import type { Sim } from "../engine/sim";
import { CeleryApp, WorkerHandle, type CeleryOptions } from "./app";
import { ERROR_CLASSES } from "./errors";
import { AsyncResult, EagerResult, GroupResult } from "./result";
import { Signature } from "./signature";
import { makeChain, makeChord, makeGroup } from "./canvas-runtime";
import { Task } from "./task";
import { states } from "./states";
import { crontab } from "./beat";
import type { World } from "./world";
import type { TaskApp } from "./ports";
import { SimRedis, type SimRedisOptions } from "../world/redis";
import { SimService, type ServiceOptions } from "../world/service";
import { HttpError, CircuitOpenError, ResponseError } from "../world/errors";
import { CircuitBreaker, TokenBucket, FixedWindowLimiter, SlidingWindowLimiter, type CircuitBreakerOptions, type TokenBucketOptions, type FixedWindowOptions, type SlidingWindowOptions } from "../world/patterns/index";
import type { Clock } from "../world/patterns/clock";

type SigLike = Signature | Signature[];

function flatten(items: SigLike[]): Signature[] {
  return items.flatMap((x) => (Array.isArray(x) ? x : [x]));
}

function appOf(sigs: Signature[], world: World): TaskApp {
  return sigs[0]?.app ?? firstApp(world);
}

function firstApp(world: World): CeleryApp {
  const app = world.apps[0];
  if (!app) throw new Error("create an app first: new Celery(\"name\")");
  return app;
}

/** What every process's "celery" module shares: it is outside the processes (Redis, the services). */
interface SharedWorld {
  redis: SimRedis;
  services: Map<string, SimService>;
}
const sharedByWorld = new WeakMap<World, SharedWorld>();

/**
 * The module for one process: the client's, or a worker process's (the session makes one per
 * process image). Apps and tasks are the process's own; Redis, services and faults are the world's.
 */
export function createCeleryModule(world: World) {
  const sim: Sim = world.sim;
  let shared = sharedByWorld.get(world);
  if (!shared) {
    shared = { redis: new SimRedis(sim), services: new Map() };
    sharedByWorld.set(world, shared);
  }
  /** The scenario's shared Redis (what a "distributed" limiter or lock is built on). */
  const redis = shared.redis;
  const services = shared.services;
  const service = (name: string, opts: ServiceOptions = {}): SimService => {
    let s = services.get(name);
    if (!s) {
      s = new SimService(sim, name, opts);
      services.set(name, s);
      world.faults.registerService(s);
    }
    return s;
  };
  // The reference patterns run on the simulated clock unless handed another.
  type NoClock<T> = Omit<T, "clock"> & { clock?: Clock };
  class SimCircuitBreaker extends CircuitBreaker {
    constructor(opts: NoClock<CircuitBreakerOptions> = {}) {
      super({ clock: sim, ...opts });
    }
  }
  class SimTokenBucket extends TokenBucket {
    constructor(opts: NoClock<TokenBucketOptions>) {
      super({ clock: sim, ...opts });
    }
  }
  /** `new FixedWindowLimiter(redis, { limit, windowS })`, as the seed's RedisRateLimiter(redis_client). */
  class SimFixedWindowLimiter extends FixedWindowLimiter {
    constructor(client: ConstructorParameters<typeof FixedWindowLimiter>[0] = redis, opts: FixedWindowOptions = {}) {
      super(client, opts);
    }
  }
  class SimSlidingWindowLimiter extends SlidingWindowLimiter {
    constructor(client: ConstructorParameters<typeof SlidingWindowLimiter>[0] = redis, opts: NoClock<SlidingWindowOptions> = {}) {
      super(client, { clock: sim, ...opts });
    }
  }
  const newRedis = (opts: SimRedisOptions = {}) => new SimRedis(sim, { store: redis.store, ...opts });

  class Celery extends CeleryApp {
    constructor(main = "app", options: CeleryOptions = {}) {
      super(world, main, options);
      registerBuiltins(this);
    }
  }

  const chain = (...tasks: SigLike[]): Signature => {
    const sigs = flatten(tasks);
    return new Signature(appOf(sigs, world), makeChain(sigs.map((s) => s.toData())));
  };
  const group = (...tasks: SigLike[]): Signature => {
    const sigs = flatten(tasks);
    return new Signature(appOf(sigs, world), makeGroup(sigs.map((s) => s.toData())));
  };
  const chord = (header: SigLike | Signature, body: Signature): Signature => {
    const h = header instanceof Signature ? header : group(...header);
    if (!body) throw new TypeError("chord(header, body) needs a body (the callback)");
    return new Signature(h.app, makeChord(h.toData(), body.toData()));
  };
  /** Celery's `signature(varies, ...)`: a name, a task, a signature (cloned) or a signature's dict. */
  const signature = (varies: Parameters<CeleryApp["signature"]>[0], opts: Parameters<CeleryApp["signature"]>[1] = {}): Signature =>
    varies instanceof Task ? varies.app.signature(varies, opts) : varies instanceof Signature ? varies.clone() : firstApp(world).signature(varies, opts);

  return {
    Celery,
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
    /** celery.schedules.crontab for beatSchedule: { minute, hour, dayOfWeek, dayOfMonth, monthOfYear }. */
    crontab,
    states,
    ...states,
    ...ERROR_CLASSES,
    /** `await sleep(s)`: simulated seconds. */
    sleep: (seconds: number) => sim.sleep(seconds),
    /** Simulated seconds since the start of the run. */
    now: () => sim.nowS,
    /**
     * `await cpu(seconds)`: CPU work, on the host of the process running this code, shared with
     * everything else burning CPU there (sleep() is I/O and uses no core).
     */
    cpu: (seconds: number): Promise<void> => {
      if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new TypeError(`cpu(seconds) needs a number of seconds of at least 0 (got ${seconds})`);
      const ctx = sim.current;
      const lane = world.costs.laneFor(ctx);
      return lane.host.burn(ctx, lane, world.costs.cpuSeconds(lane, seconds));
    },
    /** An experiment's swept values by key (undefined outside an experiment; see sim/experiment). */
    params: undefined as Record<string, unknown> | undefined,
    redis,
    /** Another client of the same Redis (its own round-trip time, same data). */
    redisClient: newRedis,
    service,
    faults: world.faults,
    HttpError,
    CircuitOpenError,
    ResponseError,
    CircuitBreaker: SimCircuitBreaker,
    TokenBucket: SimTokenBucket,
    FixedWindowLimiter: SimFixedWindowLimiter,
    SlidingWindowLimiter: SimSlidingWindowLimiter,
  };
}

/** celery.map and celery.starmap, as every worker has them. */
function registerBuiltins(app: CeleryApp): void {
  app.task({ name: "celery.map" }, (taskSig: any, items: unknown[]) => app._canvas.runMap(taskSig, items, false));
  app.task({ name: "celery.starmap" }, (taskSig: any, items: unknown[]) => app._canvas.runMap(taskSig, items, true));
  // Task.replace uplifts a group to a chord with this body (celery/app/builtins.py add_accumulate_task).
  app.task({ name: "celery.accumulate" }, (...a: unknown[]) => {
    const kw = a.length && isIndexKwargs(a[a.length - 1]) ? (a.pop() as { index?: number | null }) : {};
    return kw.index != null ? a[kw.index] : a;
  });
}

export type CeleryModule = ReturnType<typeof createCeleryModule>;

function isIndexKwargs(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Object.keys(x).every((k) => k === "index");
}
