/**
 * A goal that fails because the learner's code stopped says so: the run's own ending (main threw,
 * or main was still waiting when the run was cut) follows the goal's message, in `check` and in the
 * page alike (both grade through runChecks).
 */
import { describe, expect, it } from "vitest";
import { defineChecks } from "./define";
import { checkLabSource } from "../testing/labs";

const suite = defineChecks({
  seed: 1,
  otherSeeds: [],
  untilS: 30,
  checks: [
    { id: "returned", title: "main returns 4", explain: "", run: (r) => (r.report.returned === 4 ? true : `main returned ${JSON.stringify(r.report.returned)}, expected 4`) },
    { id: "ran", title: "add ran", explain: "", run: (r) => (r.tasksNamed("add").length > 0 ? true : "add never ran") },
  ],
});

const scenario = (body: string) => `
import { Celery } from "celery";
const app = new Celery("cut", { broker: "redis" });
export const add = app.task({ name: "add" }, function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1" });
  ${body}
}`;

describe("a failed goal names why the run stopped short", () => {
  it("main threw: the error, its type and where", async () => {
    const out = await checkLabSource(scenario(`const o: { o?: unknown } = {}; o.o = o; add.delay(2, 2); JSON.stringify(o); return 4;`), suite, "threw.ts");
    const failed = out.results.filter((c) => !c.passed);
    expect(failed.map((c) => c.id)).toEqual(["returned"]);
    expect(failed[0]!.detail).toMatch(/^main returned null, expected 4 \(the run ended early: main\(\) threw \([\w.]+\.ts:7:\d+\): TypeError: Converting circular structure to JSON\)$/);
  });

  it("main still waiting at the cut: on what", async () => {
    const out = await checkLabSource(scenario(`return (await add.applyAsync([2, 2], { queue: "nobody" }).get()) as number;`), suite, "waits.ts");
    const failed = out.results.find((c) => c.id === "returned")!;
    expect(failed.detail).toMatch(/\(the run was cut: stopped at until = 30 s; main\(\) was still waiting on the result of add\[[0-9a-f-]+\] \(PENDING\)\)$/);
  });

  it("a run that ended normally adds nothing", async () => {
    const out = await checkLabSource(scenario(`add.delay(1, 1); return 5;`), suite, "normal.ts");
    expect(out.results.find((c) => c.id === "returned")!.detail).toBe("main returned 5, expected 4");
  });
});
