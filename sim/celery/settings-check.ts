/**
 * A setting the simulator does not know is most often a typo ("taskAckLate"), which Celery would
 * also silently keep and never read. The simulator says so, naming the nearest known setting.
 */
import { defaultConf } from "./conf";

/** The options of `new Celery(name, options)` that are not settings. */
const APP_OPTIONS = ["broker", "backend", "brokerPersistence", "costs"];

let knownSettings: string[] | null = null;
function settingNames(): string[] {
  knownSettings ??= Object.keys(defaultConf());
  return knownSettings;
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive: "taskacklate" is one from "taskAcksLate". */
export function levenshtein(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The known name nearest to `name` (ties: the first in the list). */
export function nearestName(name: string, known: readonly string[]): string {
  let best = known[0];
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** Celery's snake_case name for a setting, for the message ("taskAcksLate" → "task_acks_late"). */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** Warnings for the keys of `values` that are no setting (`conf.update`) or option (`new Celery`). */
export function unknownSettingWarnings(values: Record<string, unknown>, where: "conf.update" | "Celery options"): string[] {
  const known = where === "conf.update" ? settingNames() : [...APP_OPTIONS, ...settingNames()];
  const out: string[] = [];
  for (const key of Object.keys(values)) {
    if (key === "update" || known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== key && known.includes(camel)) {
      out.push(`unknown setting ${key} in ${where} is ignored: settings are camelCase here, use ${camel}`);
      continue;
    }
    const near = nearestName(key, known);
    out.push(`unknown setting ${key} in ${where} is ignored: did you mean ${near} (Celery's ${snake(near)})?`);
  }
  return out;
}
