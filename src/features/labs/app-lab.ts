/** What the sandbox page (App.tsx) needs to become a lab page: the lab's panel and its run settings. */
import type { JSX } from "solid-js";
import type { Playground } from "../../state/playground";

export interface AppLab {
  /** Shown in the top bar. */
  title: string;
  /** The lab's starter: what "Reset to starter" puts back. */
  starter: string;
  /** The lab's Python starter (labs/<id>/starter.py), when it has one: the page then offers Python. */
  starterPy?: string;
  /** The checks' simulated cut-off, passed to the simulator. */
  untilS?: number;
  /** The instructions, goals, hints, notes… beside the editor. */
  panel(pg: Playground): JSX.Element;
}
