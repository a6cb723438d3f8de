/**
 * The labs' routes, by query string so the static site needs no server rewrites:
 * `?view=labs` is the catalogue, `?lab=<id>` a lab page; anything else is the sandbox.
 */
import { createSignal, Show } from "solid-js";
import { render } from "solid-js/web";
import { App } from "../../App";
import { progressDrafts } from "../../lib/drafts";
import { sharedProgress } from "../../state/progress";
import type { Speed } from "../../state/playground";
import { Catalogue } from "./Catalogue";
import { draftKey, labMeta, loadLab } from "./content";
import { ContentUpdate } from "./ContentUpdate";
import { LabPanel } from "./LabPanel";
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
  const key = draftKey(id);
  const rec = store.lab(id);
  const draft = store.draft(key);
  // Started from other content, and the learner's copy is not simply the new starter: ask.
  const changed = store.hasLab(id) && rec.contentHash !== null && rec.contentHash !== lab.hash && draft !== null && draft !== lab.starter;
  store.startLab(id, lab.hash);
  document.title = `${lab.meta.title} · Celery Playground`;
  root.textContent = "";
  render(() => {
    const [asking, setAsking] = createSignal(changed);
    return (
      <App
        drafts={progressDrafts(store)}
        exampleId={key}
        initialCode={draft ?? lab.starter}
        seed={lab.suite.seed}
        {...(opts.speed !== undefined ? { speed: opts.speed } : {})}
        lab={{
          title: lab.meta.title,
          starter: lab.starter,
          ...(lab.suite.untilS !== undefined ? { untilS: lab.suite.untilS } : {}),
          panel: (pg) => (
            <>
              <LabPanel pg={pg} lab={lab} store={store} />
              <Show when={asking()}>
                <ContentUpdate
                  mine={draft ?? ""}
                  next={lab.starter}
                  onKeep={() => {
                    store.acceptContent(id, lab.hash);
                    setAsking(false);
                  }}
                  onReset={() => {
                    pg.setCode(lab.starter);
                    store.acceptContent(id, lab.hash);
                    setAsking(false);
                  }}
                />
              </Show>
            </>
          ),
        }}
      />
    );
  }, root);
}
