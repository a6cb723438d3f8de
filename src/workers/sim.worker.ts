/**
 * The simulation worker for TypeScript scenarios: serves the simulation API (serve-sim.ts) with
 * sessions made from compiled CommonJS. It runs inside the sandbox frame (src/workers/sandbox.ts),
 * and the page starts a fresh one for every run and replay, so nothing a scenario does to this realm
 * reaches another run.
 *
 * `./lockdown` is the first import on purpose: imports evaluate in order, so the host's timers are
 * gone before the simulator (and later the learner's code) is even evaluated.
 */
import "./lockdown";
// Same imports as the headless runner (cli/sandbox/runtime.ts), so both build the same "celery" module.
import { createSession } from "../../sim/engine/session";
import { serveSim } from "./serve-sim";

serveSim((req, opts) => createSession(req.code, opts));
