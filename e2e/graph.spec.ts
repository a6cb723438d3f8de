/** The Graph tab: design a chord with the keyboard, execute it, watch the colours; the layout bench. */
import { expect, prepare, test } from "./fixtures";
import { open, seekTo, waitPhase } from "./helpers";
import type { Page } from "@playwright/test";

const CODE = `import { Celery, sleep } from "celery";

const app = new Celery("graph", { broker: "redis" });

export const double = app.task(async function double(x: number) {
  await sleep(0.2);
  if (x === 13) throw new Error("unlucky " + x);
  return x * 2;
});

export const total = app.task(function total(values: number[]) {
  return values.reduce((a, b) => a + b, 0);
});

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  console.log("main ran", await double.delay(1).get({ timeout: 5 }));
}
`;

async function press(page: Page, name: string | RegExp, key = "Enter") {
  const b = page.getByRole("button", { name, exact: typeof name === "string" });
  await b.focus();
  await page.keyboard.press(key);
}

function chips(page: Page) {
  return page.getByRole("list", { name: "Graph nodes" }).getByRole("button");
}

async function openGraph(page: Page) {
  await page.getByRole("tab", { name: "Graph" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("radiogroup", { name: "Graph shows" })).toBeVisible();
}

test("the graph is a lazy chunk: not fetched until the Graph tab opens", async ({ page }) => {
  await open(page);
  const loaded = () => page.evaluate(() => performance.getEntriesByType("resource").some((e) => /GraphPanel/.test(e.name)));
  expect(await loaded()).toBe(false);
  await openGraph(page);
  expect(await loaded()).toBe(true);
});

test("design a chord with the keyboard, execute it, see success; then a header failure marks the body", async ({ app: page }) => {
  test.setTimeout(60_000);
  await prepare(page, { code: CODE });
  await openGraph(page);
  // The designer's column shows with the design; the run's canvas has the whole width.
  await expect(page.getByRole("region", { name: "Workflow designer" })).toBeHidden();
  await page.getByRole("radio", { name: "Design" }).click();
  const designer = page.getByRole("region", { name: "Workflow designer" });

  // Start from an empty design (the design is saved across visits).
  await page.evaluate(() => localStorage.removeItem("celery-playground/graph-design/v1"));
  while (await designer.getByRole("list", { name: "Design outline" }).isVisible()) {
    await press(page, "Clear selection").catch(() => {});
    const first = designer.getByRole("list", { name: "Design outline" }).getByRole("button").first();
    await first.focus();
    await page.keyboard.press("Enter");
    await press(page, "Delete");
  }

  // Three header tasks and the callback, all from the keyboard.
  const task = designer.getByLabel("Task to add");
  await task.focus();
  await expect(task).toHaveValue("double");
  for (const n of ["1", "2", "3"]) {
    await designer.getByLabel("Arguments").focus();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(n);
    await page.keyboard.press("Enter");
  }
  await task.focus();
  await task.selectOption("total");
  await designer.getByLabel("Arguments").focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await press(page, "Add task");

  await press(page, "Clear selection");
  for (const label of ["Select double.s(1)", "Select double.s(2)", "Select double.s(3)", "Select total.s()"]) await press(page, label, "Space");
  await press(page, "Make chord");
  await expect(designer.getByRole("list", { name: "Design outline" })).toContainText("chord · 3 in the header, then the body");

  await press(page, "Export TypeScript");
  await expect(page.getByTestId("export-text")).toHaveText("chord([double.s(1), double.s(2), double.s(3)], total.s())");
  await press(page, "Export Python");
  await expect(page.getByTestId("export-text")).toContainText("workflow = chord([double.s(1), double.s(2), double.s(3)], total.s())");

  await press(page, /^▶?\s*Execute$/);
  await waitPhase(page, "done");
  await expect(page.getByRole("log")).toContainText("workflow result: 12");
  await expect(page.getByRole("log")).not.toContainText("main ran");
  await expect(page.getByTestId("graph-canvas")).toBeVisible();
  await expect(chips(page)).toHaveCount(4);
  for (const c of await chips(page).all()) await expect(c).toHaveAttribute("data-state", "SUCCESS");
  await expect(chips(page).last()).toContainText("SUCCESS → 12");
  // The editor text is untouched.
  expect(await page.evaluate(() => window.__playground!.getCode())).toBe(CODE);

  // Seeking back replays: at 0.1 s the header runs and the body waits.
  await seekTo(page, 0.1);
  await expect(chips(page).last()).toHaveAttribute("data-state", "PENDING");
  await expect(chips(page).first()).not.toHaveAttribute("data-state", "SUCCESS");

  // Force a header failure: double(13) throws.
  await page.getByRole("radio", { name: "Design" }).click();
  await press(page, "Clear selection");
  await press(page, "Select double.s(2)", "Space");
  const form = page.getByRole("form", { name: "Options of double" });
  await form.getByLabel("args").fill("13");
  await form.getByLabel("args").press("Enter");
  await expect(designer.getByRole("list", { name: "Design outline" })).toContainText("double.s(13)");
  await press(page, /^▶?\s*Execute$/);
  await waitPhase(page, "done");
  await expect(page.getByRole("log")).toContainText("workflow failed");
  const states = await chips(page).evaluateAll((els) => els.map((e) => `${e.textContent!.split("(")[0]!.replace(/^\W+/, "").trim()}:${e.getAttribute("data-state")}`));
  expect(states).toEqual(["double:SUCCESS", "double:FAILURE", "double:SUCCESS", "total:FAILURE"]);
  await expect(chips(page).last()).toContainText("FAILURE: ChordError");

  // A node opens the task's detail: the body's chord error.
  await chips(page).last().focus();
  await page.keyboard.press("Enter");
  const detail = page.getByRole("complementary", { name: "Task detail" });
  await expect(detail).toContainText("ChordError");
  await expect(detail).toContainText("Dependency");
  await page.keyboard.press("Escape");
  await expect(detail).toBeHidden();

  if (process.env.GRAPH_SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.GRAPH_SCREENSHOTS}/graph-run.png` });
    await page.getByRole("radio", { name: "Design" }).click();
    await page.screenshot({ path: `${process.env.GRAPH_SCREENSHOTS}/graph-design.png` });
  }
});

test("the chain and chord example's canvases draw from the trace", async ({ app: page }) => {
  await prepare(page, { example: "chain-chord" });
  await page.getByRole("tab", { name: "Graph" }).click();
  await page.getByRole("radio", { name: "Run's canvas" }).click();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await waitPhase(page, "done");
  await expect(page.getByRole("combobox", { name: "Canvas" })).toBeVisible();
  await expect(chips(page)).toHaveCount(6); // newest: the chord of five fetchPage and its total
  await page.getByRole("combobox", { name: "Canvas" }).selectOption({ index: 1 });
  await expect(chips(page)).toHaveCount(3);
  await expect(chips(page).first()).toContainText("add(2, 2)");
  for (const c of await chips(page).all()) await expect(c).toHaveAttribute("data-state", "SUCCESS");
});

test("a 1,000-node canvas lays out and renders", async ({ app: page }) => {
  // Correctness only: how fast is npm run bench's business (scripts/bench/browser-graph.ts), never a test's.
  test.setTimeout(60_000);
  await prepare(page);
  await openGraph(page);
  const r = await page.evaluate(() => window.__graphBench!(1000));
  expect(r.nodes).toBeGreaterThanOrEqual(1000);
  expect(r.edges).toBeGreaterThanOrEqual(999);
});
