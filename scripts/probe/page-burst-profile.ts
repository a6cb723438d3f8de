/**
 * Probe (not a bench): CPU profiles of the page's main thread and of the simulator's worker while a
 * burst runs at max speed with the Tasks view open (sim-throughput's burst, as browser-burst runs it),
 * written as .cpuprofile files (open them in Chrome's DevTools) with each thread's top functions printed.
 * Needs `npx vite build --base ./` first.   node scripts/probe/run.mjs page-burst-profile 100000 /tmp/prof
 * PROFILE=0 skips the profiles (CPU by thread only); TRACE=1 also records a Chrome trace of the run
 * and sums its slices by thread; JS_FLAGS passes V8 flags (DEBUG=pw:browser shows what they print:
 * "--trace-opt --trace-deopt"); build with SANDBOX_MINIFY=0 and `--minify false` to read names.
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
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...(process.env.JS_FLAGS ? [`--js-flags=${process.env.JS_FLAGS}`] : [])] });
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
interface TraceEvent { ph: string; name: string; pid: number; tid: number; ts: number; dur?: number; args?: { name?: string } }
type TraceFile = { traceEvents: TraceEvent[] } | TraceEvent[];
/**
 * The page's main thread and the workers' threads, each with its trace events' exclusive wall time
 * by name (a slice's time less its children's). Wall time: a thread descheduled on the busy cores
 * counts against the slice it was in.
 */
function traceSummary(file: TraceFile): string[] {
  const events = Array.isArray(file) ? file : file.traceEvents;
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name ?? "?");
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) if (e.ph === "X" && e.dur !== undefined) (byThread.get(`${e.pid}:${e.tid}`) ?? byThread.set(`${e.pid}:${e.tid}`, []).get(`${e.pid}:${e.tid}`)!).push(e);
  const out: string[] = [];
  for (const [key, list] of byThread) {
    const name = names.get(key) ?? "?";
    if (name !== "CrRendererMain" && !name.startsWith("DedicatedWorker")) continue;
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const excl = new Map<string, number>();
    const stack: TraceEvent[] = [];
    for (const e of list) {
      while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
      const top = stack.at(-1);
      if (top) excl.set(top.name, (excl.get(top.name) ?? 0) - Math.min(e.dur!, top.ts + top.dur! - e.ts));
      excl.set(e.name, (excl.get(e.name) ?? 0) + e.dur!);
      stack.push(e);
    }
    const total = [...excl.values()].reduce((a, b) => a + b, 0);
    if (total < 200_000) continue; // idle threads (other pages' and frames')
    out.push(`${name} ${key}: ${Math.round(total / 1000)} ms in trace slices`);
    for (const [n, us] of [...excl].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`${String(Math.round(us / 1000)).padStart(8)} ms  ${n}`);
  }
  return out;
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
  const simTarget = targetInfos.find((x) => x.type === "worker" && /sim/i.test(x.url)) ?? targetInfos.find((x) => x.type === "worker" && !/compile/i.test(x.url));
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
  const profiling = process.env.PROFILE !== "0";
  // TRACE=1: a Chrome trace of the run (devtools.timeline), its events summed by thread and name.
  const tracing = process.env.TRACE === "1";
  if (tracing) await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink", "toplevel", "ipc"] });
  if (profiling) {
    await inWorker("Profiler.enable");
    await inWorker("Profiler.start");
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  const { execSync } = await import("node:child_process");
  const cpu = () => { const out: Record<string, number> = {}; for (const line of execSync("for p in $(pgrep -f chrom); do t=$(tr '\\0' ' ' < /proc/$p/cmdline | grep -o -- '--renderer-client-id=[0-9]*\\|--type=[a-z-]*' | tail -1); for th in /proc/$p/task/*; do echo \"${t:-browser}|$(cat $th/comm)|$(cut -d' ' -f14,15 $th/stat 2>/dev/null)\"; done; done 2>/dev/null", { encoding: "utf8" }).trim().split("\n")) { const [proc, comm, ticks = "0 0"] = line.split("|"); const [u, s2] = ticks.split(" "); const k = `${proc} ${comm}`; out[k] = (out[k] ?? 0) + (Number(u) + Number(s2)) * 10; } return out; };
  const cpu0 = cpu();
  const t1 = Date.now();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.waitForFunction(() => window.__playground!.snapshot().phase === "done", undefined, { timeout: 600_000, polling: 200 });
  console.log(`page run: ${Date.now() - t1} ms`);
  const cpu1 = cpu();
  console.log("CPU ms by process during the run:", JSON.stringify(Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, v - (cpu0[k] ?? 0)]).filter(([, v]) => (v as number) >= 50))));
  if (tracing) {
    const buf = await browser.stopTracing();
    writeFileSync(join(outDir, "trace.json"), buf);
    console.log(`trace: ${join(outDir, "trace.json")} (open it in DevTools' Performance panel)`);
    for (const line of traceSummary(JSON.parse(buf.toString()) as TraceFile)) console.log(line);
  }
  if (!profiling) process.exit(0);
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: Profile };
  writeFileSync(join(outDir, "page.cpuprofile"), JSON.stringify(profile));
  console.log("page main thread:\n" + top(profile).join("\n"));
  console.log("worker postMessage:", JSON.stringify(await inWorker("Runtime.evaluate", { expression: "JSON.stringify(globalThis.__pm)", returnByValue: true })));
  const { profile: wp } = (await inWorker("Profiler.stop")) as { profile: Profile };
  writeFileSync(join(outDir, "worker.cpuprofile"), JSON.stringify(wp));
  console.log("simulator worker:\n" + top(wp, 40).join("\n"));
} finally {
  await browser.close();
  server.kill();
}
