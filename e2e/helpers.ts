/** Page helpers for the e2e suite: the accessible names of the controls are the contract. */
import { expect, type Page } from "@playwright/test";

export async function open(page: Page, params = "speed=max"): Promise<void> {
  await page.goto(`./?${params}`);
  // CodeMirror is lazy; wait for it so typing goes to the real editor.
  await expect(page.locator(".cm-content")).toBeVisible();
}

/** Replace the editor's text by typing it (insertText: no auto-closing brackets or indent). */
export async function typeCode(page: Page, text: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
  await expect.poll(() => page.evaluate(() => window.__playground!.getCode())).toBe(text);
}

/** Replace the code through the test hook (fast; for tests that are not about typing). */
export async function setCode(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => window.__playground!.setCode(t), text);
}

export function snapshot(page: Page) {
  return page.evaluate(() => window.__playground!.snapshot());
}

export async function phase(page: Page): Promise<string> {
  return (await snapshot(page)).phase;
}

export async function waitPhase(page: Page, want: string | RegExp, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId("phase")).toHaveText(want, { timeout });
}

export function button(page: Page, name: "Run" | "Pause" | "Step" | "Reset") {
  return page.getByRole("button", { name, exact: true });
}

/** Run with the speed at max and wait for the end; returns the final snapshot. */
export async function runToEnd(page: Page, timeout = 15_000) {
  await page.getByLabel("Speed").selectOption("max");
  await button(page, "Run").click();
  await waitPhase(page, "done", timeout);
  return snapshot(page);
}

/** Drag the Time scrubber to `s` simulated seconds. */
export async function seekTo(page: Page, s: number): Promise<void> {
  await page.getByRole("slider", { name: "Time" }).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.max = String(Math.max(Number(input.max), v));
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, s);
  await waitPhase(page, /paused|done/);
}

/**
 * The service worker's state: whether one is active, and the names and URLs in this build's cache
 * (public/sw.js names it `celery-playground-<manifest version>`; `caches` lists every one of ours).
 */
export function swState(page: Page): Promise<{ active: boolean; caches: string[]; name: string | null; keys: string[] }> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    const ours = (await caches.keys()).filter((k) => k.startsWith("celery-playground-"));
    const name = ours.length === 1 ? ours[0]! : null;
    const keys = name ? (await (await caches.open(name)).keys()).map((k) => k.url).sort() : [];
    return { active: !!reg?.active, caches: ours, name, keys };
  });
}

/** Waits until the worker is active and its one cache holds the files `ready` asks for (the wasm by default). */
export async function swInstalled(page: Page, ready = (keys: string[]) => keys.some((u) => u.endsWith(".wasm")), timeout = 60_000) {
  await expect
    .poll(async () => {
      const s = await swState(page);
      return s.active && s.name !== null && ready(s.keys);
    }, { timeout })
    .toBe(true);
  return swState(page) as Promise<{ active: boolean; caches: string[]; name: string; keys: string[] }>;
}
