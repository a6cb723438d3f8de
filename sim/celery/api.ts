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
import type { World } from "./world";

type SigLike = Signature | Signature[];

function flatten(items: SigLike[]): Signature[] {
  return items.flatMap((x) => (Array.isArray(x) ? x : [x]));
}

function appOf(sigs: Signature[], world: World): CeleryApp {
  const app = sigs[0]?.app ?? world.apps[0];
  if (!app) throw new Error("create an app first: new Celery(\"name\")");
  return app;
}

export function createCeleryModule(world: World, extras: Record<string, unknown> = {}) {
  const sim: Sim = world.sim;

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
  const signature = (name: string, opts: { args?: unknown[]; kwargs?: Record<string, unknown>; options?: Record<string, unknown>; immutable?: boolean } = {}): Signature =>
    appOf([], world).signature(name, opts);

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
    states,
    ...states,
    ...ERROR_CLASSES,
    /** `await sleep(s)`: simulated seconds. */
    sleep: (seconds: number) => sim.sleep(seconds),
    /** Simulated seconds since the start of the run. */
    now: () => sim.nowS,
    ...extras,
  };
}

/** celery.map and celery.starmap, as every worker has them. */
function registerBuiltins(app: CeleryApp): void {
  app.task({ name: "celery.map" }, (taskSig: any, items: unknown[]) => app._canvas.runMap(taskSig, items, false));
  app.task({ name: "celery.starmap" }, (taskSig: any, items: unknown[]) => app._canvas.runMap(taskSig, items, true));
}

export type CeleryModule = ReturnType<typeof createCeleryModule>;
