/**
 * The top bar's Share button: puts a link holding the current code, seed and settings (share.ts)
 * on the clipboard, and shows it in a field as well, since the clipboard can be refused (an
 * iframe without clipboard-write, an insecure origin).
 */
import { createSignal, Show } from "solid-js";
import type { Playground } from "../state/playground";
import { shareUrl, TYPICAL_MAX } from "./share";
import "./share.css";

export function ShareButton(props: { pg: Playground; untilS?: number | undefined }) {
  const [link, setLink] = createSignal<string | null>(null);
  const [note, setNote] = createSignal("");
  async function share() {
    const pg = props.pg;
    const speed = pg.speed();
    const url = shareUrl(location.href, { code: pg.code(), seed: pg.seed(), speed, language: pg.language(), ...(props.untilS !== undefined ? { untilS: props.untilS } : {}) });
    setLink(url);
    const long = url.length > TYPICAL_MAX ? ` (${url.length} characters: some tools cut long links)` : "";
    try {
      await navigator.clipboard.writeText(url);
      setNote(`Link copied${long}.`);
    } catch {
      setNote(`Copy the link below${long}.`);
    }
  }
  return (
    <span class="share">
      <button class="btn small ghost" title="Copy a link holding this code, seed and settings" onClick={() => void share()}>
        Share
      </button>
      <Show when={link()}>
        <span class="share-pop" role="status">
          <span class="small">{note()}</span>
          <input class="mono" readOnly aria-label="Share link" data-testid="share-link" value={link()!} onFocus={(e) => e.currentTarget.select()} />
          <button class="btn small ghost" aria-label="Close share link" onClick={() => setLink(null)}>
            ✕
          </button>
        </span>
      </Show>
    </span>
  );
}
