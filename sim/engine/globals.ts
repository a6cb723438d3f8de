/**
 * What a scenario sees as Math.random, Date, setTimeout, setInterval and console: the simulation's
 * own, seeded and on the simulated clock. They are passed to the compiled module as parameters,
 * which shadow the host's globals inside the learner's code.
 */
import { ExecContext, type Sim } from "./sim";
import type { World } from "../celery/world";

/** Simulated time zero, as a wall-clock date (what `new Date()` prints at the start of a run). */
export const SIM_EPOCH_MS = Date.UTC(2025, 0, 1, 9, 0, 0);

export function makeScenarioGlobals(sim: Sim, world: World) {
  const rnd = sim.rng.stream("scenario");
  const SimMath = Object.create(Math) as Math;
  Object.defineProperty(SimMath, "random", { value: () => rnd.random(), enumerable: false });

  const HostDate = Date;
  const nowMs = () => SIM_EPOCH_MS + Math.round(sim.nowS * 1e6) / 1e3;
  class SimDate extends HostDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(nowMs());
      else super(...(args as [string]));
    }
    static override now(): number {
      return nowMs();
    }
  }

  let nextTimer = 1;
  const timers = new Map<number, { cancel: () => void }>();
  const schedule = (fn: unknown, delayMs: unknown, repeat: boolean, extra: unknown[]): number => {
    if (typeof fn !== "function") throw new TypeError("setTimeout needs a function");
    const id = nextTimer++;
    const owner = sim.current;
    // What a watchdog names if the callback hangs: made once, not at every firing of an interval.
    const named = owner.kind === "system" ? undefined : `timer ${id} set by ${owner.label}`;
    const delayS = Math.max(0, Number(delayMs) || 0) / 1000;
    let ev = sim.sched.schedule(delayS, fire);
    function fire(): void {
      if (!owner.alive) return;
      sim.record("timer", owner.taskIndex, -1, id);
      const ctx = owner.kind === "system" ? new ExecContext("timer", `timer ${id}`) : owner;
      if (repeat) {
        ev = sim.sched.schedule(Math.max(delayS, 1e-6), fire);
      } else timers.delete(id);
      try {
        // In the context that set it (its owner), named as a timer: a spin in it is the timer's.
        sim.enter(ctx, () => (fn as (...a: unknown[]) => unknown)(...extra), named);
      } catch (e) {
        world.log("error", `a timer callback raised ${(e as Error)?.message ?? e}`, ctx.label);
      }
    }
    timers.set(id, { cancel: () => sim.sched.cancel(ev) });
    return id;
  };
  const clear = (id: unknown) => {
    const t = timers.get(Number(id));
    if (t) {
      t.cancel();
      timers.delete(Number(id));
    }
  };

  const fmt = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : formatValue(a))).join(" ");
  const logger = (level: "log" | "info" | "warn" | "error" | "debug") => (...args: unknown[]) => world.log(level, fmt(args), sim.current.label);
  const console = { log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"), debug: logger("debug") };

  return {
    Math: SimMath,
    Date: SimDate,
    setTimeout: (fn: unknown, ms?: unknown, ...a: unknown[]) => schedule(fn, ms, false, a),
    setInterval: (fn: unknown, ms?: unknown, ...a: unknown[]) => schedule(fn, ms, true, a),
    clearTimeout: clear,
    clearInterval: clear,
    console,
    performance: { now: () => sim.nowS * 1000 },
  };
}

export function formatValue(v: unknown, depth = 0): string {
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (typeof v === "string") return depth ? JSON.stringify(v) : v;
  if (v === undefined) return "undefined";
  if (typeof v === "function") return `[Function ${v.name || "anonymous"}]`;
  if (typeof v === "object" && v !== null) {
    if (depth > 3) return "[…]";
    if (Array.isArray(v)) return `[ ${v.map((x) => formatValue(x, depth + 1)).join(", ")} ]`;
    const ctor = (v as object).constructor?.name;
    if (typeof (v as { toString?: unknown }).toString === "function" && (v as object).toString !== Object.prototype.toString && ctor !== "Object") {
      return String(v);
    }
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`);
    return `{ ${entries.join(", ")} }`;
  }
  return String(v);
}
