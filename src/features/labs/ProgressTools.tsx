/**
 * Export progress to a JSON file; import one back (size checked before reading, validated, then
 * shown as a plan — labs and drafts added, replaced, kept — and merged only when the learner says
 * so, with one undo); clear it (after a second click).
 */
import { createSignal, For, Show } from "solid-js";
import { LIMITS, type ImportPlan, type ImportPreview, type ProgressStore } from "../../state/progress";

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
  const [pending, setPending] = createSignal<{ name: string; preview: ImportPreview } | null>(null);
  const [canUndo, setCanUndo] = createSignal(false);
  let input!: HTMLInputElement;

  function exportFile() {
    const file = downloadProgress(props.store);
    setMsg({ kind: "ok", text: `Exported ${Object.keys(file.labs).length} labs and ${Object.keys(file.drafts).length} drafts.` });
  }

  async function importFile(f: File | undefined) {
    input.value = "";
    if (!f) return;
    setPending(null);
    // The size first: a file is only read once it is known to be small enough.
    if (f.size > LIMITS.fileChars) {
      setMsg({ kind: "error", text: `Import refused: ${f.name} is ${(f.size / 1e6).toFixed(1)} MB; a progress file is at most ${LIMITS.fileChars / 1e6} MB. Nothing was read or changed.` });
      return;
    }
    let text: string;
    try {
      text = await f.text();
    } catch (e) {
      setMsg({ kind: "error", text: `Import refused: the file could not be read (${(e as Error).message}). Nothing was changed.` });
      return;
    }
    const res = props.store.previewImport(text);
    if (!res.ok) {
      setMsg({ kind: "error", text: `Import refused: ${res.reason}. Nothing was changed.` });
      return;
    }
    setMsg(null);
    setPending({ name: f.name, preview: res });
  }

  async function confirmImport() {
    const p = pending();
    if (!p) return;
    setPending(null);
    await props.store.applyImport(p.preview);
    setCanUndo(props.store.canUndoImport);
    const o = props.store.overall();
    const notes = p.preview.notes;
    setMsg({ kind: "ok", text: `Imported ${p.name}: ${o.completed} of ${o.total} labs complete.${notes.length ? ` ${notes.join("; ")}.` : ""}` });
  }

  async function undoImport() {
    setCanUndo(false);
    if (await props.store.undoImport()) setMsg({ kind: "ok", text: "Import undone: your drafts and records are as they were before it." });
  }

  async function clear() {
    setConfirming(false);
    setCanUndo(false);
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
      <Show when={pending()}>{(p) => <ImportQuestion name={p().name} plan={p().preview.plan} onImport={() => void confirmImport()} onCancel={() => (setPending(null), setMsg({ kind: "ok", text: "Import cancelled. Nothing was changed." }))} />}</Show>
      <Show when={msg()}>
        {(m) => (
          <p class={`tools-msg ${m().kind}`} role={m().kind === "error" ? "alert" : "status"} data-testid="progress-message">
            {m().text}
            <Show when={canUndo() && m().kind === "ok"}>
              {" "}
              <button class="btn small ghost" onClick={() => void undoImport()}>
                Undo import
              </button>
            </Show>
          </p>
        )}
      </Show>
    </div>
  );
}

/** The plan of an import, spelled out, and the question. */
function ImportQuestion(props: { name: string; plan: ImportPlan; onImport(): void; onCancel(): void }) {
  const rows = () => {
    const { labs, drafts } = props.plan;
    return [
      { what: "Labs added", items: labs.added },
      { what: "Labs replaced (your record is overwritten)", items: labs.replaced },
      { what: "Drafts added", items: drafts.added },
      { what: "Drafts replaced (your text is overwritten)", items: drafts.replaced },
      { what: "Kept as they are (not in the file)", items: [...labs.kept.map((k) => `lab ${k}`), ...drafts.kept.map((k) => `draft ${k}`)] },
      { what: "Already the same", items: [...labs.unchanged, ...drafts.unchanged] },
    ].filter((r) => r.items.length > 0);
  };
  return (
    <div class="import-plan" role="dialog" aria-label="Import progress" data-testid="import-plan">
      <p>
        Import <b>{props.name}</b>? Only what the file holds changes; nothing else is deleted.
      </p>
      <dl>
        <For each={rows()}>
          {(r) => (
            <>
              <dt>
                {r.what} ({r.items.length})
              </dt>
              <dd>{r.items.join(", ")}</dd>
            </>
          )}
        </For>
      </dl>
      <button class="btn small" onClick={() => props.onImport()}>
        Import
      </button>{" "}
      <button class="btn small ghost" onClick={() => props.onCancel()}>
        Cancel
      </button>
    </div>
  );
}
