/**
 * Says, visibly, when progress cannot be saved in this browser, and offers the way out: export, from
 * right here, since leaving the page would lose what is only in memory.
 */
import { Show } from "solid-js";
import type { ProgressStore } from "../../state/progress";
import { downloadProgress } from "./ProgressTools";

export function StorageNotice(props: { store: ProgressStore; exportButton?: boolean }) {
  const reason = () => (props.store.mode.kind === "memory" ? props.store.mode.reason : null);
  return (
    <Show when={reason()}>
      {(r) => (
        <div class="storage-notice" role="status" data-testid="storage-notice">
          <strong>Progress is kept in memory only</strong>: {r()}. It is lost when this page closes or reloads; export it to keep a copy.
          <Show when={props.exportButton !== false}>
            {" "}
            <button class="btn small" onClick={() => downloadProgress(props.store)}>
              Export progress
            </button>
          </Show>
        </div>
      )}
    </Show>
  );
}
