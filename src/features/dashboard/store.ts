/**
 * The dashboard's model, kept for the whole run whichever tab is open: every frame the playground
 * folds is folded here too (a seek or a new run starts a fresh model). Views read `model()` and
 * redraw on `version()`.
 */
import { createSignal, onCleanup } from "solid-js";
import type { Playground } from "../../state/playground";
import { emptyDashboard, foldDashboard, type DashboardModel } from "./model/series";

export function createDashboardStore(pg: Playground) {
  let model = emptyDashboard(1);
  const [version, setVersion] = createSignal(0);
  const off = pg.onFrame((frame, _from, fresh) => {
    if (fresh) model = emptyDashboard(1);
    foldDashboard(model, frame.events, frame.tasks, frame.workers, frame.nowS, !frame.truncated, frame.done);
    setVersion((v) => v + 1);
  });
  onCleanup(off);
  return {
    version,
    model: (): DashboardModel => {
      version();
      return model;
    },
  };
}

export type DashboardStore = ReturnType<typeof createDashboardStore>;
