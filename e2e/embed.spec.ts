/**
 * Embedding, across origins: the demo course page (public/demo/) served from one localhost port
 * embeds the playground served from another (Playwright's server). The test serves the demo itself
 * on a second port, pointing its script tag at the playground's origin, and a third origin for a
 * page that frames the lab without being allowed to drive it.
 *
 * Proves: a lab completed in the frame sends lab-completed (xAPI-shaped) and progress to the host;
 * a message from a third origin, or of the wrong shape, is ignored; the frame follows its content's
 * height; with storage blocked in the frame, progress falls back to memory with the notice and the
 * host still gets the events. And the static site: after one visit, a lab runs offline.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Frame, type Page } from "@playwright/test";
import { swInstalled } from "./helpers";

const LAB = "p2-prefetch-head-of-line";
const SOLUTION = readFileSync(new URL(`../labs/${LAB}/solution.ts`, import.meta.url), "utf8");
const CHECKS = 4;

test.describe.configure({ mode: "serial" });

let playground = ""; // http://127.0.0.1:4319/course/playground/
let hostOrigin = "";
let thirdOrigin = "";
const servers: Server[] = [];

function serve(handler: (path: string) => string | null): Promise<string> {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      const body = handler(new URL(req.url ?? "/", "http://x").pathname);
      res.writeHead(body === null ? 404 : 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(body ?? "not found");
    });
    servers.push(s);
    s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
  });
}

test.beforeAll(async ({}, info) => {
  playground = new URL(info.project.use.baseURL!).href;
  // The built demo (npm run test:e2e builds the site first).
  const DEMO = readFileSync(new URL("../dist/demo/index.html", import.meta.url), "utf8");
  // The course site: the demo page, its script tag pointed at the playground's origin, and the
  // first lab at full speed (an author may set speed too).
  const page = DEMO.replace('src="../embed.js"', `src="${playground}embed.js"`).replace(`lab="${LAB}"`, `lab="${LAB}" speed="max"`);
  expect(page).toContain(`${playground}embed.js`);
  hostOrigin = await serve((p) => (p === "/course/week3/" ? page : null));
  // Another site, which frames the lab directly while the allow-list names only the course site.
  thirdOrigin = await serve((p) =>
    p === "/evil.html"
      ? `<!doctype html><body><iframe id="f" style="width:900px;height:600px" src="${playground}?embed=1&lab=${LAB}&origins=${encodeURIComponent(hostOrigin)}"></iframe>
<script>
  window.__got = [];
  addEventListener("message", (e) => window.__got.push(e.data));
  const f = document.getElementById("f");
  setInterval(() => {
    f.contentWindow.postMessage({ source: "celery-playground", version: 1, type: "set-seed", seed: 99 }, "*");
    f.contentWindow.postMessage({ source: "celery-playground", version: 1, type: "run" }, "*");
  }, 250);
</script></body>`
      : null,
  );
  expect(new URL(thirdOrigin).origin).not.toBe(new URL(hostOrigin).origin);
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

type Msg = { type: string; labId?: string; [k: string]: unknown };
const hostMessages = (page: Page) => page.evaluate(() => (window as unknown as { __hostMessages: Msg[] }).__hostMessages);
const ofType = async (page: Page, type: string) => (await hostMessages(page)).filter((m) => m.type === type && (m.labId === undefined || m.labId === LAB));

async function openDemo(page: Page): Promise<Frame> {
  await page.goto(`${hostOrigin}/course/week3/`);
  const el = page.locator(`celery-playground[lab="${LAB}"]`);
  await expect(el.locator("iframe")).toHaveAttribute("src", new RegExp(`^${playground}\\?embed=1&lab=${LAB}&origins=${encodeURIComponent(hostOrigin).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  const frame = await (await el.locator("iframe").elementHandle())!.contentFrame();
  expect(frame).not.toBeNull();
  await expect.poll(() => ofType(page, "ready"), { timeout: 30_000 }).toHaveLength(1);
  return frame!;
}

const embedStats = (frame: Frame) => frame.evaluate(() => ({ ...window.__embed! }));
const iframeHeight = (page: Page) => page.locator(`celery-playground[lab="${LAB}"] iframe`).evaluate((f) => f.getBoundingClientRect().height);

/**
 * Through the web component's API: load the solution with the lab's seed and ask to run it. The
 * host's code runs only after the learner's click inside the frame, so the host's `run` is refused
 * and the learner presses Run.
 */
async function completeFromHost(page: Page, frame: Frame): Promise<void> {
  const refused = (await embedStats(frame)).refused;
  await page.locator(`celery-playground[lab="${LAB}"]`).evaluate((el, code) => {
    const cp = el as HTMLElement & { loadScenario(code: string, seed?: number): void; run(): void };
    cp.loadScenario(code, 1);
    cp.run();
  }, SOLUTION);
  await expect.poll(async () => (await embedStats(frame)).refused).toBe(refused + 1);
  await expect(frame.getByTestId("embed-bar")).toContainText("Only you can start it");
  expect(await frame.evaluate(() => window.__playground!.snapshot().phase)).toBe("idle");
  await frame.getByRole("button", { name: "Run", exact: true }).click();
  await expect.poll(() => ofType(page, "lab-completed"), { timeout: 60_000 }).toHaveLength(1);
}

test("the demo course embeds labs from another origin; completing one tells the host", async ({ page }) => {
  test.setTimeout(120_000);
  const frame = await openDemo(page);
  expect(new URL(frame.url()).origin).not.toBe(new URL(page.url()).origin);
  await expect(frame.getByRole("heading", { name: "Pitfall: prefetch head-of-line blocking" })).toBeVisible();
  // Minimal chrome: no way out of the lab inside the frame.
  await expect(frame.getByRole("link", { name: "Labs" })).toHaveCount(0);
  await expect(frame.getByRole("link", { name: "← All labs" })).toBeHidden();
  // Third-party IndexedDB works here (partitioned): no notice.
  await expect(frame.getByTestId("storage-notice")).toHaveCount(0);
  const [ready] = await ofType(page, "ready");
  expect(ready).toMatchObject({ source: "celery-playground", version: 1, labId: LAB, seed: 1 });
  await expect.poll(async () => (await ofType(page, "progress")).at(-1)).toMatchObject({ labId: LAB, score: 0, completed: false });

  // Height in step with the content: the frame takes the content's height, and grows with it.
  await expect.poll(async () => (await ofType(page, "resize")).length).toBeGreaterThan(0);
  const reported = async () => (await ofType(page, "resize")).at(-1)!.height as number;
  await expect.poll(async () => Math.abs((await iframeHeight(page)) - (await reported()))).toBeLessThanOrEqual(1);
  const before = await iframeHeight(page);
  expect(before).toBeGreaterThan(600); // the whole lab, not a scrolled window onto it
  const innerScroll = await frame.evaluate(() => document.scrollingElement!.scrollHeight - innerHeight);
  expect(innerScroll).toBeLessThanOrEqual(2); // nothing hidden inside the frame
  await frame.getByRole("button", { name: /^Show hint 1 of/ }).click();
  await frame.getByRole("button", { name: /^Show hint 2 of/ }).click();
  await expect.poll(() => iframeHeight(page)).toBeGreaterThan(before + 20);
  await expect.poll(async () => Math.abs((await iframeHeight(page)) - (await reported()))).toBeLessThanOrEqual(1);

  // Complete the lab from the host's side of the API.
  await completeFromHost(page, frame);
  const [done] = await ofType(page, "lab-completed");
  expect(done).toMatchObject({
    source: "celery-playground",
    version: 1,
    labId: LAB,
    score: 1,
    statement: {
      verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
      object: { id: `${playground}?lab=${LAB}`, definition: { name: { "en-US": "Pitfall: prefetch head-of-line blocking" } } },
      result: { score: { scaled: 1, raw: CHECKS, max: CHECKS }, completion: true, success: true },
      actor: { objectType: "Agent" },
    },
  });
  const finished = await ofType(page, "run-finished");
  expect(finished.length).toBeGreaterThan(0);
  expect(finished.at(-1)).toMatchObject({ traceHash: expect.stringMatching(/\w{6,}/), simTime: expect.any(Number), stats: { tasks: 24, states: { SUCCESS: 24 } } });
  expect((await ofType(page, "check-passed")).map((m) => m.checkId)).toHaveLength(CHECKS);
  await expect.poll(async () => (await ofType(page, "progress")).at(-1)).toMatchObject({ labId: LAB, score: 1, completed: true });
  // The host kept it, and the frame shows it.
  await expect(page.locator(`#progress li[data-lab="${LAB}"]`)).toHaveText(/done/);
  await expect(frame.getByTestId("grading")).toHaveText(new RegExp(`^All ${CHECKS} goals met on seeds \\d+, \\d+, \\d+\\. Lab complete!$`));
  // The event order a host can rely on.
  const order = (await hostMessages(page)).filter((m) => m.labId === LAB || m.type === "run-finished").map((m) => m.type);
  expect(order.indexOf("ready")).toBe(0);
  expect(order.lastIndexOf("run-finished")).toBeLessThan(order.indexOf("lab-completed"));

  // A message from the allowed host in the wrong shape is ignored, and counted.
  const statsBefore = await embedStats(frame);
  expect(statsBefore.origins).toEqual([hostOrigin]);
  await page.locator(`celery-playground[lab="${LAB}"]`).evaluate((el, origin) => {
    const f = (el as HTMLElement & { iframe: HTMLIFrameElement }).iframe;
    f.contentWindow!.postMessage({ source: "celery-playground", version: 1, type: "set-seed", seed: "7" }, origin);
    f.contentWindow!.postMessage({ source: "celery-playground", version: 2, type: "reset" }, origin);
  }, new URL(playground).origin);
  await expect.poll(async () => (await embedStats(frame)).ignored).toBe(statsBefore.ignored + 2);
  expect((await embedStats(frame)).lastIgnored).toBe("not a valid message");
  await expect(frame.getByLabel("Seed")).toHaveValue("1");
});

test("a page on a third origin cannot drive the lab, and hears nothing from it", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(`${thirdOrigin}/evil.html`);
  const frame = await (await page.locator("#f").elementHandle())!.contentFrame();
  await expect(frame!.locator(".cm-content")).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await embedStats(frame!)).ignored, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
  const stats = await embedStats(frame!);
  expect(stats.accepted).toBe(0);
  expect(stats.lastIgnored).toBe(`origin ${new URL(thirdOrigin).origin} is not allowed`);
  // Nothing happened: not run, seed unchanged.
  await expect(frame!.getByLabel("Seed")).toHaveValue("1");
  expect(await frame!.evaluate(() => window.__playground!.snapshot().phase)).toBe("idle");
  // The frame posts only to the allowed origin: this page got none of its events.
  expect(stats.sent).toContain("ready");
  expect(await page.evaluate(() => (window as unknown as { __got: unknown[] }).__got)).toEqual([]);
});

test("with storage blocked in the frame, progress is kept in memory with the notice, and the host still gets it", async ({ page }) => {
  test.setTimeout(120_000);
  // Third-party storage blocked: IndexedDB throws, but only inside the playground's frames.
  await page.addInitScript((origin) => {
    if (window !== window.top && location.origin === origin)
      IDBFactory.prototype.open = function () {
        throw new DOMException("The user denied permission to access the database.", "SecurityError");
      };
  }, new URL(playground).origin);
  const frame = await openDemo(page);
  const notice = frame.getByTestId("storage-notice");
  await expect(notice).toContainText("Progress is kept in memory only");
  await expect(notice).toContainText("blocks storage");
  // The host page itself is untouched.
  expect(await page.evaluate(() => typeof indexedDB.open("x").onsuccess)).toBe("object");
  await completeFromHost(page, frame);
  await expect.poll(async () => (await ofType(page, "progress")).at(-1)).toMatchObject({ labId: LAB, score: 1, completed: true });
  await expect(frame.getByTestId("lab-score")).toHaveText(`Best ${CHECKS}/${CHECKS} (100%) · 1 run`);
});

test.describe("the static site", () => {
  test.use({ serviceWorkers: "allow" });

  test("after one visit, a lab page and an embedded lab load and run offline", async ({ page, context }) => {
    test.setTimeout(150_000);
    await page.goto(`./?lab=${LAB}&speed=max`);
    await expect(page.locator(".cm-content")).toBeVisible();
    await swInstalled(page, (keys) => keys.some((u) => u.endsWith(".wasm")) && keys.some((u) => /\/assets\/frame-[\w-]{8}\.js$/.test(u)));
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Pitfall: prefetch head-of-line blocking" })).toBeVisible();
    await page.evaluate((c) => window.__playground!.setCode(c), SOLUTION);
    await page.getByRole("button", { name: "Run checks" }).click();
    await expect(page.getByTestId("grading")).toHaveText(new RegExp(`^All ${CHECKS} goals met on seeds \\d+, \\d+, \\d+\\. Lab complete!$`), { timeout: 60_000 });
    // A lab never opened online, in embed mode: its chunks came with the install.
    await page.goto(`./?embed=1&lab=p4-get-inside-task`);
    await expect(page.getByRole("heading", { name: "Pitfall: result.get() inside a task" })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator(".cm-content")).toBeVisible();
  });
});

test("the host's load-scenario carries the language: Python code comes in as Python", async ({ page }) => {
  test.setTimeout(90_000);
  const frame = await openDemo(page);
  const py = 'from celery import Celery\napp = Celery("course")\n';
  await page.locator(`celery-playground[lab="${LAB}"]`).evaluate((el, code) => {
    (el as HTMLElement & { loadScenario(code: string, seed?: number, language?: string): void }).loadScenario(code, 1, "python");
  }, py);
  // Over code the learner may have written, the frame asks first.
  const replace = frame.getByRole("button", { name: "Replace my code" });
  await expect.poll(async () => (await replace.isVisible()) || (await frame.getByTestId("scenario-file").textContent()) === "scenario.py").toBe(true);
  if (await replace.isVisible()) await replace.click();
  await expect(frame.getByTestId("scenario-file")).toHaveText("scenario.py");
  expect(await frame.evaluate(() => window.__playground!.getCode())).toBe(py);
  // Without a language (every host before Python): TypeScript.
  await page.locator(`celery-playground[lab="${LAB}"]`).evaluate((el, code) => {
    (el as HTMLElement & { loadScenario(code: string, seed?: number): void }).loadScenario(code, 1);
  }, SOLUTION);
  await expect(frame.getByTestId("scenario-file")).toHaveText("scenario.ts");
});

test('language="python" opens an embedded lab, or the sandbox, in Python; the element passes it on', async ({ page }) => {
  test.setTimeout(90_000);
  const starterPy = readFileSync(new URL(`../labs/${LAB}/starter.py`, import.meta.url), "utf8");
  await page.goto(`./?embed=1&lab=${LAB}&language=python`);
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.py", { timeout: 30_000 });
  expect(await page.evaluate(() => window.__playground!.getCode())).toBe(starterPy);
  // The element passes its attribute on to the frame's URL.
  await page.addScriptTag({ url: "embed.js" });
  const url = await page.evaluate(() => {
    const el = document.createElement("celery-playground") as HTMLElement & { frameUrl: URL };
    el.setAttribute("lab", "p2-prefetch-head-of-line");
    el.setAttribute("language", "python");
    return el.frameUrl.href;
  });
  expect(new URL(url).searchParams.get("language")).toBe("python");
  // The sandbox in Python starts from the Python starter; a language the playground does not know is TypeScript.
  await page.goto(`./?embed=1&language=python`);
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.py", { timeout: 30_000 });
  expect(await page.evaluate(() => window.__playground!.getCode())).toMatch(/^# A Python scenario/);
  await page.goto(`./?embed=1&lab=${LAB}&language=ruby`);
  await expect(page.getByTestId("scenario-file")).toHaveText("scenario.ts", { timeout: 30_000 });
});
