/**
 * Imported first by the simulation worker, so it runs before any learner code exists: the worker
 * that runs learner code gets no way to reach the network. The properties live on the prototypes
 * of the worker global (WorkerGlobalScope, WindowOrWorkerGlobalScope), so deleting the own property
 * is not enough; each name is deleted along the prototype chain and then pinned to `undefined`.
 *
 * Not covered: dynamic `import()` of a URL, which only a CSP on the worker's response can block.
 */
export const BLOCKED_GLOBALS = [
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "WebSocketStream",
  "WebTransport",
  "EventSource",
  "importScripts",
  "Worker",
  "SharedWorker",
  "Request",
] as const;

export function removeNetwork(scope: object = globalThis): string[] {
  const removed: string[] = [];
  for (const name of BLOCKED_GLOBALS) {
    let o: object | null = scope;
    let found = false;
    while (o) {
      if (Object.prototype.hasOwnProperty.call(o, name)) {
        found = true;
        try {
          delete (o as Record<string, unknown>)[name];
        } catch {
          // Non-configurable on some engine: the pin below still shadows it.
        }
      }
      o = Object.getPrototypeOf(o);
    }
    try {
      Object.defineProperty(scope, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    } catch {
      (scope as Record<string, unknown>)[name] = undefined;
    }
    if (found) removed.push(name);
  }
  return removed;
}

removeNetwork();
