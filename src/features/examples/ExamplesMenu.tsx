/** Picks the scenario in the sandbox. Each example keeps its own draft, so switching loses nothing. */
import { For } from "solid-js";
import { EXAMPLES } from "../../examples";

export const BLANK_ID = "blank";

export function ExamplesMenu(props: { value: string; onChange(id: string): void }) {
  return (
    <label class="field examples">
      <span>Examples</span>
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={EXAMPLES}>{(ex) => <option value={ex.id}>{ex.title}</option>}</For>
        <option value={BLANK_ID}>Blank scenario</option>
      </select>
    </label>
  );
}
