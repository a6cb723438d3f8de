/** The time scrubber: dragging seeks by replaying from the seed (exact, thanks to determinism). */
import type { JSX } from "solid-js";
import { fmtS } from "../../lib/format";
import type { Playground } from "../../state/playground";

/** `children` follow the clock on the same row (the run's status). */
export function Scrubber(props: { pg: Playground; children?: JSX.Element }) {
  const pg = props.pg;
  const max = () => Math.max(pg.horizonS(), pg.shownTimeS(), 1);
  return (
    <div class="scrubber">
      <label for="time-scrubber">Time</label>
      <input
        id="time-scrubber"
        type="range"
        min="0"
        max={max()}
        step="any"
        value={pg.shownTimeS()}
        aria-valuetext={fmtS(pg.shownTimeS())}
        onInput={(e) => pg.seek(Number(e.currentTarget.value))}
      />
      <output class="mono" data-testid="sim-time">
        {fmtS(pg.shownTimeS())} / {fmtS(max())}
      </output>
      {props.children}
    </div>
  );
}
