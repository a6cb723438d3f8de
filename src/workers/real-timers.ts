import type { Timers } from "../../sim/engine/hang";

/** The page's own timers, for the watchdogs (sim/engine/hang.ts; the simulator never touches them). */
export const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
