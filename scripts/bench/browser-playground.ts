/**
 * Bench (issue 5): the built site in headless Chromium, served from a sub-path on localhost.
 * - cold load of the playground to the first run's result (fresh context, empty cache)
 * - edit → result for a small scenario (recompile + run) in the page, and the recompile alone, medians of 15
 * - the longest main-thread task (Long Tasks API) while 10k tasks animate
 * - JavaScript on the first route, gzip
 * Needs `npm run build` first. Prints one JSON line.
 */
import { chromium } from "playwright";
import { spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium-path.mjs";

const root = process.cwd();
if (!existsSync(join(root, "dist", "index.html"))) {
  console.log(JSON.stringify({ bench: "browser-playground", error: "no dist/: run npm run build first" }));
  process.exit(0);
}
const PORT = 4391;
const BASE = "/bench/playground/";
const server = spawn(process.execPath, ["scripts/serve.mjs", "--dir", "dist", "--port", String(PORT), "--base", BASE], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 600));
/** How long V8's background compile of esbuild's wasm keeps the CPU busy after esbuild first starts (~5.5 s wall here), with margin. */
const SETTLE_MS = 12_000;
const url = `http://127.0.0.1:${PORT}${BASE}?speed=max`;

const SMALL = (n: number) => `import { Celery } from "celery";
const app = new Celery("bench");
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  return await add.delay(${n}, ${n}).get();
}`;
const BIG = `import { Celery, sleep } from "celery";
const app = new Celery("bench");
const job = app.task(async function job(i: number) { await sleep(0.05 + (i % 7) * 0.01); return i; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 16 });
  app.worker({ hostname: "w2", concurrency: 16 });
  for (let i = 0; i < 10000; i++) job.delay(i);
}`;

const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
const out: Record<string, unknown> = { bench: "browser-playground" };
try {
  // Cold load to the first run's result: what a new learner does (open the page, press Run on its
  // example, which ships precompiled), then the same with new code (which needs esbuild-wasm).
  for (const which of ["example", "newCode"] as const) {
    const ctx = await browser.newContext({ serviceWorkers: "block" });
    const page = await ctx.newPage();
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => !!window.__playground);
    if (which === "newCode") await page.evaluate((c) => window.__playground!.setCode(c), SMALL(1));
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.waitForFunction(() => window.__playground!.snapshot().phase === "done", undefined, { timeout: 60_000 });
    out[which === "example" ? "coldLoadToFirstResultMs" : "coldLoadNewCodeToFirstResultMs"] = Date.now() - t0;
    out.coldLoadGoalMs = 1000;
    if (which === "example") {
      await ctx.close();
      continue;
    }
    // Edit → result, median of 15, measured in the page (from the Run click to the run's end), and
    // the recompile alone as the page saw it (no cache: every edit is new text). Twice: at once,
    // while V8 still compiles esbuild's wasm to optimised code in the background (~8 s of CPU on
    // ~2 threads after esbuild's first start, measured here; every thread of the page runs slower
    // then), and once that has settled, as in the rest of a session.
    const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 10) / 10;
    for (const phase of ["duringEsbuildStart", "settled"] as const) {
      if (phase === "settled") await page.waitForTimeout(SETTLE_MS);
      const edits: number[] = [];
      const compiles: number[] = [];
      const inWorker: number[] = [];
      for (let i = 2; i < 17; i++) {
        const r = await page.evaluate(async (c) => {
          const pg = window.__playground!;
          pg.setCode(c);
          // A person cannot press Run in the frame they typed in: let the editor draw the edit first
          // (two frames; the lint compile, 300 ms after typing stops, has not started).
          await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
          const run = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim().endsWith("Run"))!;
          const t = performance.now();
          run.click();
          await new Promise<void>((ok) => {
            const poll = () => (pg.snapshot().done && pg.snapshot().lastCompile && pg.getCode() === c && pg.snapshot().phase === "done" ? ok() : requestAnimationFrame(poll));
            requestAnimationFrame(poll);
          });
          return { ms: performance.now() - t, compile: pg.snapshot().lastCompile! };
        }, SMALL(phase === "settled" ? 100 + i : i));
        edits.push(r.ms);
        if (!r.compile.cached) compiles.push(r.compile.ms);
        if (r.compile.workerMs !== undefined) inWorker.push(r.compile.workerMs);
      }
      const suffix = phase === "settled" ? "" : "_duringEsbuildStart";
      out[`editToResultMedianMs${suffix}`] = median(edits);
      out[`recompileMedianMs${suffix}`] = median(compiles);
      out[`recompileEsbuildInWorkerMedianMs${suffix}`] = median(inWorker);
    }
    out.recompileGoalMs = 30;
    await ctx.close();
  }
  // Long tasks while 10k tasks animate: on the Tasks view, then with the Dashboard open (issue 8).
  // Each twice: the run started at once after the edit (esbuild's first start and V8's background
  // compile of its wasm overlap the run), and the run started once that has settled.
  for (const view of ["Tasks", "Dashboard"] as const) {
    for (const when of ["duringEsbuildStart", "settled"] as const) {
      const ctx = await browser.newContext({ serviceWorkers: "block" });
      const page = await ctx.newPage();
      await page.goto(url.replace("speed=max", "speed=50"));
      await page.waitForFunction(() => !!window.__playground);
      await page.getByRole("tab", { name: view }).click();
      // Measure the run, not the tab's first load: its lazy chunks (uPlot) come in before the run starts.
      if (view === "Dashboard") await page.getByTestId("dashboard").waitFor();
      await page.waitForTimeout(1000);
      await page.evaluate((c) => window.__playground!.setCode(c), BIG);
      if (when === "settled") await page.waitForTimeout(SETTLE_MS);
      await page.evaluate(() => {
        (window as unknown as { __long: number[] }).__long = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => (window as unknown as { __long: number[] }).__long.push(e.duration))).observe({ type: "longtask", buffered: false });
      });
      // A zero could mean an observer that hears nothing: make one 70 ms task first and expect it counted.
      await page.evaluate(() => new Promise<void>((r) => setTimeout(() => { const end = performance.now() + 70; while (performance.now() < end); setTimeout(r, 50); }, 0)));
      const probe = await page.evaluate(() => (window as unknown as { __long: number[] }).__long.splice(0));
      if (!probe.some((d) => d >= 60)) throw new Error(`the Long Tasks observer missed a 70 ms probe task (saw ${JSON.stringify(probe)})`);
      out.longTaskObserverProbed = true;
      const t0 = Date.now();
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page.waitForFunction(() => window.__playground!.snapshot().phase === "done", undefined, { timeout: 180_000 });
      const wallMs = Date.now() - t0;
      const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
      const key = (view === "Tasks" ? "while10kAnimate" : "while10kAnimateDashboardOpen") + (when === "settled" ? "" : "_duringEsbuildStart");
      out[`longTasks_${key}`] = long.length;
      out[`longestMainThreadTaskMs_${key}`] = Math.round(Math.max(0, ...long));
      out[`runWallMs_${key}`] = wallMs;
      out.longTaskBudgetMs = 50;
      await ctx.close();
    }
  }
  // JavaScript on the first route: the entry script and what it preloads, gzip.
  {
    const html = readFileSync(join(root, "dist", "index.html"), "utf8");
    const files = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    let gz = 0;
    for (const f of new Set(files)) gz += gzipSync(readFileSync(join(root, "dist", f))).length;
    out.firstRouteJsGzipKB = Math.round((gz / 1024) * 10) / 10;
    out.firstRouteGoalKB = 200;
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(JSON.stringify(out));
