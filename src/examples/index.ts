/** The sandbox's Examples menu: scenario sources as data (plain text, compiled like any draft). */
import retryExplorer from "./retry-explorer.scenario?raw";
import canvas from "./canvas.scenario?raw";
import acksLateCrash from "./acks-late-crash.scenario?raw";
import blank from "./blank.scenario?raw";
import retryExplorerPy from "./retry-explorer.py.scenario?raw";
import canvasPy from "./canvas.py.scenario?raw";
import acksLateCrashPy from "./acks-late-crash.py.scenario?raw";

export interface Example {
  id: string;
  title: string;
  source: string;
  /** The same scenario in Python (Celery's own names): what the example starts from in Python. */
  sourcePy: string;
}

export const EXAMPLES: readonly Example[] = [
  { id: "retry-explorer", title: "Retry explorer", source: retryExplorer, sourcePy: retryExplorerPy },
  { id: "chain-chord", title: "Chain and chord", source: canvas, sourcePy: canvasPy },
  { id: "acks-late-crash", title: "acks_late crash", source: acksLateCrash, sourcePy: acksLateCrashPy },
];

export const DEFAULT_EXAMPLE = EXAMPLES[0]!;

/** The starting text of the sandbox's blank scenario. */
export const BLANK_SOURCE = blank;

export function findExample(id: string | null | undefined): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
