/**
 * How many tasks a monitor shows in each state (a frame's `stateCounts`), kept up to date from the
 * trace instead of counted over every task for every frame: a 100k-task run in the page asks for
 * ~800 frames, and recounting made up 40 % of the worker's time.
 *
 * A task's `eventState` changes only together with a trace event about it (the event may come just
 * before the change, in the same synchronous step), so the tasks to look at again are those named
 * by the events since the last call, plus the new tasks. Eager tasks (apply()) have no events: they
 * are looked at on every call.
 */
import type { TaskRecord } from "../celery/records";
import type { Trace } from "../kernel/trace";

export class StateCounts {
  /** By task index: the state it is counted under. */
  private counted: string[] = [];
  private traceScanned = 0;
  private counts = new Map<string, number>();
  private eager: number[] = [];

  /** The counts now (states with no task left out), as a fresh object. */
  update(tasks: readonly TaskRecord[], trace: Trace): Record<string, number> {
    // Events first: a task they name that is new is counted below, from its record.
    for (let i = this.traceScanned; i < trace.length; i++) {
      const t = trace.taskAt(i);
      if (t >= 0 && t < this.counted.length) this.recount(tasks[t]!);
    }
    this.traceScanned = trace.length;
    for (const t of this.eager) this.recount(tasks[t]!);
    for (let t = this.counted.length; t < tasks.length; t++) {
      const rec = tasks[t]!;
      this.counted.push(rec.eventState);
      this.add(rec.eventState, 1);
      if (rec.eager) this.eager.push(t);
    }
    const out: Record<string, number> = {};
    for (const [state, n] of this.counts) if (n > 0) out[state] = n;
    return out;
  }

  private recount(rec: TaskRecord): void {
    const was = this.counted[rec.index]!;
    if (was === rec.eventState) return;
    this.add(was, -1);
    this.add(rec.eventState, 1);
    this.counted[rec.index] = rec.eventState;
  }

  private add(state: string, n: number): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + n);
  }
}
