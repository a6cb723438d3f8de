/**
 * Probe (not a bench): CPU profiles of the page's main thread and of the simulator's worker while a
 * burst runs at max speed with the Tasks view open (sim-throughput's burst, as browser-burst runs it),
 * written as .cpuprofile files (open them in Chrome's DevTools) with each thread's top functions printed.
 * Needs `npx vite build --base ./` first.   node scripts/probe/run.mjs page-burst-profile 100000 /tmp/prof
 */
import { chromium } from "playwright";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium-path.mjs";
import { burstScenario } from "../bench/peers/burst-scenario";

const N = Number(process.argv[2] ?? 100_000);
const outDir = process.argv[3] ?? "/tmp/page-burst-profile";
mkdirSync(outDir, { recursive: true });
const BURST = burstScenario(N);
const PORT = 4393;
const BASE = "/probe/burst/";
const server = spawn(process.execPath, ["scripts/serve.mjs", "--dir", "dist", "--port", String(PORT), "--base", BASE], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 600));
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
interface Profile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }
function top(p: Profile, n = 25): string[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const k = `${node.callFrame.functionName || "(anon)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i]!);
    total += p.timeDeltas[i]!;
  });
  return [`total ${Math.round(total / 1000)} ms`, ...[...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${String(Math.round(t / 1000)).padStart(6)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)];
}
try {
  const ctx = await browser.newContext({ serviceWorkers: "block" });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${PORT}${BASE}?speed=max`);
  await page.waitForFunction(() => !!window.__playground);
  await page.getByRole("tab", { name: "Tasks" }).click();
  await page.evaluate((c) => window.__playground!.setCode(c), BURST);
  await page.waitForTimeout(12_000);
  const cdp = await ctx.newCDPSession(page);
  // The simulator's worker, through the browser's CDP session (Playwright gives none for a dedicated
  // worker): attached unflattened, spoken to with Target.sendMessageToTarget.
  const bcdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await bcdp.send("Target.getTargets")) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const simTarget = targetInfos.find((x) => x.type === "worker" && /sim/i.test(x.url)) ?? targetInfos.find((x) => x.type === "worker");
  console.log("workers:", targetInfos.filter((x) => x.type === "worker").map((x) => x.url.split("/").pop()).join(", "));
  let call = 0;
  const pending = new Map<number, (r: unknown) => void>();
  bcdp.on("Target.receivedMessageFromTarget", (e: { message: string }) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  const { sessionId } = (await bcdp.send("Target.attachToTarget", { targetId: simTarget!.targetId, flatten: false })) as { sessionId: string };
  const inWorker = (method: string, params = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++call;
      pending.set(id, resolve);
      void bcdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  await inWorker("Profiler.enable");
  await inWorker("Profiler.start");
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.start");
  const t1 = Date.now();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.waitForFunction(() => window.__playground!.snapshot().phase === "done", undefined, { timeout: 600_000, polling: 200 });
  console.log(`page run: ${Date.now() - t1} ms`);
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: Profile };
  writeFileSync(join(outDir, "page.cpuprofile"), JSON.stringify(profile));
  console.log("page main thread:\n" + top(profile).join("\n"));
  const { profile: wp } = (await inWorker("Profiler.stop")) as { profile: Profile };
  writeFileSync(join(outDir, "worker.cpuprofile"), JSON.stringify(wp));
  console.log("simulator worker:\n" + top(wp, 40).join("\n"));
} finally {
  await browser.close();
  server.kill();
}
