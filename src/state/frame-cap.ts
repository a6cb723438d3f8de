/**
 * How many trace events the page asks for in its next frame. Each event is structured-cloned to the
 * page and folded by the views, so a frame's main-thread cost grows with it. The cap stays at its
 * maximum while folds are quick and shrinks while they are slow: seen on a 2-core machine, for ~5 s
 * after esbuild-wasm first starts V8 compiles its wasm to optimised code on ~2 background threads,
 * the page's thread gets a third of a core, and a 1,000-event frame took 50–70 ms.
 */
/**
 * 800, not 1,000: with two pulls in flight (playground.ts) a 100k-task burst at 1,000 had a main-thread
 * task of 52–86 ms in half the runs (a frame's message, 43–48 ms, with a GC in it); at 800 none in
 * six, at no cost in time measured (at 600 the run was slower).
 */
export const MAX_FRAME_EVENTS = 800;
/** Below this a busy run would crawl; a 150-event frame folds in a few ms even on a starved thread. */
export const MIN_FRAME_EVENTS = 150;
/** Fold time (ms, wall, page thread) a frame should stay under; deserialising it costs about as much again. */
export const FRAME_FOLD_TARGET_MS = 8;

/** The cap after a frame of `events` events (asked for with cap `cap`) took `foldMs` to fold. */
export function nextFrameCap(cap: number, foldMs: number, events: number): number {
  // Only a nearly full frame says anything about the cost of a full one.
  if (events < cap * 0.8) return cap;
  if (foldMs > FRAME_FOLD_TARGET_MS) return Math.max(MIN_FRAME_EVENTS, Math.round(cap * 0.7));
  if (foldMs < FRAME_FOLD_TARGET_MS / 2) return Math.min(MAX_FRAME_EVENTS, Math.round(cap * 1.15));
  return cap;
}
