/** The worker-thread side: run one compiled scenario and post the report back. */
import type { MessagePort } from "node:worker_threads";
import { createSession } from "../sim/engine/session";
import { plain } from "../sim/engine/report";

export interface ScenarioJob {
  role: "scenario";
  code: string;
  seed: number;
  untilS?: number;
  /** The file's name as the learner gave it (in tracebacks). */
  file?: string;
  events: boolean;
  /** Send the whole trace back too (lab checks read it). */
  trace?: boolean;
  /** [0] progress counter, [1] label length; bytes after 8 hold the current label (UTF-8). */
  shared: SharedArrayBuffer;
}

export async function workerMain(job: ScenarioJob, port: MessagePort): Promise<void> {
  const counter = new Int32Array(job.shared, 0, 2);
  const labelBytes = new Uint8Array(job.shared, 8);
  const enc = new TextEncoder();
  const host = {
    yieldMacrotask: () => {
      Atomics.add(counter, 0, 1);
      return new Promise<void>((r) => setImmediate(r));
    },
    onEnter: (label: string) => {
      const b = enc.encode(label).slice(0, labelBytes.length);
      labelBytes.set(b);
      Atomics.store(counter, 1, b.length);
    },
  };
  process.on("unhandledRejection", () => {
    /* a learner's stray rejected promise must not take the run down */
  });
  try {
    const session = await createSession(job.code, { seed: job.seed, untilS: job.untilS, file: job.file, host });
    await session.advance({ shouldYield: () => (Atomics.add(counter, 0, 1), false) });
    const trace = job.trace ? session.sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) })) : undefined;
    port.postMessage({ ok: true, report: session.report({ events: job.events }), trace });
  } catch (e) {
    port.postMessage({ ok: false, message: String((e as Error)?.stack ?? e) });
  }
}
