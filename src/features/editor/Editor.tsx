/**
 * The code editor. CodeMirror is imported lazily; until it arrives the text is shown read-only, so
 * the learner's draft is on screen from the first paint.
 */
import { createEffect, onCleanup, onMount, Show, createSignal } from "solid-js";
import type { Diagnostic } from "../../workers/protocol";
import type { EditorHandle } from "./codemirror";
import type { Language } from "../../lib/language";

/** `onFocus`: the learner is about to type (the page starts the compiler then, a second or so before the first edit). */
export function Editor(props: { code: string; language?: Language; diagnostics: Diagnostic[]; onChange(text: string): void; onRun(): void; onFocus?(): void }) {
  let host!: HTMLDivElement;
  const [editor, setEditor] = createSignal<EditorHandle | null>(null);

  let disposed = false;
  onMount(async () => {
    const { createEditor } = await import("./codemirror");
    if (disposed) return;
    setEditor(createEditor(host, { doc: props.code, onChange: (t) => props.onChange(t), onRun: () => props.onRun() }));
  });
  onCleanup(() => {
    disposed = true;
    editor()?.destroy();
  });

  // Text replaced from outside (Examples menu): push it into the editor.
  createEffect(() => editor()?.setText(props.code));
  createEffect(() => void editor()?.setLanguage(props.language ?? "typescript"));
  createEffect(() => editor()?.setDiagnostics(props.diagnostics));

  return (
    <div class="editor" onFocusIn={() => props.onFocus?.()}>
      {/* CodeMirror gets a node of its own: Solid clears a parent whose only dynamic child goes away. */}
      <div class="cm-host" ref={host} />
      <Show when={!editor()}>
        <pre class="editor-fallback" aria-busy="true">
          {props.code}
        </pre>
      </Show>
    </div>
  );
}
