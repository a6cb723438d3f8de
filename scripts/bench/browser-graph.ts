/**
 * Bench (issue 7): a canvas of 1,000 task nodes laid out and rendered in headless Chromium, from the
 * built site (best of three after a warm-up, and a 41-node canvas that uses dagre). Goal: under 1 s.
 * Needs `npm run build` first (or DIST_DIR pointing at another build). Prints one JSON line.
 */
import { chromium } from "playwright";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium-path.mjs";

const DIST = process.env.DIST_DIR || "dist";
if (!existsSync(resolve(DIST, "index.html"))) {
  console.log(JSON.stringify({ bench: "browser-graph", error: `no ${DIST}/index.html: run npm run build first` }));
  process.exit(0);
}
// A free port (a fixed one can be taken by another server on a shared machine), or $BENCH_PORT.
const PORT = Number(process.env.BENCH_PORT) || (await new Promise<number>((done) => {
  const probe = createServer();
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as AddressInfo).port;
    probe.close(() => done(port));
  });
}));
const BASE = "/bench/graph/";
const server = spawn(process.execPath, ["scripts/serve.mjs", "--dir", DIST, "--port", String(PORT), "--base", BASE], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 600));
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await (await browser.newContext({ serviceWorkers: "block", viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(`http://127.0.0.1:${PORT}${BASE}?speed=max`);
  await page.getByRole("tab", { name: "Graph" }).click();
  await page.waitForFunction(() => typeof window.__graphBench === "function", undefined, { timeout: 30_000 });
  await page.evaluate(() => window.__graphBench!(1000)); // warm up (JIT)
  const runs = [];
  for (let k = 0; k < 3; k++) runs.push(await page.evaluate(() => window.__graphBench!(1000)));
  const best = [...runs].sort((a, b) => a.totalMs - b.totalMs)[0]!;
  const small = await page.evaluate(() => window.__graphBench!(41));
  console.log(JSON.stringify({
    bench: "browser-graph",
    nodes: best.nodes,
    edges: best.edges,
    layout: best.mode,
    layoutMs: Math.round(best.layoutMs),
    totalMs: Math.round(best.totalMs),
    runsTotalMs: runs.map((r) => Math.round(r.totalMs)),
    dagre41: { nodes: small.nodes, layoutMs: Math.round(small.layoutMs), totalMs: Math.round(small.totalMs) },
    goalMs: 1000,
  }));
} finally {
  await browser.close();
  server.kill();
}
