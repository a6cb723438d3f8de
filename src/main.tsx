/** Entry: read the URL and the saved draft, then mount the sandbox. */
import { render } from "solid-js/web";
import { App } from "./App";
import { DEFAULT_EXAMPLE, findExample, BLANK_SOURCE } from "./examples";
import { BLANK_ID } from "./features/examples/ExamplesMenu";
import { defaultDrafts } from "./lib/drafts";
import type { Speed } from "./state/playground";
import "./styles.css";

async function start(): Promise<void> {
  const q = new URLSearchParams(location.search);
  // The labs (catalogue, lab pages) load only when asked for, so the sandbox stays as light as it was.
  if (q.has("lab") || q.get("view") === "labs") {
    const { startLabRoute } = await import("./features/labs/routes");
    if (await startLabRoute(q, document.getElementById("root")!, q.get("speed") === "max" ? { speed: "max" } : {})) return;
  }
  const requested = q.get("example");
  const exampleId = requested === BLANK_ID || findExample(requested) ? requested! : DEFAULT_EXAMPLE.id;
  const drafts = defaultDrafts();
  const draft = await drafts.load(exampleId);
  const initialCode = draft ?? findExample(exampleId)?.source ?? BLANK_SOURCE;
  const seedParam = q.get("seed");
  const seed = seedParam !== null && Number.isFinite(Number(seedParam)) ? Number(seedParam) : undefined;
  const sp = q.get("speed");
  const speed: Speed | undefined = sp === "max" ? "max" : sp !== null && Number(sp) > 0 ? Number(sp) : undefined;
  const root = document.getElementById("root")!;
  root.textContent = "";
  render(() => <App drafts={drafts} exampleId={exampleId} initialCode={initialCode} {...(seed !== undefined ? { seed } : {})} {...(speed !== undefined ? { speed } : {})} />, root);
}

void start();

// Offline once loaded: a hand-written service worker caches the shell and the hashed assets.
if (import.meta.env.PROD && "serviceWorker" in navigator && new URLSearchParams(location.search).get("sw") !== "off") {
  addEventListener("load", () => {
    navigator.serviceWorker.register(new URL("./sw.js", document.baseURI), { scope: "./" }).catch(() => {});
  });
}
