/**
 * The life of a run in the page, as an explicit state machine: the phases, the events that move
 * between them, and which moves are allowed. The controller (playground.ts) changes the phase only
 * through `nextPhase`, so every phase change is one of the rows below; an event that is not allowed
 * in the current phase is a bug and throws (`InvalidTransition`), rather than leaving the page in a
 * state nobody designed.
 *
 * Races (a Run during a seek, a Reset during a compile, a frame after a Reset) are not phases: every
 * command bumps the controller's token, and a continuation of an older command sees a stale token
 * and stops without sending any event (tested in playground.test.ts).
 */

export const PHASES = ["idle", "compiling", "loading", "running", "paused", "seeking", "done", "error", "stopped"] as const;
export type Phase = (typeof PHASES)[number];

export type PhaseEvent =
  /** A command needs the code (re)compiled and loaded: Run, Step, Reset or a seek of other code. */
  | "compile"
  /** The compile worker answered with code; the simulation worker is loading it. */
  | "compiled"
  /** The code did not compile, or its top level threw while loading. */
  | "rejected"
  /** Loaded (or replayed), at a paused playhead: Reset, a Step, the end of a seek. */
  | "ready"
  /** The play loop starts (Run). */
  | "play"
  /** Pause pressed while playing or seeking. */
  | "pause"
  /** Pause pressed while compiling or loading: that load's result is dropped, nothing is loaded. */
  | "cancel"
  /** The scrubber moved: a replay from the seed to a new time. */
  | "seek"
  /** The run reached its end (completed, until, or stopped by a livelock or a resource limit). */
  | "finish"
  /** The run ended because the scenario raised (main threw, a top-level error). */
  | "finish-error"
  /** The watchdog killed the simulation worker: learner code did not yield. */
  | "hang"
  /** Anything the page did not expect (a worker that failed to start, an internal error). */
  | "fail";

const ANY: readonly Phase[] = PHASES;
const LIVE: readonly Phase[] = ["loading", "running", "paused", "seeking", "done"];

/** The transition table: for each event, the phases it may happen in and the phase it leads to. */
export const TRANSITIONS: Readonly<Record<PhaseEvent, { from: readonly Phase[]; to: Phase }>> = {
  compile: { from: ANY, to: "compiling" },
  compiled: { from: ["compiling"], to: "loading" },
  rejected: { from: ["compiling", "loading"], to: "error" },
  ready: { from: ["loading", "paused", "seeking"], to: "paused" },
  // From seeking: Run pressed during a replay plays on from where the replay got to.
  play: { from: ["loading", "paused", "running", "seeking"], to: "running" },
  pause: { from: ["running", "seeking"], to: "paused" },
  cancel: { from: ["compiling", "loading"], to: "stopped" },
  seek: { from: ANY, to: "seeking" },
  finish: { from: LIVE, to: "done" },
  "finish-error": { from: LIVE, to: "error" },
  hang: { from: ANY, to: "stopped" },
  fail: { from: ANY, to: "error" },
};

export class InvalidTransition extends Error {
  override name = "InvalidTransition";
  constructor(
    readonly from: Phase,
    readonly event: PhaseEvent,
  ) {
    super(`"${event}" is not allowed while ${from}`);
  }
}

export function canTransition(from: Phase, event: PhaseEvent): boolean {
  return TRANSITIONS[event].from.includes(from);
}

/** The phase `event` leads to from `from`; throws InvalidTransition if it may not happen there. */
export function nextPhase(from: Phase, event: PhaseEvent): Phase {
  if (!canTransition(from, event)) throw new InvalidTransition(from, event);
  return TRANSITIONS[event].to;
}

/** A restart is needed to run again from these phases (the run is over, or its worker is gone). */
export function isOver(phase: Phase): boolean {
  return phase === "done" || phase === "error" || phase === "stopped";
}
