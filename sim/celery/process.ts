/**
 * One simulated operating-system process's copy of the scenario module (issue 17). In Celery the
 * client, each worker's main process and each prefork pool child are separate processes: each
 * imports the module, so a module-level variable lives in one process only. The session evaluates
 * the compiled module once per process; what that evaluation creates (its apps and their tasks) is
 * the process's image. The apps of every image share the one simulated world: broker, backend,
 * Redis, services, the canvas's chord state (kept by the backend in Celery) and the event stream.
 */
import type { AppCore } from "./ports";
import type { Task } from "./task";

export class ProcessImage {
  constructor(
    /** What the process is, for logs: "celery@w1 pool child 1004". */
    readonly label: string,
    /** The apps this evaluation of the module created, in construction order. */
    readonly apps: readonly AppCore[],
  ) {}

  /** The task as this process registered it: on the app built in the same order, else any of its apps. */
  task(name: string, appIndex: number): Task | undefined {
    const own = this.apps[appIndex]?._registry.get(name);
    if (own) return own;
    for (const a of this.apps) {
      const t = a._registry.get(name);
      if (t) return t;
    }
    return undefined;
  }
}

/** Evaluates the scenario module afresh for one process (the session provides it). */
export type ProcessLoader = (label: string) => ProcessImage;
