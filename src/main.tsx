/** Entry: read the URL and the saved draft, then mount the sandbox. */
import { render } from "solid-js/web";
import { App } from "./App";
import { DEFAULT_EXAMPLE, findExample, BLANK_SOURCE } from "./examples";
import { BLANK_ID } from "./features/examples/ExamplesMenu";
import { defaultDrafts, memoryDrafts } from "./lib/drafts";
import { isFramed, showFramedNotice } from "./lib/framed";
import { decodeShare } from "./lib/share";
import { codeKey, PYTHON_STARTER, savedLanguage } from "./lib/language-drafts";
import type { Speed } from "./state/playground";
import "./styles.css";

async function start(): Promise<void> {
  const q = new URLSearchParams(location.search);
  // Framed anywhere but on the embed route: refuse (src/lib/framed.ts says why it is done here).
  if (q.get("embed") !== "1" && isFramed()) return showFramedNotice(document.getElementById("root")!);
  // Embedded in a course page (src/embed): its own small mount, with the postMessage API.
  if (q.get("embed") === "1") {
    const { startEmbed } = await import("./embed/frame");
    return startEmbed(q, document.getElementById("root")!);
  }
  // The labs (catalogue, lab pages) load only when asked for, so the sandbox stays as light as it was.
  if (q.has("lab") || q.get("view") === "labs") {
    const { startLabRoute } = await import("./features/labs/routes");
    if (await startLabRoute(q, document.getElementById("root")!, q.get("speed") === "max" ? { speed: "max" } : {})) return;
  }
  // A share link (#s=…): its code, seed and settings, opened without running (src/lib/share.ts).
  const shared = location.hash.startsWith("#s=") ? decodeShare(location.hash) : null;
  const requested = q.get("example");
  const exampleId = requested === BLANK_ID || findExample(requested) ? requested! : DEFAULT_EXAMPLE.id;
  // A shared scenario's edits stay in memory, so opening a link never overwrites the learner's drafts.
  const drafts = shared?.ok ? memoryDrafts() : defaultDrafts();
  // A link's language (TypeScript when it has none), else the one last chosen for this example.
  const language = shared?.ok ? (shared.shared.language ?? "typescript") : await savedLanguage(drafts, exampleId);
  const draft = await drafts.load(codeKey(exampleId, language));
  const initialCode = shared?.ok ? shared.shared.code : (draft ?? (language === "python" ? (findExample(exampleId)?.sourcePy ?? PYTHON_STARTER) : (findExample(exampleId)?.source ?? BLANK_SOURCE)));
  const seedParam = q.get("seed");
  const seed = shared?.ok ? shared.shared.seed : seedParam !== null && Number.isFinite(Number(seedParam)) ? Number(seedParam) : undefined;
  const sp = q.get("speed");
  const speed: Speed | undefined = sp === "max" ? "max" : sp !== null && Number(sp) > 0 ? Number(sp) : shared?.ok ? shared.shared.speed : undefined;
  const untilS = shared?.ok ? shared.shared.untilS : undefined;
  // A refused link says so on screen (and nothing of it is loaded): silence looked like a broken page.
  const notice = shared && !shared.ok ? `This share link was not opened: ${shared.reason}. Nothing from it was loaded; the editor shows your own draft.` : undefined;
  const root = document.getElementById("root")!;
  root.textContent = "";
  render(() => <App drafts={drafts} exampleId={exampleId} initialCode={initialCode} language={language} {...(seed !== undefined ? { seed } : {})} {...(speed !== undefined ? { speed } : {})} {...(untilS !== undefined ? { untilS } : {})} {...(notice !== undefined ? { notice } : {})} />, root);
}

void start();

// Offline once loaded: a hand-written service worker caches the shell and the hashed assets.
if (import.meta.env.PROD && "serviceWorker" in navigator && new URLSearchParams(location.search).get("sw") !== "off") {
  addEventListener("load", () => {
    navigator.serviceWorker.register(new URL("./sw.js", document.baseURI), { scope: "./" }).catch(() => {});
  });
}
