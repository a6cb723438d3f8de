/** Offline once loaded: the service worker serves the shell, the chunks, the workers and the wasm. */
import { expect, test } from "@playwright/test";
import { open, runToEnd } from "./helpers";

test.use({ serviceWorkers: "allow" });

test("after one visit the playground loads and runs offline", async ({ page, context }) => {
  test.setTimeout(90_000);
  await open(page);
  // Installed = the shell and every hashed asset (the wasm too) are in the cache.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const reg = await navigator.serviceWorker.getRegistration();
          // This build's cache (public/sw.js names it after the build's manifest version).
          const name = (await caches.keys()).find((k) => k.startsWith("celery-playground-"));
          const keys = name ? await (await caches.open(name)).keys() : [];
          return !!reg?.active && keys.some((k) => k.url.endsWith(".wasm"));
        }),
      { timeout: 45_000 },
    )
    .toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator(".cm-content")).toBeVisible();
  // esbuild's wasm now comes from the cache; its start-up is CPU-bound and slow on a busy machine.
  const done = await runToEnd(page, 40_000);
  expect(done.tasks).toBeGreaterThan(0);
});
