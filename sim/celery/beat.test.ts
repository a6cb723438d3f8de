/**
 * Celery beat (celery/beat.py, 5.2.6): interval entries first run one interval after beat starts;
 * crontab entries at their next matching minute; two beats both send (duplicates); a restarted beat
 * runs an entry that missed runs while it was down once, not once per missed run.
 */
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { crontab } from "./beat";

const scenario = (schedule: string, body: string) => `import { Celery, sleep, crontab } from "celery";
const app = new Celery("beat", { broker: "redis" });
export const ping = app.task(function ping(who: string) { return "pong " + who; });
app.conf.update({ beatSchedule: ${schedule} });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
${body}
}`;

const sentAt = (r: Awaited<ReturnType<typeof run>>) => r.tasks("ping").map((t) => t.sentAt);

describe("beat", () => {
  it("an interval entry runs every interval from beat's start (not at start), with its args", async () => {
    const r = await run(scenario(`{ "ping-every-10s": { task: "ping", schedule: 10, args: ["beat"] } }`, `  app.beat();
  await sleep(35);`));
    expect(sentAt(r)).toEqual([10, 20, 30]);
    expect(r.tasks("ping").map((t) => t.result)).toEqual(["pong beat", "pong beat", "pong beat"]);
    expect(r.report.logs.filter((l) => l.includes("Scheduler: Sending due task ping-every-10s (ping)")).length).toBe(3);
  });

  it("two beats send every entry twice: duplicates", async () => {
    const r = await run(scenario(`{ p: { task: "ping", schedule: 10, args: ["x"] } }`, `  app.beat();
  app.beat();
  await sleep(25);`));
    expect(sentAt(r)).toEqual([10, 10, 20, 20]);
  });

  it("runs missed while beat was down: once at restart, then the interval from there", async () => {
    const r = await run(scenario(`{ p: { task: "ping", schedule: 10, args: ["x"] } }`, `  const b = app.beat();
  await sleep(12);
  b.stop();
  await sleep(33);
  b.restart();
  await sleep(16);`));
    expect(sentAt(r)).toEqual([10, 45, 55]);
  });

  it("a killed beat forgets what it sent since its last write (first send, then every 180 s): restarted, it sends again at once", async () => {
    const body = (how: string) => `  const b = app.beat();
  await sleep(35);
  b.${how}();
  await sleep(1);
  b.start();
  await sleep(10);`;
    const killed = await run(scenario(`{ p: { task: "ping", schedule: 10, args: ["x"] } }`, body("kill")));
    // Written at the first send (t=10) only: at 36 the file says last run 10, so due since 20.
    expect(sentAt(killed)).toEqual([10, 20, 30, 36, 46]);
    const stopped = await run(scenario(`{ p: { task: "ping", schedule: 10, args: ["x"] } }`, body("stop")));
    expect(sentAt(stopped)).toEqual([10, 20, 30, 40]);
  });

  it("a crontab entry runs at its matching minutes", async () => {
    const r = await run(scenario(`{ p: { task: "ping", schedule: crontab({ minute: "*/2" }), args: ["cron"] } }`, `  app.beat();
  await sleep(300);`));
    expect(sentAt(r)).toEqual([120, 240]);
  });

  it("crontab fields: lists, ranges, steps, day of week (time 0 is Thursday 1970-01-01 UTC); a bad field raises", () => {
    expect(crontab({ minute: 30, hour: 9, dayOfWeek: 1 }).nextAfter(0)).toBe(4 * 86400 + 9 * 3600 + 30 * 60);
    expect(crontab({ minute: "0,30", hour: "9-17" }).nextAfter(9 * 3600)).toBe(9 * 3600 + 30 * 60);
    expect(crontab({ minute: "*/15" }).nextAfter(14 * 60)).toBe(15 * 60);
    expect(crontab().nextAfter(59.5)).toBe(60);
    expect(() => crontab({ minute: "61" })).toThrow(/crontab minute: invalid field/);
  });
});
