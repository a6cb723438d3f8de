/** The Experiments panel: run the built-in acks_late experiment on the page's workers, read the table, export CSV, diff. */
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";

test("run the acks-late experiment, see lost versus duplicated, export CSV, diff the two settings", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("./?speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  await page.getByRole("button", { name: "Experiments", exact: true }).click();
  const panel = page.getByRole("region", { name: "Experiments" });
  await expect(panel.getByLabel("Experiment", { exact: true })).toHaveValue("acks-late");
  await expect(panel.getByLabel("Parameters")).toHaveValue("conf.taskAcksLate = false, true");
  await panel.getByLabel("Seeds").fill("1-3");
  await panel.getByLabel("Parallel workers").fill("2");

  await panel.getByRole("button", { name: "Run experiment" }).click();
  await expect(panel.getByTestId("exp-progress")).toHaveText(/6\/6 runs · 100%/, { timeout: 60_000 });
  await expect(panel.getByTestId("exp-status")).toContainText("6 runs on 2 workers");

  const table = panel.getByRole("table", { name: "Experiment results" });
  const head = table.locator("thead th");
  await expect(head).toHaveText(["acksLate", "runs", "lost", "duplicated", "succeeded", "makespan (s)", "wait_p95 (s)"]);
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  // acksLate false: tasks lost, none duplicated; true: none lost, some run twice.
  const cells = async (r: number) => (await rows.nth(r).locator("td").allTextContents()).map((s) => s.trim());
  const early = await cells(0);
  const late = await cells(1);
  expect(early.slice(0, 2)).toEqual(["false", "3"]);
  expect(parseFloat(early[2]!)).toBeGreaterThan(0);
  expect(early[3]).toBe("0");
  expect(late.slice(0, 3)).toEqual(["true", "3", "0"]);
  expect(parseFloat(late[3]!)).toBeGreaterThan(0);
  expect(late[4]).toBe("24");
  // A plot per figure, drawn by uPlot.
  await expect(panel.getByTestId("plot-lost").locator("canvas")).toHaveCount(1);

  // Export CSV: the download's content is the summary with spread across seeds.
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("acks-late-under-worker-kills.csv");
  const csv = readFileSync((await download.path())!, "utf8").trim().split("\n");
  expect(csv[0]!.startsWith("conf.taskAcksLate,runs,errors,lost_mean,lost_sd,lost_min,lost_max,duplicated_mean")).toBe(true);
  expect(csv).toHaveLength(3);
  const [f, t] = [csv[1]!.split(","), csv[2]!.split(",")];
  expect(f.slice(0, 3)).toEqual(["false", "3", "0"]);
  expect(Number(f[3])).toBe(parseFloat(early[2]!));
  expect(Number(f[7])).toBe(0); // duplicated_mean
  expect(t[3]).toBe("0"); // lost_mean
  expect(Number(t[7])).toBeGreaterThan(0);

  // Counterfactual: the same seed with acksLate false (A) and true (B).
  await panel.getByLabel("Diff A").selectOption({ label: "conf.taskAcksLate=false" });
  await panel.getByLabel("Diff B").selectOption({ label: "conf.taskAcksLate=true" });
  await panel.getByRole("button", { name: "Compare" }).click();
  const diff = panel.getByTestId("diff");
  await expect(diff.getByTestId("divergence")).toContainText(/At trace event #\d+/, { timeout: 30_000 });
  await expect(diff.locator(".ev.a")).toContainText("message-acked");
  await expect(diff.getByRole("table", { name: "Tasks that differ" })).toContainText("executions");
});
