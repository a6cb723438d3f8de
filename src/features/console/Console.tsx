/** The scenario's console.log output, newest at the bottom, following the tail unless scrolled up. */
import { createEffect, For, Show } from "solid-js";
import type { RunView } from "../../state/run-store";

export function Console(props: { run: RunView }) {
  let box!: HTMLDivElement;
  let stick = true;
  // Follow the tail only when lines were added: setting scrollTop forces a layout of the whole
  // page, and doing it on every frame of a busy run cost hundreds of milliseconds of main thread.
  let shown = -1;
  createEffect(() => {
    const n = props.run.logs.length + props.run.logsDropped;
    if (n === shown) return;
    shown = n;
    if (stick) queueMicrotask(() => (box.scrollTop = box.scrollHeight));
  });
  return (
    <section class="console" aria-label="Console">
      <div class="console-lines" ref={box} role="log" aria-label="Console output" tabindex="0" onScroll={() => (stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 8)}>
        <Show when={props.run.logsDropped > 0}>
          <div class="log muted">… {props.run.logsDropped} earlier lines not kept</div>
        </Show>
        <For each={props.run.logs}>
          {(l) => (
            <div class={`log level-${l.level}`}>
              <span class="log-time">{l.atS.toFixed(3)}</span>
              <span class="log-src" title={l.source}>
                {l.source}
              </span>
              <span class="log-text">{l.text}</span>
            </div>
          )}
        </For>
        <Show when={props.run.error}>
          {(e) => (
            <div class="log level-error">
              <span class="log-time">{props.run.nowS.toFixed(3)}</span>
              <span class="log-src">scenario</span>
              <span class="log-text">
                {e().type}: {e().message}
                <Show when={e().traceback}>
                  <pre class="traceback">{e().traceback}</pre>
                </Show>
              </span>
            </div>
          )}
        </Show>
      </div>
    </section>
  );
}
