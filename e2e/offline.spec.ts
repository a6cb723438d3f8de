/** Offline once loaded: the service worker serves the shell, the chunks, the workers and the wasm. */
import { expect, test } from "@playwright/test";
import { open, runToEnd, swInstalled } from "./helpers";

test.use({ serviceWorkers: "allow" });

test("after one visit the playground loads and runs offline", async ({ page, context }) => {
  test.setTimeout(90_000);
  await open(page);
  // Installed = the shell and every hashed asset (the wasm too) are in this build's cache.
  await swInstalled(page, (keys) => keys.some((u) => u.endsWith(".wasm")), 45_000);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator(".cm-content")).toBeVisible();
  // esbuild's wasm now comes from the cache; its start-up is CPU-bound and slow on a busy machine.
  const done = await runToEnd(page, 40_000);
  expect(done.tasks).toBeGreaterThan(0);
});
