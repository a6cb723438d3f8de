/** The time scrubber: dragging seeks by replaying from the seed (exact, thanks to determinism). */
import { createEffect, type JSX } from "solid-js";
import { fmtS } from "../../lib/format";
import type { Playground } from "../../state/playground";

/** `children` follow the clock on the same row (the run's status). */
export function Scrubber(props: { pg: Playground; children?: JSX.Element }) {
  const pg = props.pg;
  // The furthest time reached; 1 s before anything ran (a range needs a span), not a floor: a
  // 0.5 s run ends at the right end of the bar.
  const max = () => Math.max(pg.horizonS(), pg.shownTimeS()) || 1;
  let input!: HTMLInputElement;
  // max, then value, in one effect: set separately, a value that arrived before its larger max was
  // clamped to the old max by the browser and never set again (the thumb stayed at 1 s of a 4 s run).
  createEffect(() => {
    const m = max();
    const v = pg.shownTimeS();
    input.max = String(m);
    input.value = String(v);
  });
  return (
    <div class="scrubber">
      <label for="time-scrubber">Time</label>
      <input
        id="time-scrubber"
        ref={input}
        type="range"
        min="0"
        step="any"
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
