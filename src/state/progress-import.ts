/**
 * What an imported progress file would change, and the merge itself. Pure, so Node tests cover it.
 *
 * An import MERGES: each lab record and draft in the file replaces the learner's one with the same
 * key; everything the file does not mention is kept. (It used to replace the whole store, so a file
 * holding one lab deleted every other draft and record without a word.) The page shows the plan —
 * added, replaced, kept — and applies it only when the learner says so; the store keeps the state
 * before the import for one undo (progress.ts).
 */
import type { ProgressDoc } from "./progress-schema";

export interface ImportPlan {
  labs: { added: string[]; replaced: string[]; unchanged: string[]; kept: string[] };
  drafts: { added: string[]; replaced: string[]; unchanged: string[]; kept: string[] };
}

function diff<V>(current: Map<string, V>, incoming: Map<string, V>, same: (a: V, b: V) => boolean): ImportPlan["labs"] {
  const out: ImportPlan["labs"] = { added: [], replaced: [], unchanged: [], kept: [] };
  for (const [k, v] of incoming) {
    const was = current.get(k);
    if (was === undefined) out.added.push(k);
    else if (same(was, v)) out.unchanged.push(k);
    else out.replaced.push(k);
  }
  for (const k of current.keys()) if (!incoming.has(k)) out.kept.push(k);
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** Records compare without `updatedAt` (an export/import round trip is not a change). */
const sameRecord = (a: object, b: object) => JSON.stringify({ ...a, updatedAt: 0 }) === JSON.stringify({ ...b, updatedAt: 0 });

export function planImport(current: ProgressDoc, incoming: ProgressDoc): ImportPlan {
  return { labs: diff(current.labs, incoming.labs, sameRecord), drafts: diff(current.drafts, incoming.drafts, (a, b) => a === b) };
}

/** Nothing would change: every entry of the file is already there as it is. */
export function isNoop(p: ImportPlan): boolean {
  return p.labs.added.length + p.labs.replaced.length + p.drafts.added.length + p.drafts.replaced.length === 0;
}

/** The learner's document with the file's entries laid over it; neither input is changed. */
export function mergeDocs(current: ProgressDoc, incoming: ProgressDoc): ProgressDoc {
  return { schemaVersion: current.schemaVersion, labs: new Map([...current.labs, ...incoming.labs]), drafts: new Map([...current.drafts, ...incoming.drafts]) };
}

export function cloneDoc(d: ProgressDoc): ProgressDoc {
  return { schemaVersion: d.schemaVersion, labs: new Map([...d.labs].map(([k, v]) => [k, { ...v, passed: [...v.passed] }])), drafts: new Map(d.drafts) };
}
