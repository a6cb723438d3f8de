/**
 * The labs' routes, by query string so the static site needs no server rewrites:
 * `?view=labs` is the catalogue, `?lab=<id>` a lab page; anything else is the sandbox.
 */
import { render } from "solid-js/web";
import { App } from "../../App";
import { progressDrafts } from "../../lib/drafts";
import { sharedProgress } from "../../state/progress";
import type { Speed } from "../../state/playground";
import { Catalogue } from "./Catalogue";
import { labMeta, loadLab } from "./content";
import { openLab } from "./open-lab";
import { codeKey, savedLanguage } from "../../lib/language-drafts";
import "./labs.css";

/** Mounts the catalogue or a lab page when the URL asks for one; false for the sandbox. */
export async function startLabRoute(q: URLSearchParams, root: HTMLElement, opts: { speed?: Speed } = {}): Promise<boolean> {
  const labId = q.get("lab");
  if (labId !== null && labMeta(labId)) return mountLab(labId, root, opts), true;
  if (q.get("view") !== "labs" && labId === null) return false;
  const store = await sharedProgress();
  root.textContent = "";
  document.title = "Labs · Celery Playground";
  render(() => <Catalogue store={store} />, root);
  return true;
}

async function mountLab(id: string, root: HTMLElement, opts: { speed?: Speed }): Promise<void> {
  const [lab, store] = await Promise.all([loadLab(id), sharedProgress()]);
  if (!lab) throw new Error(`lab ${id} is missing files`);
  const { key, draft, appLab } = openLab(lab, store);
  const drafts = progressDrafts(store);
  // Python where the lab has it and the learner last chose it.
  const language = lab.starterPy !== undefined ? await savedLanguage(drafts, key) : "typescript";
  const initialCode = language === "python" ? (store.draft(codeKey(key, "python")) ?? lab.starterPy!) : (draft ?? lab.starter);
  root.textContent = "";
  render(
    () => (
      <App
        drafts={drafts}
        exampleId={key}
        initialCode={initialCode}
        language={language}
        seed={lab.suite.seed}
        {...(opts.speed !== undefined ? { speed: opts.speed } : {})}
        lab={appLab()}
      />
    ),
    root,
  );
}
