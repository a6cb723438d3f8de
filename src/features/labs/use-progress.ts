/** A Solid view of the progress store: a signal that changes whenever the store does. */
import { createSignal, onCleanup } from "solid-js";
import type { ProgressStore } from "../../state/progress";

export function useProgress(store: ProgressStore): () => ProgressStore {
  const [tick, setTick] = createSignal(0);
  const off = store.subscribe(() => setTick((n) => n + 1));
  onCleanup(off);
  return () => (tick(), store);
}
