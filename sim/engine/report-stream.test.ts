/**
 * The streamed report is the whole report's exact text, made a batch at a time; the summary builds
 * a fixed number of task views whatever the run's size (issue 21).
 */
import { describe, expect, it, vi } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import { createSession } from "./session";
import { REPORT_BATCH, reportPieces, reportSummary, SUMMARY_TASKS, summaryOf } from "./report-stream";

// Every task view built in this file is counted (session.report and the stream use the same one).
const views = vi.hoisted(() => ({ built: 0 }));
vi.mock("./report", async (importOriginal) => {
  const m = await importOriginal<typeof import("./report")>();
  return { ...m, taskView: (...a: Parameters<typeof m.taskView>) => (views.built++, m.taskView(...a)) };
});

const scenario = (n: number) => `
import { Celery, sleep } from "celery";
const app = new Celery("x", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { if (x % 7 === 3) throw new Error("seven " + x); return { sum: x + y, nan: NaN, u: undefined }; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 3 });
  for (let i = 0; i < ${n}; i++) { add.delay(i, i); if (i % 5 === 0) console.log("sent", i); }
  await sleep(60);
  return { sent: ${n}, note: "done \\u2028" };
}`;

async function session(n: number) {
  const s = await createSession(await compile(scenario(n)), { seed: 5, host: nodeHost });
  await s.advance();
  expect(s.done).toBe(true);
  return s;
}

describe("reportPieces", () => {
  it("joined, is JSON.stringify of the report, with and without events, for any batch size", async () => {
    const s = await session(23);
    for (const events of [true, false]) {
      const whole = JSON.stringify(s.report({ events }));
      for (const batch of [1, 4, 7, 23, 100]) {
        const pieces = [...reportPieces(s, { events }, batch)];
        expect(pieces.join("")).toBe(whole);
        expect(pieces.every((p) => p.length > 0)).toBe(true);
      }
    }
  });

  it("builds at most one batch of task views per piece", async () => {
    const s = await session(50);
    views.built = 0;
    let most = 0;
    for (const _ of reportPieces(s, { events: false }, 8)) {
      most = Math.max(most, views.built);
      views.built = 0;
    }
    expect(most).toBe(8);
  });

  it("a 400-task report comes in pieces of the same bound as a 40-task one", async () => {
    const longest = async (n: number) => Math.max(...[...reportPieces(await session(n), {}, 10)].map((p) => p.length));
    const small = await longest(40);
    const big = await longest(400);
    // Task ids and numbers grow by a digit or two; the pieces do not grow with the task count.
    expect(big).toBeLessThan(small * 1.2);
    expect(REPORT_BATCH).toBeGreaterThan(0);
  });
});

describe("reportSummary", () => {
  it("is the whole report's summary", async () => {
    const s = await session(40);
    expect(reportSummary(s)).toEqual(summaryOf(s.report()));
    expect(reportSummary(s).tasks).toHaveLength(SUMMARY_TASKS);
    expect(reportSummary(s).taskCount).toBe(40);
  });

  it("builds the same number of task views for 100 tasks as for 1,000", async () => {
    const built = async (n: number) => {
      const s = await session(n);
      views.built = 0;
      reportSummary(s);
      return views.built;
    };
    expect(await built(100)).toBe(SUMMARY_TASKS);
    expect(await built(1000)).toBe(SUMMARY_TASKS);
  });
});
