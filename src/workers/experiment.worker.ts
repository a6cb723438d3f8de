/**
 * An experiment worker: runs whole points (or a counterfactual pair) headlessly, with the same
 * sim/experiment code as the CLI's worker threads, so a point gives the same figures in the page as
 * in `npx celery-playground sweep`. The pool in src/features/experiments/pool.ts starts one per core.
 *
 * It runs in the sandbox frame like the simulation worker, and the pool gives every point a fresh
 * one. `./lockdown` first: the host's timers are gone before learner code loads, and requests come
 * and replies go on the page's private port only, so a scenario cannot forge "progress" (which keeps a
 * hung worker alive) or a result.
 */
import { acceptPort, hostChannel, type PortMessage, type PrivateEndpoint } from "./lockdown";
import { runPoint } from "../../sim/experiment/run";
import { throttledHeartbeat } from "../../sim/engine/hang-watch";
import { diffRuns } from "../../sim/experiment/diff";
import { createWorkerHost } from "./worker-host";
import type { ExperimentReply, ExperimentRequest } from "./protocol";

// The pool's watchdog listens to progress, not to which code runs: no enter messages.
const host = createWorkerHost(() => {}, undefined, hostChannel);
let endpoint: PrivateEndpoint | null = null;
const post = (m: ExperimentReply) => endpoint?.postSide(m);

// The pool's HangWatch hears these (sim/engine/hang-watch.ts: one rule, one cadence).
let eventsFired = 0;
const beat = throttledHeartbeat(() => post({ type: "progress", events: eventsFired }), () => performance.now());
const onProgress = (events: number) => {
  eventsFired = events;
  beat();
};

function onRequest(ev: PortMessage): void {
  const req = ev.data as ExperimentRequest;
  const untilS = req.untilS !== undefined ? { untilS: req.untilS } : {};
  if (req.type === "run") {
    void runPoint(req.code, req.run, { host, file: req.file, onProgress, ...untilS }).then((result) => post({ type: "result", result }));
  } else if (req.type === "diff") {
    diffRuns(req.code, { host, file: req.file, seed: req.seed, a: req.a, b: req.b, ...untilS }).then(
      (result) => post({ type: "diff", result: JSON.parse(JSON.stringify(result)) }),
      (e) => post({ type: "error", message: String((e as Error)?.message ?? e) }),
    );
  }
}

void acceptPort().then((ep) => {
  endpoint = ep;
  ep.addEventListener("message", onRequest);
  ep.start();
});
