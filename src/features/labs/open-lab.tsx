/**
 * Opening a lab, as the lab pages (routes.tsx) and the embed (src/embed/frame.tsx) both do: its
 * draft, whether the lab's content changed under the learner's copy, and the sandbox's lab props
 * (the panel, and the "your copy or the new starter?" question when it did).
 */
import { createSignal, Show } from "solid-js";
import type { ProgressStore } from "../../state/progress";
import type { AppLab } from "./app-lab";
import { draftKey, type LabContent } from "./content";
import { ContentUpdate } from "./ContentUpdate";
import { LabPanel } from "./LabPanel";

export function openLab(lab: LabContent, store: ProgressStore): { key: string; draft: string | null; appLab: () => AppLab } {
  const id = lab.meta.id;
  const key = draftKey(id);
  const rec = store.lab(id);
  const draft = store.draft(key);
  // Started from other content, and the learner's copy is not simply the new starter: ask.
  const changed = store.hasLab(id) && rec.contentHash !== null && rec.contentHash !== lab.hash && draft !== null && draft !== lab.starter;
  store.startLab(id, lab.hash);
  document.title = `${lab.meta.title} · Celery Playground`;
  /** The App's `lab` prop; call it inside the render root (it owns a signal). */
  const appLab = (): AppLab => {
    const [asking, setAsking] = createSignal(changed);
    const settle = () => {
      store.acceptContent(id, lab.hash);
      setAsking(false);
    };
    return {
      title: lab.meta.title,
      starter: lab.starter,
      ...(lab.starterPy !== undefined ? { starterPy: lab.starterPy } : {}),
      ...(lab.suite.untilS !== undefined ? { untilS: lab.suite.untilS } : {}),
      panel: (pg) => (
        <>
          <LabPanel pg={pg} lab={lab} store={store} />
          <Show when={asking()}>
            <ContentUpdate
              mine={draft ?? ""}
              next={lab.starter}
              onKeep={settle}
              onReset={() => {
                pg.setCode(lab.starter);
                settle();
              }}
            />
          </Show>
        </>
      ),
    };
  };
  return { key, draft, appLab };
}
