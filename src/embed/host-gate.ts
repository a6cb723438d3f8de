/**
 * Code supplied by the host page runs only after the learner clicks inside the frame.
 *
 * The host's `load-scenario` puts code in the editor; from then on nothing may execute it — not the
 * host's `run` or `reset` (a reset loads the module, which runs its top level), not a scrubber seek
 * or step — until the learner starts it from inside the frame: the Run button, Run checks, Step or
 * Ctrl/Cmd+Enter. Those are calls made with the frame's own transient user activation
 * (`navigator.userActivation.isActive`), which a message from another page never grants; the
 * host's commands go through `hostRun`/`hostReset`, which never count as a click. Until then:
 *
 * - the host's `run` and `reset` are refused (counted in `window.__embed.refused`), and the frame
 *   says, visibly, that the code waits for the learner's Run;
 * - the host's code is not saved as the learner's draft (a reload brings their own draft back);
 * - a `load-scenario` over code the learner wrote asks first ("Replace my code" / "Keep mine").
 *
 * `origins=` is not part of this boundary: the framing page writes it itself (frame.tsx), so any
 * page can allow itself. The click is the boundary.
 */
import type { DraftStore } from "../lib/drafts";
import type { Language } from "../lib/language";
import type { Playground } from "../state/playground";
import type { EmbedBar } from "./bar";

export interface HostGateStats {
  refused: number;
  lastRefused: string;
}

/** The methods of the playground that execute the editor's code. */
const EXECUTING = ["play", "step", "reset", "seek", "runCode"] as const;

export class HostGate {
  private pg: Playground | null = null;
  /** The host's code, loaded and not yet started by the learner. */
  private waiting: string | null = null;
  /** The code that is not the learner's own (the starter, or host code they have not changed). */
  private notMine: string;
  private raw: Pick<Playground, (typeof EXECUTING)[number]> | null = null;
  /** The save the App asked for while host code waited, made once the learner runs it. */
  private skipped: (() => Promise<void>) | null = null;

  constructor(
    baseline: string,
    private readonly bar: EmbedBar,
    private readonly stats: HostGateStats,
    private readonly hasUserActivation: () => boolean = () => navigator.userActivation?.isActive ?? false,
  ) {
    this.notMine = baseline;
  }

  /** Host code waits for the learner's click. */
  get awaitingClick(): boolean {
    return this.waiting !== null;
  }

  /** Wrap the playground's executing methods: while host code waits, only the learner's own input runs it. */
  attach(pg: Playground): void {
    this.pg = pg;
    const raw = { play: pg.play, step: pg.step, reset: pg.reset, seek: pg.seek, runCode: pg.runCode };
    this.raw = raw;
    for (const name of EXECUTING) {
      const fn = raw[name] as (...a: unknown[]) => Promise<void>;
      (pg as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
        if (this.waiting === null) return fn(...a);
        if (!this.hasUserActivation()) return this.refuse(`${name} without a click in the frame`);
        this.approve();
        return fn(...a);
      };
    }
  }

  /** The drafts the App saves to: the host's code is never saved as the learner's draft before they run it. */
  guardDrafts(d: DraftStore): DraftStore {
    return {
      get persistent() {
        return d.persistent;
      },
      load: (k) => d.load(k),
      save: async (k, t) => {
        if (this.waiting !== null && t === this.waiting) {
          this.skipped = () => d.save(k, t);
          return;
        }
        this.skipped = null;
        return d.save(k, t);
      },
    };
  }

  /** The host's `load-scenario`: into the editor, not run; over the learner's own code only if they agree. */
  load(code: string, seed?: number, language: Language = "typescript"): void {
    const pg = this.pg!;
    const current = pg.code();
    const apply = () => {
      pg.pause();
      if (seed !== undefined) pg.setSeed(seed);
      pg.setLanguage(language);
      this.waiting = code;
      this.notMine = code;
      pg.setCode(code);
      this.bar.show("info", "The course page put this code in the editor. It has not run: read it, then press Run to run it.");
    };
    if (current === code || current === this.notMine) return apply();
    this.bar.ask("The course page wants to replace the code in the editor with its own. Your code stays saved as your draft until you run the new code.", [
      { label: "Replace my code", run: apply },
      { label: "Keep mine", run: () => this.bar.clear() },
    ]);
  }

  /** The host's `run`: runs the editor's code unless it is host code the learner has not run yet. */
  hostRun(): void {
    if (this.waiting !== null) return void this.refuse("run: the host's code waits for the learner's Run");
    void this.raw!.play();
  }

  /** The host's `reset` (it loads the module, so it executes code like a run). */
  hostReset(): void {
    if (this.waiting !== null) return void this.refuse("reset: the host's code waits for the learner's Run");
    void this.raw!.reset();
  }

  private approve(): void {
    this.waiting = null;
    this.bar.clear();
    // Now it is the learner's choice: save it as their draft (the App's save was held until now).
    void this.skipped?.();
    this.skipped = null;
  }

  private refuse(why: string): Promise<void> {
    this.stats.refused++;
    this.stats.lastRefused = why;
    if (!this.bar.asking()) this.bar.show("warn", "The course page asked to run the code it put in the editor. Only you can start it: read it, then press Run.");
    return Promise.resolve();
  }
}
