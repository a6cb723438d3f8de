/**
 * Issue 22, the page half of the Python front, in Chromium: the language choice in the playground,
 * Pyodide fetched only once Python is chosen and booted in the sandboxed worker ("Loading Python…"
 * while it boots, the watchdog quiet), a Python run's tasks, Python errors at their line and column
 * in the editor, the choice and the code kept across a reload, share links with the language, and
 * Python offline once it ran (the service worker stores Pyodide's files on first use).
 */
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import lz from "lz-string";
import { run } from "../sim/testing/harness";
import { button, open, snapshot, swInstalled, waitPhase } from "./helpers";

/**
 * The sandbox's default example (the retry explorer) in TypeScript: its Python twin
 * (src/examples/retry-explorer.py.scenario) is what the example starts from in Python.
 */
const STARTER_TS = readFileSync(new URL("../src/examples/retry-explorer.scenario", import.meta.url), "utf8");
const STARTER_TASKS = 5;

/** A report's final states, counted as the page's state counts are. */
async function twinCounts(seed: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of (await run(STARTER_TS, { seed })).report.tasks) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return counts;
}

/** A share link's hash, in its wire form (src/lib/share.ts): `l: "py"` for Python, nothing for TypeScript. */
const link = (wire: Record<string, unknown>) => "#s=" + lz.compressToEncodedURIComponent(JSON.stringify({ v: 1, ...wire }));

/** Pyodide's boot took 7-13 s in the sandboxed worker on this loaded machine; the run is short. */
const PYTHON_RUN_MS = 240_000;

function pyodideRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/pyodide/")) seen.push(r.url().slice(r.url().indexOf("/pyodide/") + 1));
  });
  return seen;
}

async function choosePython(page: Page): Promise<void> {
  await page.getByTestId("language").selectOption("python");
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.py");
  await expect(page.locator(".cm-content")).toContainText("from celery import Celery");
}

async function runPython(page: Page, want: "done" | "error"): Promise<void> {
  await page.getByLabel("Speed").selectOption("max");
  await button(page, "Run").click();
  await waitPhase(page, want, PYTHON_RUN_MS);
}

test("Python in the playground: fetched only when chosen, runs, errors at their line, kept across a reload", async ({ page }) => {
  test.setTimeout(480_000);
  const fetched = pyodideRequests(page);
  await open(page);
  // The TypeScript path runs without a byte of Pyodide.
  await button(page, "Run").click();
  await waitPhase(page, "done", 40_000);
  expect(fetched).toEqual([]);

  await choosePython(page);
  expect(fetched).toEqual([]);
  await page.getByLabel("Speed").selectOption("max");
  await button(page, "Run").click();
  // Said while Pyodide boots (seconds: the watchdog's 2 s do not apply to the boot).
  await expect(page.getByTestId("message")).toHaveText("Loading Python…");
  await waitPhase(page, "done", PYTHON_RUN_MS);
  expect(fetched.sort()).toEqual(["pyodide/pyodide-lock.json", "pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip"]);
  const s = await snapshot(page);
  expect(s.tasks).toBe(STARTER_TASKS);
  // The TypeScript version's final states on the page's seed (42): every task, retried, succeeds.
  const nonZero = Object.fromEntries(Object.entries(s.stateCounts).filter(([, n]) => n > 0));
  expect(nonZero).toEqual(await twinCounts(42));
  await expect(page.getByTestId("message")).toHaveText("main() returned and nothing is left to run");
  await expect(page.locator(".cm-content .tok-keyword, .cm-content [class*='ͼ']").first()).toBeVisible();
  await page.screenshot({ path: "test-results/python-playground.png" });

  // A runtime error at the top level: at its line, the line's first character.
  await page.evaluate(() => window.__playground!.setCode('from celery import Celery\napp = Celery("lab")\n    \nraise ValueError("bad setting")\n'));
  await runPython(page, "error");
  await expect(page.getByTestId("problems")).toHaveText(/Line 4, column 1: ValueError: bad setting/);
  await expect(page.getByTestId("message")).toHaveText("ValueError: bad setting");

  // A SyntaxError Python reports: its line and the caret's column (the same worker: no second boot).
  await page.evaluate(() => window.__playground!.setCode('from celery import Celery\napp = Celery("lab")\nx = [1, 2\ny = 3\n'));
  await runPython(page, "error");
  await expect(page.getByTestId("problems")).toHaveText(/Line 3, column 5: SyntaxError: /);
  // The editor marks it on that line (Python's report), beside its own syntax lint's marker (line 4,
  // where the parser notices), which must not wipe the run's.
  await page.waitForTimeout(600); // past the lint's 300 ms delay
  await expect(page.locator(".cm-line").nth(2).locator(".cm-lintRange-error")).toHaveText("[1, 2");
  await expect(page.locator(".cm-line").nth(3).locator(".cm-lintRange-error")).toBeVisible();
  await page.screenshot({ path: "test-results/python-error.png" });
  expect(fetched).toHaveLength(3);

  // Reload: Python is still chosen for this example, with the learner's Python text.
  const code = await page.evaluate(() => window.__playground!.getCode());
  await page.waitForTimeout(400); // the draft is saved 150 ms after the last edit
  await page.reload();
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect(page.getByTestId("language")).toHaveValue("python");
  await expect.poll(() => page.evaluate(() => window.__playground!.getCode())).toBe(code);
  // TypeScript's text is its own, and Python's comes back.
  await page.getByTestId("language").selectOption("typescript");
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.ts");
  await expect.poll(() => page.evaluate(() => window.__playground!.getCode())).toContain('from "celery"');
  await page.getByTestId("language").selectOption("python");
  await expect.poll(() => page.evaluate(() => window.__playground!.getCode())).toBe(code);
});

test("a share link carries the language; a link without one opens as TypeScript", async ({ page }) => {
  const py = 'from celery import Celery\napp = Celery("shared")\n';
  await page.goto("./?speed=max" + link({ c: py, s: 7, l: "py" }));
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect(page.getByTestId("language")).toHaveValue("python");
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.py");
  expect(await page.evaluate(() => window.__playground!.getCode())).toBe(py);
  await page.goto("./?speed=max" + link({ c: "export default 1;\n", s: 7 }));
  await page.reload();
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect(page.getByTestId("language")).toHaveValue("typescript");
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.ts");
});

test.describe("offline", () => {
  test.use({ serviceWorkers: "allow" });

  test("after Python ran once, it runs offline: the service worker stored Pyodide's files on first use", async ({ page, context }) => {
    test.setTimeout(480_000);
    await open(page);
    const { keys } = await swInstalled(page, (k) => k.some((u) => u.endsWith(".wasm")), 60_000);
    // Not at install: 12 MB only for those who use Python.
    expect(keys.filter((u) => u.includes("/pyodide/"))).toEqual([]);
    await choosePython(page);
    await runPython(page, "done");
    const stored = (await swInstalled(page, (k) => k.filter((u) => u.includes("/pyodide/")).length === 3, 30_000)).keys;
    expect(stored.filter((u) => u.includes("/pyodide/")).map((u) => u.slice(u.indexOf("/pyodide/") + 1)).sort()).toEqual(["pyodide/pyodide-lock.json", "pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip"]);
    const hash = (await snapshot(page)).traceHash;

    await context.setOffline(true);
    await page.reload();
    await expect(page.locator(".cm-content")).toBeVisible();
    await expect(page.getByTestId("language")).toHaveValue("python");
    await runPython(page, "done");
    // The same scenario and seed: the same run.
    expect((await snapshot(page)).traceHash).toBe(hash);
  });
});

test.describe("a Python lab", () => {
  const LAB = "1.3-error-handling";
  const read = (f: string) => readFileSync(new URL(`../labs/${LAB}/${f}`, import.meta.url), "utf8");

  test("lab 1.3 in Python: the page offers Python, the solution passes the lab's checks on every seed, the starter fails them", async ({ page }) => {
    test.setTimeout(600_000);
    await page.goto(`./?lab=${LAB}&speed=max`);
    await expect(page.locator(".cm-content")).toBeVisible();
    // The steps name the learner's language's API (labs' READMEs: `ts`<!--py:`python`-->).
    const instructions = page.getByRole("tabpanel", { name: "Instructions" });
    await expect(instructions).toContainText('throw self.retry({ exc: new Error("Random failure occurred") })');
    await page.getByTestId("language").selectOption("python");
    // The lab's own Python starter comes in.
    await expect.poll(() => page.evaluate(() => window.__playground!.getCode())).toBe(read("starter.py"));
    await expect(instructions).toContainText('raise self.retry(exc=Exception("Random failure occurred"))');
    await expect(instructions).not.toContainText("throw self.retry");
    await expect(instructions).not.toContainText("maxRetries");
    const grading = page.getByTestId("grading");

    await page.evaluate((t) => window.__playground!.setCode(t), read("solution.py"));
    await page.getByRole("button", { name: "Run checks" }).click();
    await expect(grading).toHaveText(/^All 10 goals met on seeds \d+, \d+, \d+\. Lab complete!$/, { timeout: 400_000 });

    await page.evaluate((t) => window.__playground!.setCode(t), read("starter.py"));
    await page.getByRole("button", { name: "Run checks" }).click();
    await expect(grading).toHaveText(/^\d of 10 goals met on every seed/, { timeout: 180_000 });
  });
});
