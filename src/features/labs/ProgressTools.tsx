/** Export progress to a JSON file, import it back (validated), and clear it (after a second click). */
import { createSignal, Show } from "solid-js";
import type { ProgressStore } from "../../state/progress";

/** Saves the store as a JSON file through a download; returns what was written. */
export function downloadProgress(store: ProgressStore) {
  const file = store.exportFile();
  const blob = new Blob([JSON.stringify(file, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `celery-playground-progress-${file.exportedAt.slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  return file;
}

export function ProgressTools(props: { store: ProgressStore }) {
  const [msg, setMsg] = createSignal<{ kind: "ok" | "error"; text: string } | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  let input!: HTMLInputElement;

  function exportFile() {
    const file = downloadProgress(props.store);
    setMsg({ kind: "ok", text: `Exported ${Object.keys(file.labs).length} labs and ${Object.keys(file.drafts).length} drafts.` });
  }

  async function importFile(f: File | undefined) {
    if (!f) return;
    let text: string;
    try {
      text = await f.text();
    } catch (e) {
      setMsg({ kind: "error", text: `Import refused: the file could not be read (${(e as Error).message}). Nothing was changed.` });
      return;
    }
    const res = await props.store.importText(text);
    input.value = "";
    if (!res.ok) setMsg({ kind: "error", text: `Import refused: ${res.reason}. Nothing was changed.` });
    else {
      const o = props.store.overall();
      setMsg({ kind: "ok", text: `Imported ${f.name}: ${o.completed} of ${o.total} labs complete.${res.notes.length ? ` ${res.notes.join("; ")}.` : ""}` });
    }
  }

  async function clear() {
    setConfirming(false);
    await props.store.clear();
    setMsg({ kind: "ok", text: "Progress and drafts cleared." });
  }

  return (
    <div class="progress-tools">
      <button class="btn small" onClick={exportFile}>
        Export progress
      </button>
      <button class="btn small" onClick={() => input.click()}>
        Import progress…
      </button>
      <input ref={input} type="file" accept=".json,application/json" hidden aria-label="Progress file" onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
      <Show
        when={confirming()}
        fallback={
          <button class="btn small ghost" onClick={() => setConfirming(true)}>
            Clear progress…
          </button>
        }
      >
        <span class="confirm">
          Clear every lab's progress, notes and drafts?
          <button class="btn small danger" onClick={() => void clear()}>
            Yes, clear everything
          </button>
          <button class="btn small ghost" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      </Show>
      <Show when={msg()}>
        {(m) => (
          <p class={`tools-msg ${m().kind}`} role={m().kind === "error" ? "alert" : "status"} data-testid="progress-message">
            {m().text}
          </p>
        )}
      </Show>
    </div>
  );
}
