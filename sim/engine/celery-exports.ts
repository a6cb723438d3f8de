/**
 * The names the "celery" module exports, as a Set, so the compiler can refuse a misspelt import at
 * its line instead of the run failing on `undefined`. The list itself lives in
 * sim/celery/public-names.ts (the one list; the runtime module and public-api.ts are tied to it).
 */
import { CELERY_EXPORT_NAMES } from "../celery/public-names";

export const CELERY_EXPORTS: ReadonlySet<string> = new Set<string>(CELERY_EXPORT_NAMES);
