/**
 * Issue 16, the page's side (items 3, 4, 7, 8): each test replays an attack from the security
 * review against the built site and shows it blocked.
 *
 * - Share links: a 200k-character link is refused at once, on screen; a small link that unpacks to
 *   hundreds of megabytes is refused; a link of nested parentheses that crashed esbuild-wasm gets a
 *   clear error and the next good compile works.
 * - The full app in another site's frame shows a notice with a link instead of the app.
 * - Lab markdown is sanitised before innerHTML.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import LZString from "lz-string";
const { compressToEncodedURIComponent } = LZString;
import { expect, test } from "@playwright/test";
import { button, setCode, snapshot, swInstalled, waitPhase } from "./helpers";

const servers: Server[] = [];
test.afterAll(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Another origin (another loopback port), serving one HTML page. */
function serveHtml(html: string): Promise<string> {
  return new Promise((resolve) => {
    const s = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(html);
    });
    servers.push(s);
    s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`));
  });
}

const GOOD = `import { Celery } from "celery";
const app = new Celery("ok");
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1" });
  console.log("sum", await add.delay(2, 3).get());
}
`;

test.describe("share links", () => {
  test("a 200k-character link is refused quickly, on screen, and the page stays usable", async ({ page }) => {
    const link = "./?speed=max#s=" + "A".repeat(200_000);
    const t0 = Date.now();
    await page.goto(link);
    await expect(page.getByTestId("page-notice")).toContainText("This share link was not opened: the link is too long");
    await expect(page.locator(".cm-content")).toBeVisible();
    // Before the fix the page froze ~13 s decompressing it; now the refusal is the first thing shown.
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await page.evaluate(() => window.__playground!.getCode())).not.toContain("AAAA");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await expect(page.getByTestId("page-notice")).toHaveCount(0);
  });

  test("a small link that unpacks past the limit is refused, not expanded", async ({ page }) => {
    // ~2 kB of link, 1 M characters once unpacked (LZW's quadratic case); a scenario around it.
    const wire = JSON.stringify({ v: 1, c: "//" + "a".repeat(1_000_000), s: 1 });
    const link = "./#s=" + compressToEncodedURIComponent(wire);
    expect(link.length).toBeLessThan(10_000);
    await page.goto(link);
    await expect(page.getByTestId("page-notice")).toContainText("too large once unpacked");
  });

  test("a damaged link says so on screen", async ({ page }) => {
    await page.goto("./#s=" + compressToEncodedURIComponent(JSON.stringify({ v: 1, c: "x", s: 1 })).slice(0, 12));
    await expect(page.getByTestId("page-notice")).toContainText("the link is damaged");
  });

  test("a link of nested parentheses that crashes esbuild gets a clear error; the next compile works", async ({ page }) => {
    test.setTimeout(120_000);
    const depth = 10_000; // ~20 kB: the review's crashing link
    const bad = `import { Celery } from "celery";\nexport const x = ${"(".repeat(depth)}1${")".repeat(depth)};\nexport default async function main() {}\n`;
    await page.goto("./#s=" + compressToEncodedURIComponent(JSON.stringify({ v: 1, c: bad, s: 1 })).replace(/^/, ""));
    await expect(page.locator(".cm-content")).toBeVisible();
    expect(await page.evaluate(() => window.__playground!.getCode())).toBe(bad);
    await button(page, "Run").click();
    await expect(page.getByTestId("message")).toContainText("The compiler crashed on this code", { timeout: 60_000 });
    expect(await page.evaluate(() => window.__compiler!.replaced())).toBeGreaterThanOrEqual(1);
    // The next, good scenario compiles in a fresh worker and runs to its end.
    await setCode(page, GOOD);
    await page.getByLabel("Speed").selectOption("max");
    await button(page, "Run").click();
    await waitPhase(page, "done", 60_000);
    const s = await snapshot(page);
    expect(s.logs.join("\n")).toContain("sum 5");
    expect(await page.evaluate(() => window.__compiler!.spawned())).toBeGreaterThanOrEqual(2);
  });
});

test("the full app framed by another site shows a notice and a link, not the app", async ({ page, baseURL }) => {
  const app = new URL("./?view=labs", baseURL).href;
  const evil = await serveHtml(`<!doctype html><body><iframe id="f" style="width:900px;height:500px" src="${app}"></iframe>
<iframe id="g" style="width:900px;height:300px" src="${new URL("./", baseURL).href}"></iframe></body>`);
  await page.goto(evil);
  for (const id of ["#f", "#g"]) {
    const frame = page.frameLocator(id);
    await expect(frame.getByTestId("framed-notice")).toBeVisible();
    const a = frame.getByRole("link", { name: "Open the playground in its own tab" });
    await expect(a).toHaveAttribute("target", "_blank");
    await expect(a).toHaveAttribute("href", id === "#f" ? app : new URL("./", baseURL).href);
    await expect(frame.locator(".cm-content, .catalogue")).toHaveCount(0);
  }
  // Not framed: the app.
  await page.goto(app);
  await expect(page.getByTestId("framed-notice")).toHaveCount(0);
});

test("lab markdown is sanitised before it reaches innerHTML", async ({ page }) => {
  await page.goto("./?view=labs");
  await page.goto("./?lab=p2-prefetch-head-of-line&speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof window.__renderMarkdown)).toBe("function");
  const html = await page.evaluate(() =>
    window.__renderMarkdown!(
      [
        "# Title",
        '<img src="x" onerror="window.__pwned = 1">',
        "<script>window.__pwned = 2</script>",
        "[click](javascript:window.__pwned=3)",
        '<a href="https://docs.celeryq.dev/" onclick="window.__pwned=4">docs</a>',
        '<iframe src="https://example.org"></iframe>',
        "**bold** and `code`",
      ].join("\n\n"),
    ),
  );
  expect(html).not.toMatch(/onerror|onclick|<script|javascript:|<iframe/i);
  expect(html).toContain("<strong>bold</strong>");
  expect(html).toContain('href="https://docs.celeryq.dev/"');
  expect(html).toMatch(/<a [^>]*target="_blank"/);
  // And rendered: nothing ran.
  await page.evaluate((h) => {
    const d = document.createElement("div");
    d.innerHTML = h;
    document.body.append(d);
  }, html);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test.describe("progress import", () => {
  const LAB = "1.3-error-handling";
  const OTHER = "1.1-broker-comparison";
  const drafts = (page: import("@playwright/test").Page) =>
    page.evaluate(
      () =>
        new Promise<Record<string, string>>((resolve, reject) => {
          const req = indexedDB.open("celery-playground");
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const out: Record<string, string> = {};
            const cur = req.result.transaction("drafts").objectStore("drafts").openCursor();
            cur.onsuccess = () => {
              const c = cur.result;
              if (!c) return resolve(out);
              out[String(c.key)] = c.value as string;
              c.continue();
            };
          };
        }),
    );

  test("a file over 5 MB is refused before it is read", async ({ page }) => {
    await page.addInitScript(() => {
      const w = window as unknown as { __reads: number };
      w.__reads = 0;
      for (const m of ["text", "arrayBuffer", "stream"] as const) {
        const orig = Blob.prototype[m] as (...a: unknown[]) => unknown;
        (Blob.prototype as unknown as Record<string, unknown>)[m] = function (this: Blob, ...a: unknown[]) {
          w.__reads++;
          return orig.apply(this, a);
        };
      }
    });
    await page.goto("./?view=labs");
    await page.getByLabel("Progress file").setInputFiles({ name: "huge.json", mimeType: "application/json", buffer: Buffer.alloc(5_000_001, 32) });
    await expect(page.getByRole("alert")).toContainText("Import refused: huge.json is 5.0 MB; a progress file is at most 5 MB. Nothing was read or changed.");
    expect(await page.evaluate(() => (window as unknown as { __reads: number }).__reads)).toBe(0);
  });

  test("a file with one lab shows what changes, asks, keeps the other drafts, and can be undone", async ({ page }) => {
    test.setTimeout(60_000);
    // The learner's own work: a draft in lab 1.3 and one in the sandbox.
    await page.goto(`./?lab=${LAB}&speed=max`);
    await expect(page.locator(".cm-content")).toBeVisible();
    await setCode(page, "// my 1.3 work\n");
    await expect.poll(() => drafts(page)).toMatchObject({ [`lab:${LAB}`]: "// my 1.3 work\n" });
    await page.goto("./?speed=max");
    await expect(page.locator(".cm-content")).toBeVisible();
    await setCode(page, "// my sandbox work\n");
    await expect.poll(() => drafts(page)).toMatchObject({ "retry-explorer": "// my sandbox work\n" });

    // A file holding one other lab, and a draft that would overwrite the 1.3 one.
    const file = {
      format: "celery-playground-progress",
      schemaVersion: 2,
      exportedAt: "2026-01-01T00:00:00.000Z",
      labs: { [OTHER]: { labId: OTHER, startedAt: 1, completedAt: 2, bestScore: 1, lastScore: 1, attempts: 1, passed: [], notes: "", hintsRevealed: 0, solutionRevealed: false, contentHash: null, updatedAt: 2 } },
      drafts: { [`lab:${LAB}`]: "// from the file\n" },
    };
    await page.goto("./?view=labs");
    const input = page.getByLabel("Progress file");
    await input.setInputFiles({ name: "one-lab.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    const plan = page.getByTestId("import-plan");
    await expect(plan).toContainText(`Labs added (1)${OTHER}`);
    await expect(plan).toContainText(`Drafts replaced (your text is overwritten) (1)lab:${LAB}`);
    await expect(plan).toContainText(`Kept as they are (not in the file) (2)lab ${LAB}, draft retry-explorer`);
    // Nothing changed while it asks; Cancel changes nothing.
    expect(await drafts(page)).toEqual({ [`lab:${LAB}`]: "// my 1.3 work\n", "retry-explorer": "// my sandbox work\n" });
    await plan.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("progress-message")).toHaveText("Import cancelled. Nothing was changed.");
    expect(await drafts(page)).toEqual({ [`lab:${LAB}`]: "// my 1.3 work\n", "retry-explorer": "// my sandbox work\n" });

    await input.setInputFiles({ name: "one-lab.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    await plan.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByTestId("progress-message")).toContainText("Imported one-lab.json: 1 of");
    await expect(page.locator(`.lab-card[data-lab="${OTHER}"]`).getByTestId("lab-status")).toHaveText(/Complete/);
    // The sandbox draft the file did not mention is still there.
    await expect.poll(() => drafts(page)).toEqual({ [`lab:${LAB}`]: "// from the file\n", "retry-explorer": "// my sandbox work\n" });

    // One undo puts everything back, stored.
    await page.getByRole("button", { name: "Undo import" }).click();
    await expect(page.getByTestId("progress-message")).toContainText("Import undone");
    await expect.poll(() => drafts(page)).toEqual({ [`lab:${LAB}`]: "// my 1.3 work\n", "retry-explorer": "// my sandbox work\n" });
    await expect(page.locator(`.lab-card[data-lab="${OTHER}"]`).getByTestId("lab-status")).toHaveText(/Not started/);
  });
});

test.describe("embeds driven by another page", () => {
  const LAB = "p2-prefetch-head-of-line";
  const EVIL = `import { Celery } from "celery";
const app = new Celery("evil");
console.log("host code ran");
export default async function main() {}
`;
  /** A page on another origin that frames a lab, allows itself in `origins=` and drives it with no click. */
  async function attacker(baseURL: string): Promise<string> {
    const playground = new URL("./", baseURL).href;
    let origin = "";
    const url = await serveHtml(`<!doctype html><body><iframe id="f" style="width:1000px;height:700px"></iframe>
<script>
  const f = document.getElementById("f");
  f.src = ${JSON.stringify(playground)} + "?embed=1&speed=max&lab=${LAB}&origins=" + encodeURIComponent(location.origin);
  window.drive = (code) => {
    const post = (m) => f.contentWindow.postMessage({ source: "celery-playground", version: 1, ...m }, "*");
    post({ type: "load-scenario", code, seed: 1 });
    post({ type: "run" });
    post({ type: "reset" });
  };
</script></body>`);
    origin = new URL(url).origin;
    expect(origin).not.toBe(new URL(playground).origin);
    return url;
  }

  test("host code never runs without the learner's click, and never replaces their draft unasked", async ({ page, baseURL }) => {
    test.setTimeout(120_000);
    const url = await attacker(baseURL!);
    await page.goto(url);
    const frame = page.frameLocator("#f");
    const f = () => page.frame({ url: /embed=1/ })!;
    await expect(frame.locator(".cm-content")).toBeVisible({ timeout: 30_000 });
    const storedDraft = () =>
      f().evaluate(
        (key) =>
          new Promise<string | null>((resolve) => {
            const req = indexedDB.open("celery-playground");
            req.onsuccess = () => {
              const g = req.result.transaction("drafts").objectStore("drafts").get(key);
              g.onsuccess = () => resolve((g.result as string | undefined) ?? null);
            };
          }),
        `lab:${LAB}`,
      );

    // 1. No draft yet: the host's code lands in the editor, but its run and reset are refused.
    await page.evaluate((c) => (window as unknown as { drive(c: string): void }).drive(c), EVIL);
    await expect.poll(() => f().evaluate(() => window.__embed!.refused)).toBe(2);
    expect(await f().evaluate(() => window.__playground!.getCode())).toBe(EVIL);
    await expect(frame.getByTestId("embed-bar")).toContainText("Only you can start it");
    await page.waitForTimeout(1_000);
    let snap = await f().evaluate(() => window.__playground!.snapshot());
    expect(snap.phase).toBe("idle");
    expect(snap.logs).toEqual([]);
    // origins= was the attacker's own: accepted, and still no boundary. Its code is not the learner's draft.
    expect(await f().evaluate(() => window.__embed!.accepted)).toBe(3);
    expect(await storedDraft()).not.toBe(EVIL);

    // 2. The learner writes their own code (saved as their draft), then the host tries again.
    const MINE = "// my own work\n" + (await f().evaluate(() => window.__playground!.getCode()));
    await f().evaluate((c) => window.__playground!.setCode(c), MINE);
    await expect.poll(storedDraft).toBe(MINE);
    await page.evaluate((c) => (window as unknown as { drive(c: string): void }).drive(c), EVIL + "// again\n");
    const bar = frame.getByTestId("embed-bar");
    await expect(bar).toContainText("The course page wants to replace the code in the editor");
    await expect(bar.getByRole("button", { name: "Replace my code" })).toBeVisible();
    await page.waitForTimeout(500);
    expect(await f().evaluate(() => window.__playground!.getCode())).toBe(MINE);
    expect(await storedDraft()).toBe(MINE);
    // A script's click on the question is not an answer (the host cannot reach into the frame, but the frame's own code could).
    await f().evaluate(() => (document.querySelector(".embed-bar button") as HTMLButtonElement).click());
    expect(await f().evaluate(() => window.__playground!.getCode())).toBe(MINE);

    // 3. The learner agrees: the code is replaced but still not run, and their draft is kept until they run it.
    await bar.getByRole("button", { name: "Replace my code" }).click();
    expect(await f().evaluate(() => window.__playground!.getCode())).toBe(EVIL + "// again\n");
    await page.evaluate(() => (document.getElementById("f") as HTMLIFrameElement).contentWindow!.postMessage({ source: "celery-playground", version: 1, type: "run" }, "*"));
    await expect.poll(() => f().evaluate(() => window.__embed!.lastRefused)).toContain("run:");
    snap = await f().evaluate(() => window.__playground!.snapshot());
    expect(snap.phase).toBe("idle");
    await page.waitForTimeout(400);
    expect(await storedDraft()).toBe(MINE);

    // 4. The learner presses Run: now it runs, and it is their draft.
    await frame.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(() => f().evaluate(() => window.__playground!.snapshot().logs.join("\n")), { timeout: 60_000 }).toContain("host code ran");
    await expect.poll(storedDraft).toBe(EVIL + "// again\n");
    await expect(bar).toBeHidden();
  });
});

test("a load-scenario that lands while the learner's run compiles leaves Run usable", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const playground = new URL("./", baseURL).href;
  const url = await serveHtml(`<!doctype html><body><iframe id="f" style="width:1000px;height:700px" src="${playground}?embed=1&speed=max&origins=ORIGIN"></iframe>
<script>
  const f = document.getElementById("f");
  f.src = f.src.replace("ORIGIN", encodeURIComponent(location.origin));
  window.load = (code) => f.contentWindow.postMessage({ source: "celery-playground", version: 1, type: "load-scenario", code }, "*");
</script></body>`);
  await page.goto(url);
  const frame = page.frameLocator("#f");
  const f = () => page.frame({ url: /embed=1/ })!;
  await expect(frame.locator(".cm-content")).toBeVisible({ timeout: 30_000 });
  const A = GOOD.replace('"ok"', '"a-" + ' + Date.now());
  await page.evaluate((c) => (window as unknown as { load(c: string): void }).load(c), A);
  await expect.poll(() => f().evaluate(() => window.__playground!.getCode())).toBe(A);
  // The learner runs it (new code: esbuild-wasm starts, seconds on this machine), and the host loads other code meanwhile.
  await frame.getByRole("button", { name: "Run", exact: true }).click();
  await expect.poll(() => f().evaluate(() => window.__playground!.snapshot().phase)).toMatch(/compiling|loading/);
  await page.evaluate((c) => (window as unknown as { load(c: string): void }).load(c), GOOD);
  await expect.poll(() => f().evaluate(() => window.__playground!.getCode())).toBe(GOOD);
  await expect.poll(() => f().evaluate(() => window.__playground!.snapshot().phase)).toBe("stopped");
  await expect(frame.getByRole("button", { name: "Run", exact: true })).toBeEnabled();
  await frame.getByRole("button", { name: "Run", exact: true }).click();
  await expect.poll(() => f().evaluate(() => window.__playground!.snapshot().logs.join("\n")), { timeout: 60_000 }).toContain("sum 5");
});

test.describe("the service worker serves only what it installed", () => {
  test.use({ serviceWorkers: "allow" });

  // The install fetches every manifest file: over a minute when the rest of the suite loads both cores.
  const installed = (page: import("@playwright/test").Page) => swInstalled(page, undefined, 150_000);

  test("old builds' caches are dropped; only manifest files are cached, never query-string variants", async ({ page }) => {
    test.setTimeout(240_000);
    // Caches left by earlier deploys (the old worker's fixed name, and an older build's).
    await page.goto("./?sw=off");
    await page.evaluate(async () => {
      for (const n of ["celery-playground-v1", "celery-playground-0123456789abcdef"]) await (await caches.open(n)).put("./old.js", new Response("old"));
    });
    await page.goto("./?speed=max");
    const { name, keys } = await installed(page);
    expect(name).toMatch(/^celery-playground-[0-9a-f]{16}$/);
    expect((await page.evaluate(() => caches.keys())).filter((k) => k.startsWith("celery-playground-"))).toEqual([name]);
    const manifest = await page.evaluate(async () => {
      const src = await (await fetch("./sw.js", { cache: "no-store" })).text();
      return JSON.parse(src.match(/const MANIFEST = (\{.*\});/)![1]!) as { version: string; files: Record<string, string> };
    });
    expect(name).toBe(`celery-playground-${manifest.version}`);
    const base = new URL("./", page.url()).href;
    // Every manifest file but the lazy ones (Pyodide's, stored when Python first runs: python-page.spec.ts).
    expect(keys).toEqual(Object.keys(manifest.files).filter((p) => !p.startsWith("pyodide/")).map((p) => base + p).sort());
    expect(Object.keys(manifest.files).filter((p) => p.startsWith("pyodide/")).length).toBe(3);

    // Pages with query strings, and an asset asked for with one: nothing new is stored.
    for (const q of ["./?view=labs", "./?view=labs&x=1", "./?lab=p2-prefetch-head-of-line&y=2"]) {
      await page.goto(q);
      await expect(page.locator("#root")).not.toBeEmpty();
    }
    const asset = keys.find((u) => /\/assets\/index-[\w-]{8}\.js$/.test(u))!;
    expect(await page.evaluate((u) => fetch(u + "?v=evil").then((r) => r.status), asset)).toBe(200);
    expect((await page.evaluate(async (n) => (await (await caches.open(n)).keys()).map((k) => k.url).sort(), name))).toEqual(keys);
  });

  test("a page that rewrites the cache cannot make the worker serve its script, online or offline", async ({ page, context }) => {
    test.setTimeout(150_000);
    await page.goto("./?speed=max");
    const { name, keys } = await installed(page);
    const chunks = keys.filter((u) => /\/assets\/[\w-]+-[\w-]{8}\.js$/.test(u));
    const index = keys.find((u) => /\/assets\/index-[\w-]{8}\.js$/.test(u))!;
    // The review's attack: overwrite the cached chunks (here every one of them) and plant a page
    // under a query-string URL, as any script of this origin could.
    await page.evaluate(
      async ({ name, chunks }) => {
        const evil = (label: string) => new Response(`window.__pwned = (window.__pwned || []).concat(${JSON.stringify(label)});`, { headers: { "content-type": "text/javascript" } });
        const c = await caches.open(name);
        for (const u of chunks) await c.put(u, evil(u));
        await c.put(new URL("./?view=labs", location.href).href, new Response("<script>window.__pwned=['page']</script>", { headers: { "content-type": "text/html" } }));
        await (await caches.open("celery-playground-evil")).put(new URL("./?view=labs", location.href).href, new Response("<script>window.__pwned=['page']</script>", { headers: { "content-type": "text/html" } }));
      },
      { name, chunks },
    );
    // A later visit, as after a browser restart: the app, not the injected script.
    await page.goto("./?view=labs");
    await expect(page.locator(".lab-card").first()).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned)).toBeUndefined();
    // The tampered entry it met was replaced by this build's own bytes.
    const repaired = await page.evaluate(async ({ name, index }) => (await (await (await caches.open(name)).match(index))!.text()).includes("__pwned"), { name, index });
    expect(repaired).toBe(false);

    // Offline too: poison again, then a visit with the network gone.
    await page.evaluate(
      async ({ name, chunks }) => {
        const c = await caches.open(name);
        for (const u of chunks) await c.put(u, new Response("window.__pwned = ['offline'];", { headers: { "content-type": "text/javascript" } }));
      },
      { name, chunks },
    );
    await context.setOffline(true);
    await page.goto("./?view=labs").catch(() => {});
    await page.waitForTimeout(1_500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned)).toBeUndefined();
    await context.setOffline(false);
  });
});
