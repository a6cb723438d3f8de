/**
 * The UI's handle on the simulation worker: a WorkerBridge with the 2 s watchdog, fed by the side
 * channel that says which learner code runs, so a hang report can name the task.
 */
import { WorkerBridge, type CallOptions } from "./bridge";
import { isEnterMessage, WATCHDOG_MS, type HangError, type SimApi } from "./protocol";

export class SimClient {
  private lastLabel: string | null = null;
  private readonly bridge: WorkerBridge<SimApi>;

  constructor(onHang: (e: HangError) => void, watchdogMs = WATCHDOG_MS) {
    this.bridge = new WorkerBridge<SimApi>({
      spawn: () => new Worker(new URL("./sim.worker.ts", import.meta.url), { type: "module", name: "simulation" }),
      watchdogMs,
      onSideMessage: (d) => {
        if (isEnterMessage(d)) this.lastLabel = d.label;
      },
      blame: () => this.lastLabel,
      onHang,
    });
  }

  start(): void {
    this.bridge.start();
  }

  get workersStarted(): number {
    return this.bridge.spawned;
  }

  /** Load a fresh session; answers to anything asked before are dropped. */
  load(req: Parameters<SimApi["load"]>[0], opts?: CallOptions): ReturnType<SimApi["load"]> {
    this.bridge.supersedeAll();
    this.lastLabel = null;
    return this.bridge.call("load", [req], { key: "load", ...opts });
  }

  advance(req: Parameters<SimApi["advance"]>[0], opts?: CallOptions): ReturnType<SimApi["advance"]> {
    return this.bridge.call("advance", [req], { key: "advance", ...opts });
  }

  step(fromTrace: number, opts?: CallOptions): ReturnType<SimApi["step"]> {
    return this.bridge.call("step", [fromTrace], { key: "advance", ...opts });
  }

  seek(req: Parameters<SimApi["seek"]>[0], opts?: CallOptions): ReturnType<SimApi["seek"]> {
    this.bridge.supersedeAll();
    return this.bridge.call("seek", [req], { key: "seek", ...opts });
  }

  report(opts?: CallOptions): ReturnType<SimApi["report"]> {
    return this.bridge.call("report", [], { key: "report", ...opts });
  }

  taskHistory(index: number, opts?: CallOptions): ReturnType<SimApi["taskHistory"]> {
    return this.bridge.call("taskHistory", [index], { key: "history", ...opts });
  }

  labRun(opts?: CallOptions): ReturnType<SimApi["labRun"]> {
    return this.bridge.call("labRun", [], { key: "labRun", ...opts });
  }

  gradeRun(req: Parameters<SimApi["gradeRun"]>[0], opts?: CallOptions): ReturnType<SimApi["gradeRun"]> {
    return this.bridge.call("gradeRun", [req], { key: "grade", ...opts });
  }

  configure(inputs: Parameters<SimApi["configure"]>[0], opts?: CallOptions): ReturnType<SimApi["configure"]> {
    return this.bridge.call("configure", [inputs], { key: "configure", ...opts });
  }

  metricsText(opts?: CallOptions): ReturnType<SimApi["metricsText"]> {
    return this.bridge.call("metricsText", [], { key: "metrics", ...opts });
  }

  dispose(): void {
    this.bridge.terminate();
  }
}
