/**
 * The playground inside a course page's iframe: `?embed=1&lab=<id>&origins=<allow-list>`.
 *
 * Minimal chrome (no links away, natural height so the host can size the frame to its content), the
 * lab's panel with its goals and checks, and the postMessage API of protocol.ts: messages go out to
 * the allowed origins only, and a message comes in only from the parent window, from an allowed
 * origin, and in exactly the shape protocol.ts accepts; anything else is ignored and counted
 * (`window.__embed`, for tests). Without `origins` the frame works but talks to nobody. `origins` is
 * written by the framing page itself, so it is not a security boundary: host-supplied code runs
 * only after the learner's click inside the frame (host-gate.ts).
 *
 * Progress lives in the same store as the lab pages (IndexedDB, partitioned per top-level site in a
 * third-party frame, or memory with the visible notice where the browser blocks it), and every
 * change is sent to the host as `progress` so the host can keep it too.
 */
import { createEffect, on } from "solid-js";
import { render } from "solid-js/web";
import { App } from "../App";
import { progressDrafts, memoryDrafts } from "../lib/drafts";
import { sharedProgress, type ProgressStore } from "../state/progress";
import type { Playground, Speed } from "../state/playground";
import { labMeta, loadLab, type LabContent } from "../features/labs/content";
import { openLab } from "../features/labs/open-lab";
import { BLANK_SOURCE } from "../examples";
import { isLanguage, type Language } from "../lib/language";
import { codeKey, PYTHON_STARTER, savedLanguage } from "../lib/language-drafts";
import { completedStatement, outMessage, parseIn, parseOrigins, type InMessage, type OutMessage } from "./protocol";
import { createBar } from "./bar";
import { HostGate, type HostGateStats } from "./host-gate";
import "../features/labs/labs.css";
import "./embed.css";

export interface EmbedStats extends HostGateStats {
  origins: string[];
  accepted: number;
  ignored: number;
  /** Why the last ignored message was ignored (tests read it; never shown). */
  lastIgnored: string;
  sent: string[];
}

declare global {
  interface Window {
    __embed?: EmbedStats;
  }
}

export async function startEmbed(q: URLSearchParams, root: HTMLElement): Promise<void> {
  document.documentElement.classList.add("cp-embed");
  const origins = parseOrigins(q.get("origins"));
  const stats: EmbedStats = { origins, accepted: 0, ignored: 0, lastIgnored: "", sent: [], refused: 0, lastRefused: "" };
  window.__embed = stats;
  const framed = window.parent !== window;

  const send = (m: OutMessage) => {
    if (!framed) return;
    stats.sent.push(m.type);
    // One post per allowed origin: the browser delivers only the one matching the parent's origin.
    for (const o of origins) window.parent.postMessage(m, o);
  };

  // Host commands that arrive before the playground exists wait for it.
  let pg: Playground | null = null;
  let gate: HostGate | null = null;
  const pending: InMessage[] = [];
  const ignore = (why: string) => {
    stats.ignored++;
    stats.lastIgnored = why;
  };
  addEventListener("message", (e: MessageEvent) => {
    if (e.source !== window.parent || !framed) return ignore("not from the parent window");
    if (!origins.includes(e.origin)) return ignore(`origin ${e.origin} is not allowed`);
    const m = parseIn(e.data);
    if (!m) return ignore("not a valid message");
    stats.accepted++;
    if (pg && gate) apply(pg, gate, m);
    else pending.push(m);
  });

  const sp = q.get("speed");
  const speed: Speed | undefined = sp === "max" ? "max" : sp !== null && Number(sp) > 0 ? Number(sp) : undefined;
  const seedParam = q.get("seed");
  const seedOverride = seedParam !== null && Number.isSafeInteger(Number(seedParam)) ? Number(seedParam) : undefined;

  // The host's language="python": the lab opens in Python where it has Python (else TypeScript).
  const languageParam = q.get("language");
  const language: Language | undefined = isLanguage(languageParam) ? languageParam : undefined;
  if (languageParam !== null && language === undefined) console.warn(`embed: language "${languageParam}" is not one the playground knows (typescript, python)`);

  const labId = q.get("lab");
  const [lab, store] = labId !== null && labMeta(labId) ? await Promise.all([loadLab(labId), sharedProgress()]) : [null, null];
  root.textContent = "";
  // The bar above the app says what the host did; the gate keeps the host's code from running unclicked.
  const bar = createBar(root);
  const mount = document.createElement("div");
  root.append(mount);
  const starter = language === "python" ? (lab ? (lab.starterPy ?? lab.starter) : PYTHON_STARTER) : (lab?.starter ?? BLANK_SOURCE);
  gate = new HostGate(starter, bar, stats);
  const theGate = gate;

  const attach = (p: Playground) => {
    pg = p;
    theGate.attach(p);
    watchRuns(p, send);
    for (const m of pending.splice(0)) apply(p, theGate, m);
    send(outMessage("ready", { labId: lab?.meta.id ?? null, seed: p.seed() }));
  };

  if (!lab || !store) {
    if (labId !== null) console.warn(`embed: no lab "${labId}"; opening the sandbox`);
    document.title = "Celery Playground";
    render(
      () => <App drafts={theGate.guardDrafts(memoryDrafts())} exampleId="embed" initialCode={language === "python" ? PYTHON_STARTER : BLANK_SOURCE} language={language ?? "typescript"} embed onPlayground={attach} {...(seedOverride !== undefined ? { seed: seedOverride } : {})} {...(speed !== undefined ? { speed } : {})} />,
      mount,
    );
  } else await mountLab(lab, store, mount, { attach, send, gate: theGate, ...(speed !== undefined ? { speed } : {}), ...(language !== undefined ? { language } : {}) });

  watchHeight(root, send);
}

/** A host command. Nothing here runs host-supplied code: the gate waits for the learner's click. */
function apply(pg: Playground, gate: HostGate, m: InMessage): void {
  switch (m.type) {
    case "load-scenario":
      gate.load(m.code, m.seed, m.language);
      return;
    case "run":
      gate.hostRun();
      return;
    case "reset":
      gate.hostReset();
      return;
    case "set-seed":
      pg.setSeed(m.seed);
      return;
  }
}

/** `run-finished` once per finished run (a run of new code or seed, or the same one again). */
function watchRuns(pg: Playground, send: (m: OutMessage) => void): void {
  createEffect(
    on(pg.phase, (phase, prev) => {
      if (phase !== "done" || prev === "done") return;
      const r = pg.run();
      send(outMessage("run-finished", { traceHash: r.traceHash, simTime: r.nowS, stats: { events: r.traceLength, tasks: r.tasks.size, states: { ...r.stateCounts } } }));
    }),
  );
}

/** The content's height (not the viewport's, which is the frame's and would only ever grow). */
function watchHeight(root: HTMLElement, send: (m: OutMessage) => void): void {
  let last = -1;
  let queued = false;
  const measure = () => {
    queued = false;
    const h = Math.ceil(root.getBoundingClientRect().height);
    if (h !== last && h > 0) {
      last = h;
      send(outMessage("resize", { height: h }));
    }
  };
  new ResizeObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(measure);
    }
  }).observe(root);
}

async function mountLab(lab: LabContent, store: ProgressStore, root: HTMLElement, o: { attach(pg: Playground): void; send(m: OutMessage): void; gate: HostGate; speed?: Speed; language?: Language }): Promise<void> {
  const id = lab.meta.id;
  const { key, draft, appLab } = openLab(lab, store);
  const drafts = o.gate.guardDrafts(progressDrafts(store));
  // The host's language where the lab has Python, else the one the learner last chose (as a lab page).
  const language: Language = lab.starterPy === undefined ? "typescript" : (o.language ?? (await savedLanguage(drafts, key)));
  const initialCode = language === "python" ? (store.draft(codeKey(key, "python")) ?? lab.starterPy!) : (draft ?? lab.starter);

  // Grading records each run with the lab's seed through recordRun (LabPanel): tell the host.
  const passedHere = new Set<string>();
  let completedHere = false;
  const recordRun = store.recordRun.bind(store);
  store.recordRun = (labId, results) => {
    const r = recordRun(labId, results);
    if (labId !== id) return r;
    const titles = new Map(lab.suite.checks.map((c) => [c.id, c.title]));
    for (const c of results) {
      if (!c.passed || passedHere.has(c.id)) continue;
      passedHere.add(c.id);
      o.send(outMessage("check-passed", { labId: id, checkId: c.id, title: titles.get(c.id) ?? c.id }));
    }
    const score = results.length ? results.filter((c) => c.passed).length / results.length : 0;
    if (score === 1 && !completedHere) {
      completedHere = true;
      const activityBase = new URL("./", location.href).href;
      o.send(outMessage("lab-completed", { labId: id, score, statement: completedStatement({ labId: id, title: lab.meta.title, score, checks: results.length, activityBase, now: Date.now() }) }));
    }
    return r;
  };
  let lastProgress = "";
  const sendProgress = () => {
    const r = store.lab(id);
    const m = outMessage("progress", { labId: id, score: r.bestScore, completed: r.completedAt !== null });
    const k = JSON.stringify(m);
    if (k !== lastProgress) {
      lastProgress = k;
      o.send(m);
    }
  };
  store.subscribe(sendProgress);

  render(() => {
    return (
      <App
        drafts={drafts}
        exampleId={key}
        initialCode={initialCode}
        language={language}
        seed={lab.suite.seed}
        embed
        onPlayground={(pg) => {
          o.attach(pg);
          sendProgress();
        }}
        {...(o.speed !== undefined ? { speed: o.speed } : {})}
        lab={appLab()}
      />
    );
  }, root);
}
