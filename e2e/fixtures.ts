/**
 * One page per Playwright worker, reused by the tests that run in it. Loading the page starts
 * esbuild-wasm, whose first build costs seconds on a busy 2-core machine; paying that once per
 * worker keeps the suite fast. `prepare` puts the page back into a known state instead of
 * reloading: example, seed, speed, code. Tests that need a fresh page (reload, offline) make one.
 */
import { test as base, expect, type Page } from "@playwright/test";
import { button, setCode, waitPhase } from "./helpers";

export interface Prepared {
  example?: string;
  seed?: number;
  code?: string;
}

export const test = base.extend<{ app: Page }, { sharedPage: Page }>({
  sharedPage: [
    async ({ browser }, use, workerInfo) => {
      const { baseURL, viewport } = workerInfo.project.use;
      const ctx = await browser.newContext({ baseURL, viewport, serviceWorkers: "block" });
      const page = await ctx.newPage();
      await page.goto("./?speed=max");
      await expect(page.locator(".cm-content")).toBeVisible();
      await use(page);
      await ctx.close();
    },
    { scope: "worker" },
  ],
  app: async ({ sharedPage }, use) => {
    await use(sharedPage);
  },
});

/** Example (its original text), seed, speed max, and optionally code; then a paused fresh state. */
export async function prepare(page: Page, p: Prepared = {}): Promise<void> {
  if (await button(page, "Pause").isEnabled()) await button(page, "Pause").click();
  await page.getByLabel("Examples").selectOption(p.example ?? "retry-explorer");
  await page.getByRole("button", { name: "Revert to example" }).click();
  if (p.code !== undefined) await setCode(page, p.code);
  await page.getByLabel("Seed").fill(String(p.seed ?? 42));
  await page.getByLabel("Seed").press("Tab");
  await page.getByLabel("Speed").selectOption("max");
  // The page is shared by the tests of a worker: start every test on the Tasks view.
  await page.getByRole("tab", { name: "Tasks" }).click();
  await expect(page.getByTestId("phase")).not.toHaveText(/running|seeking|compiling|loading/);
}

export { expect, waitPhase };
