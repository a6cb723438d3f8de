/**
 * Result backends as Celery 5.2.6 has them (issue 18): redis:// a shared store, rpc:// results back
 * to the sender alone (celery/backends/rpc.py), no backend (DisabledBackend raises on every read),
 * result_expires, and a warning for a setting the simulator does not know.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { backendKind, canRead } from "./backend-kind";
import { levenshtein, nearestName } from "./settings-check";

const scenario = (backend: string, body: string) => `import { Celery, sleep, TimeoutError } from "celery";
const app = new Celery("res", { broker: "redis"${backend} });
const other = new Celery("other", { broker: "redis"${backend} });
export const add = app.task(function add(x: number, y: number) { return x + y; });
export const peek = app.task(function peek(id: string) { return app.AsyncResult(id).state; });
export const tsum = app.task(function tsum(xs: number[]) { return xs.reduce((a, b) => a + b, 0); });
${body}`;

/** Send add(2, 2); read it from the sender, from another app (another client) and from inside a task. */
const READERS = `export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  const r = add.delay(2, 2);
  const mine = await r.get({ timeout: 5 });
  let otherGet: unknown;
  try { otherGet = await other.AsyncResult(r.id).get({ timeout: 2 }); } catch (e) { otherGet = (e as Error).name; }
  const inTask = await peek.delay(r.id).get({ timeout: 5 });
  return { mine, senderState: app.AsyncResult(r.id).state, otherState: other.AsyncResult(r.id).state, otherGet, inTask };
}`;

describe("result backends", () => {
  it("redis:// (the default): any app, in any process, reads any result by id", async () => {
    for (const backend of ["", `, backend: "redis://localhost:6379/1"`]) {
      const r = await run(scenario(backend, READERS));
      expect(r.report.returned).toEqual({ mine: 4, senderState: "SUCCESS", otherState: "SUCCESS", otherGet: 4, inTask: "SUCCESS" });
    }
  });

  it("rpc://: only the app that sent the task reads it; another app and a task reading it by id see PENDING and wait forever", async () => {
    const r = await run(scenario(`, backend: "rpc://"`, READERS));
    expect(r.report.returned).toEqual({ mine: 4, senderState: "SUCCESS", otherState: "PENDING", otherGet: "TimeoutError", inTask: "PENDING" });
    // The simulator's own views still see what happened.
    expect(r.tasks("add")[0].state).toBe("SUCCESS");
  });

  it("no backend (null): get() and .state raise NotImplementedError with Celery's E_NO_BACKEND; the task still runs", async () => {
    const r = await run(`import { Celery, sleep } from "celery";
const app = new Celery("res", { broker: "redis", backend: null });
export const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  const res = add.delay(2, 2);
  await sleep(1);
  let got = "", state = "";
  try { await res.get({ timeout: 5 }); } catch (e) { got = (e as Error).name + ": " + (e as Error).message; }
  try { state = res.state; } catch (e) { state = (e as Error).name; }
  return { got, state };
}`);
    expect(r.report.returned).toEqual({ got: "NotImplementedError: No result backend is configured.\nPlease see the documentation for more information.", state: "NotImplementedError" });
    expect(r.events(r.task("add").id)).toContain("task-succeeded");
  });

  it("a chord needs a backend that supports it: rpc and none refuse at applyAsync (ensure_chords_allowed), nothing sent", async () => {
    for (const [backend, first] of [[`, backend: "rpc://"`, `The "rpc" result backend does not support chords!`], [`, backend: null`, "Starting chords requires a result backend to be configured."]] as const) {
      const r = await run(scenario(backend, `import { chord } from "celery";
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  try { chord([add.s(1, 1), add.s(2, 2)], tsum.s()).applyAsync(); return "applied"; } catch (e) { return (e as Error).name + ": " + (e as Error).message.split("\\n")[0]; }
}`));
      expect(r.report.returned).toBe(`NotImplementedError: ${first}`);
      expect(r.report.tasks).toEqual([]);
    }
  });

  it("resultExpires: a stored result reads PENDING once expired (Redis SETEX), and get() then waits", async () => {
    const r = await run(scenario("", `export default async function main() {
  app.conf.update({ resultExpires: 10 });
  app.worker({ hostname: "w1", concurrency: 1 });
  const res = add.delay(2, 2);
  await res.get();
  await sleep(9.5);
  const before = res.state;
  await sleep(1);
  const after = res.state;
  let late: unknown;
  try { late = await res.get({ timeout: 3 }); } catch (e) { late = (e as Error).name; }
  return { before, after, late };
}`));
    expect(r.report.returned).toEqual({ before: "SUCCESS", after: "PENDING", late: "TimeoutError" });
  });

  it("backend URLs: redis/rediss/rpc/null are modelled; another Celery backend is refused by name; a typo is Celery's Unknown result backend", () => {
    expect(["redis://", "rediss://h:6380/0", "rpc://", null, "disabled://"].map(backendKind)).toEqual(["redis", "redis", "rpc", "disabled", "disabled"]);
    expect(() => backendKind("db+sqlite:///results.db")).toThrow(/the db result backend .* is not modelled by the simulator/);
    expect(() => backendKind("reddis://")).toThrow("Unknown result backend: 'reddis'.  Did you spell that correctly?");
    const a = { _oid: 1, _backendKind: "rpc" as const, _resultExpiresS: null };
    expect([canRead(a, a), canRead({ ...a, _oid: 2 }, a), canRead({ ...a, _backendKind: "redis" }, a)]).toEqual([true, false, false]);
  });
});

describe("unknown settings", () => {
  it("Levenshtein distance and the nearest known name", () => {
    expect([levenshtein("kitten", "sitting"), levenshtein("", "abc"), levenshtein("taskAckLate", "taskacksLate")]).toEqual([3, 3, 1]);
    expect(nearestName("taskAckLate", ["taskTrackStarted", "taskAcksLate", "taskTimeLimit"])).toBe("taskAcksLate");
  });

  it("conf.update and the Celery options warn, naming the nearest setting; known ones are silent; options are settings", async () => {
    const r = await run(`import { Celery } from "celery";
const app = new Celery("res", { broker: "redis", backnd: "rpc://", taskAcksLate: true });
app.conf.update({ taskAckLate: true, workerPrefetchMultiplier: 1, result_expires: 60 });
export default async function main() { return app.conf.taskAcksLate; }`);
    const warns = r.report.logs.filter((l) => l.includes("unknown setting"));
    expect(warns).toEqual([
      expect.stringContaining("unknown setting backnd in Celery options is ignored: did you mean backend"),
      expect.stringContaining("unknown setting taskAckLate in conf.update is ignored: did you mean taskAcksLate (Celery's task_acks_late)?"),
      expect.stringContaining("unknown setting result_expires in conf.update is ignored: settings are camelCase here, use resultExpires"),
    ]);
    expect(r.report.returned).toBe(true);
  });
});
