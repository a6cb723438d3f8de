/**
 * A worker's API with its calls answered one at a time, in the order they came. Comlink starts a
 * method as its message arrives, so a call that awaits (advance does, between events) would let the
 * next call into the same session; the page asks for the next frame while the worker still builds
 * the last one (playground.ts, at max speed), so the worker always has a pull to work on.
 */
export function oneAtATime<T extends object>(methods: T): T {
  let queue: Promise<unknown> = Promise.resolve();
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods)) {
    out[name] = (...args: unknown[]) => {
      const run = queue.then(() => (fn as (...a: unknown[]) => unknown)(...args));
      queue = run.catch(() => undefined);
      return run;
    };
  }
  return out as T;
}

