/**
 * Issue 21 in the page: the watchdog tells loops from work, and a run has a resource limit.
 * - main spending 3 s of real time in one loop that calls the simulator (sends tasks) is work: the
 *   run ends normally (the worker says it is alive as trace records come);
 * - a spin that never calls the simulator is still stopped after 2 s, and named;
 * - a loop that records without end stops at the limit with a message naming it, not a crash.
 */
import { test, expect, prepare } from "./fixtures";
import { button, setCode, snapshot, waitPhase } from "./helpers";

test("a loop in main that sends tasks for 3 s is work, not a hang", async ({ app: page }) => {
  test.setTimeout(90_000);
  await prepare(page);
  // About 3 s of real time inside one synchronous loop (the host's clock, not the simulation's).
  await setCode(
    page,
    `import { Celery } from "celery";
const app = new Celery("burst");
const add = app.task({ ignoreResult: true }, function add(x: number) { return x; });
const g: any = globalThis;
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  const end = g.performance.now() + 3000;
  let i = 0;
  while (g.performance.now() < end) { add.delay(i++); const t = g.performance.now() + 0.2; while (g.performance.now() < t) {} }
  console.log("sent " + (i > 1000 ? "many" : "few"));
}
`,
  );
  await button(page, "Run").click();
  await waitPhase(page, /done|stopped|error/, 80_000);
  const snap = await snapshot(page);
  expect(snap.phase, await page.getByTestId("message").textContent() ?? "").toBe("done");
  expect(snap.logs).toContain("sent many");
});

test("a spin that never calls the simulator is still stopped after 2 s", async ({ app: page }) => {
  await prepare(page);
  await setCode(page, `export default async function main() { while (true) {} }\n`);
  await button(page, "Run").click();
  await expect(page.getByTestId("message")).toHaveText("Stopped: main did not yield for 2 s (infinite loop?)", { timeout: 15_000 });
});

test("a run past the trace limit stops with a message that names the limit", async ({ page }) => {
  test.setTimeout(60_000);
  // The page may lower its limit (never raise it): 50,000 events keeps this test short.
  await page.goto("./?speed=max&maxTraceEvents=50000");
  await expect(page.locator(".cm-content")).toBeVisible();
  // A loop that records forever (each log is a trace event) and swallows every error.
  await setCode(page, `export default async function main() { for (;;) { try { console.log("x"); } catch {} } }\n`);
  await button(page, "Run").click();
  await waitPhase(page, /stopped|error/, 30_000);
  await expect(page.getByTestId("message")).toContainText("resource limit: the run recorded more than 50,000 trace events");
  // A run that ends by itself past the limit: stopped at the limit, as an error of the run.
  await setCode(
    page,
    `import { Celery } from "celery";
const app = new Celery("big");
const add = app.task({ ignoreResult: true }, function add(x: number) { return x; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < 40000; i++) add.delay(i);
}
`,
  );
  await button(page, "Run").click();
  await waitPhase(page, /stopped|error/, 30_000);
  await expect(page.getByTestId("message")).toContainText("more than 50,000 trace events");
});
