/**
 * Issue 23: an axe-core scan (WCAG 2.x A and AA rules) of every view, after a run where a view
 * needs one: no serious or critical violation. Each violation is printed with its targets.
 */
import { createRequire } from "node:module";
import { expect, test, type Page } from "@playwright/test";
import { button, waitPhase } from "./helpers";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function scan(page: Page, what: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  const violations = (await page.evaluate(async (tags) => {
    const r = await (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: unknown[] }> } }).axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations;
  }, TAGS)) as Violation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.length} × ${[...new Set(v.nodes.map((n) => n.target.join(" ").replace(/:nth-child\(\d+\)/g, "") + (v.id === "color-contrast" ? " {" + (n.failureSummary ?? "").split("\n")[1]?.trim() + "}" : "")))].join(" | ")}`);
}

test("every view of the sandbox after a run, the labs catalogue, a lab page and the embed: no serious or critical axe violation", async ({ page }) => {
  test.setTimeout(120_000);
  const found: string[] = [];
  await page.goto("./?speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  await page.getByLabel("Speed").selectOption("max");
  await button(page, "Run").click();
  await waitPhase(page, "done");
  for (const tab of ["Tasks", "Timeline", "Workers", "Queues", "Graph", "Dashboard"]) {
    await page.getByRole("tab", { name: tab }).click();
    await page.waitForTimeout(400);
    found.push(...(await scan(page, `sandbox/${tab}`)));
  }
  await page.getByRole("button", { name: "Experiments", exact: true }).click();
  await expect(page.getByRole("region", { name: "Experiments" })).toBeVisible();
  found.push(...(await scan(page, "experiments")));

  await page.goto("./?view=labs");
  await expect(page.getByRole("heading").first()).toBeVisible();
  await page.waitForTimeout(300);
  found.push(...(await scan(page, "labs catalogue")));

  await page.goto("./?view=labs&lab=1.3-error-handling&speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  found.push(...(await scan(page, "lab page")));

  await page.goto("./?embed=1&lab=1.3-error-handling");
  await expect(page.locator(".cm-content")).toBeVisible();
  found.push(...(await scan(page, "embed")));
  expect(found, found.join("\n")).toEqual([]);
});

test("the keyboard reaches every control of the sandbox with a visible focus, runs a scenario and opens a task", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("./?speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  const seen: { name: string; visible: boolean }[] = [];
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  for (let i = 0; i < 40; i++) {
    // The editor takes Tab to indent; Escape then Tab leaves it, as its label says.
    if (seen.at(-1)?.name.startsWith("Scenario code")) await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    const f = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const labelled = (el as HTMLInputElement).labels?.[0]?.textContent?.trim();
      const name = el.getAttribute("aria-label") || labelled || el.textContent?.trim().slice(0, 40) || el.tagName;
      // Focus is visible: an outline, or (CodeMirror) its editor frame's.
      const s = getComputedStyle(el);
      const frame = el.closest(".cm-editor");
      const visible = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (!!frame && getComputedStyle(frame).outlineStyle !== "none");
      return { name, visible };
    });
    if (f) seen.push(f);
  }
  const names = seen.map((s) => s.name);
  for (const want of [/Run$/, /^Seed/, /Scenario code/, /Console output/, /^Tasks$/]) expect(names.some((n) => want.test(n)), `${want} in ${names.join(" · ")}`).toBe(true);
  expect(seen.filter((s) => !s.visible).map((s) => s.name)).toEqual([]);

  // Run from the keyboard: focus Run and press Enter; then reach a task row and open it with Enter.
  await page.getByRole("button", { name: "Run", exact: true }).focus();
  await page.keyboard.press("Enter");
  await waitPhase(page, "done");
  await page.getByRole("tab", { name: "Tasks" }).focus();
  await page.keyboard.press("Enter");
  const firstRow = page.locator(".vbody [role=row]").first();
  await firstRow.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("complementary", { name: "Task detail" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("complementary", { name: "Task detail" })).toHaveCount(0);
  // States are told by text and shape as well as colour: every state badge has its glyph and its name.
  const badge = page.locator(".vbody .state").first();
  await expect(badge).toContainText(/[✓✕○◇▶↻⊘⊗◐]/);
  await expect(badge).toContainText(/SUCCESS|FAILURE|PENDING|STARTED|RETRY|RECEIVED|REVOKED|REJECTED/);
});
