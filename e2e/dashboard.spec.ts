/**
 * The monitoring dashboard end to end: a flaky payment service fails every call from t=10 s to 25 s;
 * an alert rule written in the panel fires during the outage and resolves after it; "Retry all
 * failed" sends the failed tasks again and, the outage being over, they succeed. The same seed and
 * the same command list replay to the same run.
 */
import { expect, test, type Page } from "@playwright/test";
import { open, runToEnd, seekTo, setCode, snapshot, waitPhase } from "./helpers";

const FLAKY = `import { Celery, sleep, service } from "celery";

const app = new Celery("shop", { broker: "redis" });
// Every call fails while the payment API is down, from t=10 s to t=25 s.
const payments = service("payments", { latency: 0.05, outages: [{ fromS: 10, toS: 25 }] });

export const charge = app.task(async function charge(order: number) {
  await sleep(0.1 + Math.random() * 0.2);
  await payments.call();
  return \`order \${order} paid\`;
});

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  app.worker({ hostname: "w2", concurrency: 2 });
  for (let i = 0; i < 160; i++) {
    charge.delay(i);
    await sleep(0.25);
  }
}
`;

async function dashboardTab(page: Page) {
  await page.getByRole("tab", { name: "Dashboard" }).click();
  await expect(page.getByTestId("dashboard")).toBeVisible();
}

// A page of its own: alert rules and commands are part of the run, and must not leak into other specs.
test("an alert fires on the failure rate, bulk retry makes the failed tasks succeed, and a replay repeats it", async ({ page }) => {
  test.setTimeout(120_000);
  await open(page);
  await setCode(page, FLAKY);
  await page.getByLabel("Seed").fill("5");
  await page.getByLabel("Seed").press("Tab");
  await dashboardTab(page);

  // The form starts with a failure-rate rule: > 10 % over 10 s, for 5 s, cooldown 60 s.
  await expect(page.getByLabel("Rule expression")).toHaveValue(/flower_events_total\{type="task-failed"\}/);
  await page.getByLabel("Rule expression").fill("sum(rate(flower_events_total{type=\"task-failed\"}[10s])) / sum(rate(flower_events_total{type=~\"task-succeeded|task-failed\"}[10s");
  await expect(page.getByRole("alert").filter({ hasText: /expected/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add rule" })).toBeDisabled();
  await page.getByLabel("Rule expression").fill("sum(rate(flower_events_total{type=\"task-failed\"}[10s])) / sum(rate(flower_events_total{type=~\"task-succeeded|task-failed\"}[10s]))");
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByRole("list", { name: "Rules" })).toContainText("HighFailureRate");

  const straight = await runToEnd(page, 30_000);
  expect(straight.stateCounts.FAILURE).toBeGreaterThan(20);
  expect(straight.stateCounts.SUCCESS).toBe(160 - straight.stateCounts.FAILURE!);

  // Fired during the outage, with its reason; resolved once it was over.
  const history = page.getByTestId("alert-history");
  await expect(history.locator("li.ah-firing")).toHaveCount(1);
  const firing = await history.locator("li.ah-firing").innerText();
  const firedAt = Number(/^([\d.]+)/.exec(firing)![1]);
  expect(firedAt).toBeGreaterThan(10);
  expect(firedAt).toBeLessThan(25);
  expect(firing).toMatch(/HighFailureRate firing .* > 0\.1 for 5 s/);
  await expect(history.locator("li.ah-resolved")).toHaveCount(1);
  await expect(page.getByTestId("rule-state-HighFailureRate")).toHaveText("resolved");

  // The charts drew.
  await expect(page.getByTestId("chart-throughput").locator("canvas")).toBeVisible();

  // Bulk retry, at the end of the run (the outage is long over): each failed task is sent again and succeeds.
  const failed = straight.stateCounts.FAILURE!;
  await expect(page.getByTestId("retry-all-failed")).toHaveText(`Retry all failed (${failed})`);
  await page.getByTestId("retry-all-failed").click();
  await expect(page.getByTestId("commands")).toContainText("retry all failed charge");
  await waitPhase(page, "done", 30_000);
  await expect.poll(async () => (await snapshot(page)).stateCounts.SUCCESS).toBe(160);
  const after = await snapshot(page);
  expect(after.tasks).toBe(160 + failed);
  expect(after.stateCounts.FAILURE).toBe(failed);
  await expect(page.getByTestId("commands")).toContainText("✓ applied");
  await expect(page.getByTestId("kpi-SUCCESS")).toHaveText(String(160));

  // Same seed + same commands = the same run: scrub back, then play to the end again.
  await seekTo(page, 12);
  expect((await snapshot(page)).stateCounts.SUCCESS ?? 0).toBeLessThan(160);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await waitPhase(page, "done", 30_000);
  const replay = await snapshot(page);
  expect(replay.traceHash).toBe(after.traceHash);

  // /metrics at the playhead, with Flower's names.
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("metrics-text")).toContainText('flower_events_total{worker="w1",type="task-failed",task="charge"}');

  // Workers explained.
  await expect(page.getByTestId("worker-status-w1")).toHaveText(/online|busy/);
  if (process.env.DASHBOARD_SCREENSHOT) {
    await page.getByRole("button", { name: "Hide" }).click();
    await page.getByTestId("dashboard").evaluate((el) => el.scrollTo(0, 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT });
  }
});

test("the dashboard says when workers send no task events, and how to turn them on", async ({ page }) => {
  test.setTimeout(60_000);
  const scenario = (setup: string) => `import { Celery, sleep } from "celery";
const app = new Celery("ev", { broker: "redis" });
${setup}
export const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 1 });
  await add.delay(1, 2).get();
}
`;
  await open(page);
  await setCode(page, scenario(""));
  await dashboardTab(page);
  await runToEnd(page, 30_000);
  const notice = page.getByTestId("events-off");
  await expect(notice).toContainText("No worker sends task events");
  await expect(notice).toContainText("workerSendTaskEvents: true");
  if (process.env.EVENTS_NOTICE_SCREENSHOT) await page.screenshot({ path: process.env.EVENTS_NOTICE_SCREENSHOT });
  await setCode(page, scenario("app.conf.update({ workerSendTaskEvents: true });"));
  await runToEnd(page, 30_000);
  await expect(notice).toHaveCount(0);
});
