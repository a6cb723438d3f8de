/**
 * What `run` asks the sandbox for (issue 21): the --json report streamed out in pieces, the same
 * text the whole report gives, and the summary's data only (a fixed number of task views, however
 * many tasks ran).
 */
import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { readdirSync, readFileSync } from "node:fs";
import { compile } from "../sim/testing/harness";
import { runSandboxed } from "./sandbox/host";

const scenario = (n: number) => `
import { Celery } from "celery";
const app = new Celery("x", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { if (x === 3) throw new Error("three"); return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < ${n}; i++) add.delay(i, i);
  for (let i = 0; i < 60; i++) console.log("line", i);
}`;

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** A consumer slower than the child (a terminal, a pipe into jq): the child must wait for it. */
class Slow extends Collect {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    setTimeout(done, 2);
  }
}

/** The highest peak RSS (VmHWM, MB) among this process's children while `run` runs (Linux /proc). */
async function childPeakMb<T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakKb = 0;
  const look = () => {
    for (const task of readdirSync("/proc/self/task")) {
      for (const pid of readFileSync(`/proc/self/task/${task}/children`, "utf8").split(" ").filter(Boolean)) {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        } catch {
          // it ended between the two reads
        }
      }
    }
  };
  const timer = setInterval(look, 20);
  try {
    const result = await run();
    return { result, peakMb: peakKb / 1024 };
  } finally {
    clearInterval(timer);
  }
}

async function job(n: number) {
  return { code: await compile(scenario(n)), seed: 3, events: true };
}

describe("run's output from the sandbox", () => {
  it("--json: the report streams to the output in pieces, the same text as the whole report", async () => {
    const j = await job(3000);
    const whole = await runSandboxed(j, { hangTimeoutS: 30 });
    const out = new Collect();
    const streamed = await runSandboxed({ ...j, output: "stream" }, { hangTimeoutS: 30, reportOut: out });
    expect(whole.kind).toBe("report");
    expect(streamed).toEqual({ kind: "streamed", failed: false, endMessage: whole.kind === "report" ? whole.report.endMessage : "" });
    expect(out.text()).toBe(JSON.stringify(whole.kind === "report" ? whole.report : null));
  }, 60_000);

  it("--json to a slow reader: the child's memory does not grow with the report (it waits for the reader)", async () => {
    const j = await job(40_000);
    const summary = await childPeakMb(() => runSandboxed({ ...j, output: "summary" }, { hangTimeoutS: 60 }));
    const out = new Slow();
    const streamed = await childPeakMb(() => runSandboxed({ ...j, output: "stream" }, { hangTimeoutS: 60, reportOut: out }));
    expect(streamed.result.kind).toBe("streamed");
    const reportMb = out.bytes / 2 ** 20;
    expect(reportMb).toBeGreaterThan(40);
    // Measured (40k tasks, a 48 MB report): +23 MB over the summary's peak when the child waits for
    // the reader, +143 MB when it wrote every piece at once into the pipe's queue.
    expect(streamed.peakMb - summary.peakMb).toBeLessThan(reportMb * 0.75);
  }, 120_000);

  it("a scenario whose main() throws: the stream says it failed", async () => {
    const code = await compile(`export default async function main() { throw new Error("boom"); }`);
    const out = new Collect();
    const r = await runSandboxed({ code, seed: 1, events: true, output: "stream" }, { hangTimeoutS: 30, reportOut: out });
    expect(r).toMatchObject({ kind: "streamed", failed: true });
    expect(JSON.parse(out.text()).error.message).toBe("boom");
  }, 60_000);

  it("summary: the same 30 tasks and 50 log lines for 300 tasks as for 3,000", async () => {
    const sizes: number[] = [];
    for (const n of [300, 3000]) {
      const r = await runSandboxed({ ...(await job(n)), events: false, output: "summary" }, { hangTimeoutS: 30 });
      if (r.kind !== "summary") throw new Error(`no summary: ${JSON.stringify(r).slice(0, 300)}`);
      expect(r.summary).toMatchObject({ taskCount: n, logCount: 60 });
      expect(r.summary.tasks).toHaveLength(30);
      expect(r.summary.logs).toHaveLength(50);
      expect(r.summary.stats).toMatchObject({ sent: n, failed: 1, succeeded: n - 1 });
      sizes.push(JSON.stringify(r.summary).length);
    }
    // What crosses from the sandbox does not grow with the run (a digit more in a count).
    expect(Math.abs(sizes[1]! - sizes[0]!)).toBeLessThan(20);
  }, 60_000);
});
