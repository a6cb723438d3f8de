/**
 * The run's state machine: every row of the transition table, and the controller's races (a Run
 * during a seek, a Reset during a compile, a frame that arrives after a Reset), driven through
 * createPlayground with the two workers replaced by fakes whose answers the test releases by hand.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { canTransition, InvalidTransition, nextPhase, PHASES, TRANSITIONS, type PhaseEvent } from "./run-machine";
import type { Frame } from "../workers/protocol";

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((ok, no) => ((resolve = ok), (reject = no)));
  return { promise, resolve, reject };
}

function frame(nowS: number, over: Partial<Frame> = {}): Frame {
  return {
    nowS, done: false, endReason: "running", endMessage: "", traceLength: 0, traceHash: `h${nowS}`, events: [], truncated: false,
    tasks: [], taskPatches: [], workers: [], queues: [], logs: [], stateCounts: {}, returned: null, error: null, ...over,
  } as Frame;
}

type Call = { method: string; args: unknown[]; answer: ReturnType<typeof deferred<unknown>> };
const calls: Call[] = [];
const pending = (method: string) => calls.filter((c) => c.method === method);
const fakeCall = (method: string) => (...args: unknown[]) => {
  const answer = deferred<unknown>();
  calls.push({ method, args, answer });
  return answer.promise;
};

vi.mock("../workers/compile-client", () => ({
  compile: (src: string) => fakeCall("compile")(src),
  warmCompiler: () => Promise.resolve(0),
}));
vi.mock("../workers/sim-client", () => ({
  SimClient: class {
    start() {}
    load = fakeCall("load");
    advance = fakeCall("advance");
    step = fakeCall("step");
    seek = fakeCall("seek");
    configure = () => Promise.resolve();
    dispose() {}
  },
}));

const { createPlayground } = await import("./playground");
const compiled = (code = "code") => ({ ok: true, code, diagnostics: [], warnings: [], compileMs: 1, cached: false });
const flush = () => new Promise((r) => setTimeout(r, 0));

// The play loop's clock: a display frame is a macrotask here.
vi.stubGlobal("requestAnimationFrame", (fn: (t: number) => void) => setTimeout(() => fn(performance.now()), 0) as unknown as number);
vi.stubGlobal("cancelAnimationFrame", (id: number) => clearTimeout(id));
beforeEach(() => {
  calls.length = 0;
});

describe("the transition table", () => {
  const events = Object.keys(TRANSITIONS) as PhaseEvent[];
  for (const event of events) {
    it(`${event}: allowed from ${TRANSITIONS[event].from.join(", ")} only, to ${TRANSITIONS[event].to}`, () => {
      for (const from of PHASES) {
        if (TRANSITIONS[event].from.includes(from)) expect(nextPhase(from, event)).toBe(TRANSITIONS[event].to);
        else {
          expect(canTransition(from, event)).toBe(false);
          expect(() => nextPhase(from, event)).toThrow(InvalidTransition);
        }
      }
    });
  }

  it("a run that ended cannot be paused, and a compile cannot finish a run", () => {
    expect(() => nextPhase("done", "pause")).toThrow('"pause" is not allowed while done');
    expect(() => nextPhase("compiling", "finish")).toThrow(InvalidTransition);
  });
});

describe("the controller's races", () => {
  async function loaded() {
    const pg = createPlayground("code", { speed: "max" });
    const reset = pg.reset();
    pending("compile")[0]!.answer.resolve(compiled());
    await flush();
    expect(pg.phase()).toBe("loading");
    pending("load")[0]!.answer.resolve({ ok: true, taskNames: [], frame: frame(0) });
    await reset;
    expect(pg.phase()).toBe("paused");
    return pg;
  }

  it("walks idle → compiling → loading → paused → running → done through the table", async () => {
    const pg = await loaded();
    const playing = pg.play();
    await playing;
    expect(pg.phase()).toBe("running");
    await flush();
    pending("advance")[0]!.answer.resolve(frame(3, { done: true, endReason: "completed", endMessage: "main() returned" }));
    await flush();
    expect(pg.phase()).toBe("done");
    expect(pg.message()?.text).toBe("main() returned");
    pg.dispose();
  });

  it("a Reset during a compile: the first compile's answer is dropped, one load happens", async () => {
    const pg = createPlayground("code", { speed: "max" });
    const run = pg.play();
    expect(pg.phase()).toBe("compiling");
    pg.setCode("other code");
    const reset = pg.reset();
    const [first, second] = pending("compile");
    second!.answer.resolve(compiled("second"));
    await flush();
    first!.answer.resolve(compiled("first"));
    await run;
    expect(pending("load").map((c) => (c.args[0] as { code: string }).code)).toEqual(["second"]);
    pending("load")[0]!.answer.resolve({ ok: true, taskNames: [], frame: frame(0) });
    await reset;
    expect(pg.phase()).toBe("paused");
    pg.dispose();
  });

  it("a frame that arrives after a Reset is not folded into the new run", async () => {
    const pg = await loaded();
    await pg.play();
    await flush();
    const stale = pending("advance")[0]!;
    const reset = pg.reset();
    pending("compile").at(-1)!.answer.resolve(compiled());
    await flush();
    pending("load").at(-1)!.answer.resolve({ ok: true, taskNames: [], frame: frame(0) });
    await reset;
    stale.answer.resolve(frame(9, { done: true, endReason: "completed" }));
    await flush();
    expect(pg.phase()).toBe("paused");
    expect(pg.run().nowS).toBe(0);
    expect(pg.timeS()).toBe(0);
    pg.dispose();
  });

  it("a Run during a seek plays on from where the replay got to, after its frame is folded", async () => {
    const pg = await loaded();
    pg.seek(5);
    expect(pg.phase()).toBe("seeking");
    await flush();
    const replay = pending("seek")[0]!;
    const playing = pg.play();
    await flush();
    await flush();
    // Nothing is asked of the worker before the replay's frame is in: the cursor would not match.
    expect(pending("advance")).toHaveLength(0);
    replay.answer.resolve(frame(5));
    await playing;
    expect(pg.phase()).toBe("running");
    expect(pg.run().nowS).toBe(5);
    await flush();
    // Max speed: two pulls, the first from the replay's cursor, the second after the first's frame.
    expect(pending("advance").map((c) => c.args[0])).toMatchObject([{ fromTrace: pg.run().cursor }, { afterLastFrame: true }]);
    expect(pending("advance")[0]!.args[0]).not.toHaveProperty("afterLastFrame");
    pg.dispose();
  });

  it("at max speed keeps two pulls out, each after the frame before it, folds their frames in order; a pause ends the chain", async () => {
    const pg = await loaded();
    await pg.play();
    await flush();
    // Two pulls at once: the second starts where the worker's answer to the first ends.
    expect(pending("advance").map((c) => c.args[0])).toMatchObject([{ fromTrace: 0 }, { afterLastFrame: true }]);
    expect(pending("advance")[0]!.args[0]).not.toHaveProperty("afterLastFrame");
    const ev = (i: number) => ({ i, kind: "note" as const, atS: 0, task: -1, worker: -1, num: NaN });
    // A frame of two events from 0, more to come: a third pull goes out before any display frame.
    pending("advance")[0]!.answer.resolve(frame(1, { events: [ev(0), ev(1)], traceLength: 6, truncated: true }));
    await Promise.resolve();
    await Promise.resolve();
    expect(pending("advance")).toHaveLength(3);
    expect(pending("advance")[2]!.args[0]).toMatchObject({ afterLastFrame: true });
    // No display frame adds a pull of its own while they are out.
    await flush();
    await flush();
    expect(pending("advance")).toHaveLength(3);
    // The frame that came first was folded (the playhead moved to it).
    expect(pg.timeS()).toBe(1);
    // The second answer is the frame from 2 (where the first ended): folded after it.
    pending("advance")[1]!.answer.resolve(frame(2, { events: [ev(2)], traceLength: 6, truncated: true }));
    await flush();
    expect(pg.timeS()).toBe(2);
    expect(pending("advance")).toHaveLength(4);
    pg.pause();
    expect(pg.run().cursor).toBe(3);
    // After the pause, answers still out are dropped and ask for nothing more.
    pending("advance")[2]!.answer.resolve(frame(3, { events: [ev(3)], traceLength: 6, truncated: true }));
    await flush();
    await flush();
    expect(pg.timeS()).toBe(2);
    expect(pg.run().cursor).toBe(3);
    expect(pending("advance")).toHaveLength(4);
    pg.dispose();
  });

  it("a seek while its own replay compiles keeps the compile's phase, then replays to the newest target", async () => {
    const pg = createPlayground("code", { speed: "max" });
    pg.seek(2);
    await flush();
    expect(pg.phase()).toBe("compiling");
    pg.seek(7);
    expect(pg.phase()).toBe("compiling");
    pending("compile")[0]!.answer.resolve(compiled());
    await flush();
    pending("load")[0]!.answer.resolve({ ok: true, taskNames: [], frame: frame(0) });
    await flush();
    expect(pending("seek").map((c) => (c.args[0] as { toS: number }).toS)).toEqual([7]);
    pending("seek")[0]!.answer.resolve(frame(7));
    await flush();
    expect(pg.phase()).toBe("paused");
    pg.dispose();
  });
});
