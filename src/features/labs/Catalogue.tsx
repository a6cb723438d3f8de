/** The course: learning paths and their labs, each with the learner's status and best score. */
import { For, Show } from "solid-js";
import { statusOf, type LabStatus, type ProgressStore } from "../../state/progress";
import { COURSE, labMeta, labNumber } from "./content";
import { ProgressTools } from "./ProgressTools";
import { StorageNotice } from "./StorageNotice";
import { useProgress } from "./use-progress";
import "./labs.css";

export const STATUS_LABEL: Record<LabStatus, string> = { "not-started": "Not started", "in-progress": "In progress", complete: "Complete" };
const STATUS_ICON: Record<LabStatus, string> = { "not-started": "○", "in-progress": "◐", complete: "✓" };

export function StatusChip(props: { status: LabStatus }) {
  return (
    <span class={`status-chip st-${props.status}`} data-testid="lab-status">
      <span aria-hidden="true">{STATUS_ICON[props.status]}</span> {STATUS_LABEL[props.status]}
    </span>
  );
}

export const labHref = (id: string) => `?lab=${encodeURIComponent(id)}`;

export function Catalogue(props: { store: ProgressStore }) {
  const store = useProgress(props.store);
  const o = () => store().overall();
  return (
    <div class="catalogue">
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          Celery Playground
          <span class="tag">labs</span>
        </div>
        <nav class="nav-links">
          <a href="./">Sandbox</a>
        </nav>
      </header>
      <StorageNotice store={store()} exportButton={false} />
      <main class="catalogue-main">
        <section class="overall" aria-label="Overall progress">
          <div>
            <h1>Labs</h1>
            <p class="muted">Every lab runs in this page against a deterministic simulation of Celery. Checks grade your run; your drafts and notes are saved as you type.</p>
          </div>
          <div class="overall-meter">
            <div class="meter-label">
              <strong data-testid="overall-percent">{o().percent}%</strong> complete · {o().completed} of {o().total} labs
            </div>
            <div class="meter" role="progressbar" aria-label="Labs complete" aria-valuemin={0} aria-valuemax={100} aria-valuenow={o().percent}>
              <div class="meter-fill" style={{ width: `${o().percent}%` }} />
            </div>
            <ProgressTools store={props.store} />
          </div>
        </section>
        <For each={COURSE}>
          {(path) => (
            <section class="path" aria-labelledby={`path-${path.id}`}>
              <h2 id={`path-${path.id}`}>
                {path.title}
                <span class="muted small">
                  {" "}
                  · {path.labs.filter((id) => statusOf(store().hasLab(id) ? store().lab(id) : undefined) === "complete").length} / {path.labs.length}
                </span>
              </h2>
              <ul class="lab-cards">
                <For each={path.labs}>
                  {(id) => {
                    const meta = labMeta(id)!;
                    const rec = () => (store().hasLab(id) ? store().lab(id) : undefined);
                    const status = () => statusOf(rec());
                    return (
                      <li class={`lab-card st-${status()}`} data-lab={id}>
                        <a href={labHref(id)}>
                          {/* The visible text is the link's name (WCAG 2.5.3: a voice user says what they see); the hidden words only punctuate it. */}
                          <span class="sr-only">Lab </span>
                          <span class="lab-num mono">{labNumber(id)}</span>
                          <span class="sr-only">: </span>
                          <span class="lab-title">{meta.title}</span>
                          <span class="sr-only">, </span>
                          <span class="lab-foot">
                            <StatusChip status={status()} />
                            <span class="muted small">
                              <Show when={rec() && rec()!.attempts > 0} fallback={`${meta.minutes} min`}>
                                Best {Math.round(rec()!.bestScore * 100)}% · {rec()!.attempts} {rec()!.attempts === 1 ? "run" : "runs"}
                              </Show>
                            </span>
                          </span>
                        </a>
                      </li>
                    );
                  }}
                </For>
              </ul>
            </section>
          )}
        </For>
      </main>
    </div>
  );
}
