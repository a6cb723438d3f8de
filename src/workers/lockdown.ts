/**
 * The first import of the TypeScript workers that run learner code: the host's timers and channels
 * are gone before the simulator (and later the learner's code) is even evaluated (lockdown-core.ts).
 */
import { lockDown } from "./lockdown-core";

export * from "./lockdown-core";

// Only in a real worker: importing this module in a Node test must not strip Node's own timers.
if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined") lockDown();
