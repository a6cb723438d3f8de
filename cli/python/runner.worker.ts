/**
 * A worker that boots Pyodide and runs Python scenarios, each in a fresh simulator session, in
 * headless Chromium (Node 20 has no JSPI): the CLI's `run scenario.py` (cli/python/run.ts, a fresh
 * browser per run, the network refused), the Python e2e tests (one boot for many runs; the checks
 * read the report and the trace it answers with, the same for both languages) and the Python bench.
 * While a run goes it says which learner code runs (`enter`) and that it is working (`alive`, at
 * most every 250 ms), so the Node side can tell a loop from work as the page's watchdog does.
 */
// @ts-expect-error: the Emscripten module has no types; it is bundled into this worker's script.
import createPyodideModule from "pyodide/pyodide.asm.mjs";
import { loadPyodide } from "pyodide";
import { bootPyodide, type PyodideAssets } from "../../src/workers/python/boot";
import { installCeleryPackage, pythonProgram, type PyodideLike } from "../../sim/python/program";
import { createSession } from "../../sim/engine/session";
import { plain } from "../../sim/engine/report";
import { CELERY_PACKAGE } from "../../src/workers/python/celery-package";
import { packJson } from "./wire";
import { EnterThrottle } from "../../src/workers/protocol";

export type RunnerRequest =
  | { type: "boot"; assets: PyodideAssets; makeSnapshot?: boolean }
  | { type: "run"; source: string; seed: number; untilS?: number; file?: string; trace?: boolean; events?: boolean; costs?: "realistic" | "ideal" }
  /** A TypeScript scenario, compiled already (the bench's twin of a Python run, in the same worker). */
  | { type: "run-ts"; code: string; seed: number; untilS?: number };

let py: PyodideLike | null = null;
// One MessageChannel hop per yield, as the page's worker host does (a timer turn would be clamped
// to 4 ms once nested, which made a lab's run minutes long).
const channel = new MessageChannel();
const hops: (() => void)[] = [];
channel.port1.onmessage = () => hops.shift()?.();
let lastAliveMs = 0;
// Which code runs, as the page's worker says it (EnterThrottle): a changed label at once while under
// a budget per window, else the newest at the next yield. A message per context switch was ~1 s of
// lab 3.2's 9 s run.
const throttle = new EnterThrottle();
const sendEnter = (label: string | null) => {
  if (label !== null) postMessage({ type: "enter", label });
};
const host = {
  yieldMacrotask: () =>
    new Promise<void>((r) => {
      sendEnter(throttle.flush());
      const nowMs = performance.now();
      if (nowMs - lastAliveMs > 250) {
        lastAliveMs = nowMs;
        postMessage({ type: "alive" });
      }
      hops.push(r);
      channel.port2.postMessage(0);
    }),
  onEnter: (label: string) => sendEnter(throttle.offer(label, performance.now())),
};

self.onmessage = async (ev: MessageEvent<RunnerRequest>) => {
  const req = ev.data;
  try {
    if (req.type === "boot") {
      const t0 = performance.now();
      const booted = (await bootPyodide(req.assets, loadPyodide as never, createPyodideModule, { makeSnapshot: req.makeSnapshot })) as unknown as PyodideLike & { makeMemorySnapshot(): Uint8Array };
      // As the page's worker does: the snapshot before anything else runs (scripts/bench/python.ts).
      const snapshot = req.makeSnapshot ? booted.makeMemorySnapshot() : undefined;
      py = booted;
      installCeleryPackage(py, CELERY_PACKAGE);
      postMessage({ ok: true, loadMs: performance.now() - t0, ...(snapshot ? { snapshot } : {}) });
      return;
    }
    if (req.type === "run-ts") {
      const t0 = performance.now();
      const session = await createSession(req.code, { seed: req.seed, untilS: req.untilS, host });
      await session.advance();
      const report = session.report({ events: false });
      postMessage({ ok: true, ms: performance.now() - t0, report: { endReason: report.endReason, tasks: report.tasks.length, states: report.stats } });
      return;
    }
    if (!py) throw new Error("boot first");
    const t0 = performance.now();
    const session = await createSession("", { seed: req.seed, untilS: req.untilS, host, file: req.file ?? "scenario.py", program: pythonProgram(py, req.source, { file: req.file }), ...(req.costs ? { costs: req.costs } : {}) });
    await session.advance();
    const report = session.report({ events: req.events ?? true });
    const trace = req.trace ? session.sim.trace.slice().map((e) => (e.data === undefined ? e : { ...e, data: plain(e.data) })) : undefined;
    // One string, not the objects, with long strings said once (wire.ts): a lab's report and trace
    // cross the page and Playwright's CDP hop to Node, where a structured clone and the 155 MB of
    // JSON lab 3.2's report was took ~15 s of a 25 s run.
    postMessage({ ok: true, ms: performance.now() - t0, json: packJson({ report, trace }) });
  } catch (e) {
    postMessage({ ok: false, error: String((e as Error)?.stack ?? e) });
  }
};
