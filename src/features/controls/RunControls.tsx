/** Run, Pause, Step, Reset, Speed and Seed. Accessible names are the tests' handles: keep them. */
import { For } from "solid-js";
import { SPEEDS, type Playground, type Speed } from "../../state/playground";

const speedLabel = (s: Speed) => (s === "max" ? "max" : `${s} s/s`);

export function RunControls(props: { pg: Playground }) {
  const pg = props.pg;
  const running = () => pg.phase() === "running" || pg.phase() === "seeking";
  const working = () => pg.phase() === "compiling" || pg.phase() === "loading";
  return (
    <div class="controls" role="toolbar" aria-label="Run controls">
      <button class="btn primary" title="Run (Ctrl/Cmd+Enter)" disabled={running() || working()} onClick={() => void pg.play()}>
        <span aria-hidden="true" class="ico">▶</span>Run
      </button>
      <button class="btn" title="Pause" disabled={!running()} onClick={() => pg.pause()}>
        <span aria-hidden="true" class="ico">❚❚</span>Pause
      </button>
      <button class="btn" title="Fire one event" disabled={working()} onClick={() => void pg.step()}>
        <span aria-hidden="true" class="ico">⤼</span>Step
      </button>
      <button class="btn" title="Back to time 0, same seed" disabled={working()} onClick={() => void pg.reset()}>
        <span aria-hidden="true" class="ico">↺</span>Reset
      </button>
      <label class="field">
        <span>Speed</span>
        <select
          title="Simulated seconds per wall-clock second"
          value={String(pg.speed())}
          onChange={(e) => {
            const v = e.currentTarget.value;
            pg.setSpeed(v === "max" ? "max" : Number(v));
          }}
        >
          <For each={SPEEDS}>{(s) => <option value={String(s)}>{speedLabel(s)}</option>}</For>
        </select>
      </label>
      <label class="field">
        <span>Seed</span>
        <input
          type="number"
          class="seed"
          step="1"
          value={pg.seed()}
          onChange={(e) => pg.setSeed(Number(e.currentTarget.value))}
        />
      </label>
    </div>
  );
}
