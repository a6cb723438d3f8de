/**
 * What `./lockdown` applies at import (the first import of the TypeScript workers); the Python
 * worker imports this instead and locks down once Pyodide has booted, before any learner code
 * exists (Pyodide's loader uses the host's timers while it starts).
 *
 * The first import of every worker that runs learner code. Those workers are started inside the
 * sandbox frame (src/workers/sandbox.ts): an opaque origin under a CSP that allows no network,
 * so network, storage, cookies and fonts are out of reach by construction, not by this module.
 *
 * What this module adds is about *time*: learner code must not outlive its run. The simulation
 * hands a scenario its own `setTimeout`, `Date` and `Math` on the simulated clock; the worker's real
 * timers and message channels would let it schedule host work that keeps a core busy after the run
 * is "done" (and, before runs got fresh workers, got the next run blamed for it). They are captured
 * here for the runtime, then removed from the global scope before any learner code exists.
 *
 * It also takes the runtime's only line to the page: a MessagePort transferred in the first message.
 * Its methods are bound now, so nothing a scenario later does to `MessagePort.prototype` (or to the
 * global `postMessage`, which now leads nowhere the page listens) can forge or read a reply.
 */

import { RPC_ENVELOPE } from "./rpc-envelope";

const scope = globalThis as unknown as Record<string, unknown> & { Atomics?: Record<string, unknown> };

// Captured before they are removed: the runtime's own macrotask hop (worker-host.ts).
const HostMessageChannel = MessageChannel;
export const hostChannel = (): MessageChannel => new HostMessageChannel();

/** Host scheduling a scenario could use to run after its run (or to start more threads). */
export const REMOVED_GLOBALS = [
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "setImmediate",
  "MessageChannel",
  "BroadcastChannel",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "scheduler",
  "Worker",
  "SharedWorker",
  "importScripts",
] as const;

/** Delete `name` along `o`'s prototype chain, then pin it to undefined on `o` itself. */
function removeEverywhere(o: object, name: string): void {
  for (let p: object | null = o; p; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, name)) {
      try {
        delete (p as Record<string, unknown>)[name];
      } catch {
        // Non-configurable on some engine: the pin below still shadows it.
      }
    }
  }
  try {
    Object.defineProperty(o, name, { value: undefined, writable: false, configurable: false, enumerable: false });
  } catch {
    (o as Record<string, unknown>)[name] = undefined;
  }
}

export function lockDown(g: object = scope): void {
  for (const name of REMOVED_GLOBALS) removeEverywhere(g, name);
  const atomics = (g as { Atomics?: object }).Atomics;
  if (atomics) removeEverywhere(atomics, "waitAsync");
}

/**
 * A message as the runtime's listeners get it: its data and ports read when it arrived, by the
 * accessors captured below. Never the MessageEvent itself, whose `target` is the page's port.
 */
export interface PortMessage {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
  /** Comlink reads it; a port's messages have none. */
  readonly origin: string;
}

/** What comlink and the side channel need of the page's port, with every method bound now. */
export interface PrivateEndpoint {
  /** Comlink's: the message goes inside the RPC envelope (rpc-envelope.ts). */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** The runtime's side channel (which code runs, alive, a limit) and the experiment worker's replies: as they are. */
  postSide(message: unknown): void;
  addEventListener(type: "message", listener: (ev: PortMessage) => void): void;
  removeEventListener(type: "message", listener: (ev: PortMessage) => void): void;
  start(): void;
}

// Captured when this module is evaluated, the first thing a learner-code worker does: a scenario
// that later redefines `MessageEvent.prototype.data` (whose getter sees the event, and the event's
// `target` is the page's port), `Function.prototype.call` or `Map.prototype.get` changes nothing here.
const apply = Reflect.apply;
const freeze = Object.freeze;
const getter = (proto: object, name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get!;
const dataOf = getter(MessageEvent.prototype, "data");
const portsOf = getter(MessageEvent.prototype, "ports");
const NativeMap = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;

export function privateEndpoint(port: MessagePort): PrivateEndpoint {
  const proto = MessagePort.prototype;
  const add = proto.addEventListener.bind(port);
  const remove = proto.removeEventListener.bind(port);
  const wrapped = new NativeMap<(ev: PortMessage) => void, (ev: MessageEvent) => void>();
  const post = proto.postMessage.bind(port) as (message: unknown, transfer?: Transferable[]) => void;
  return freeze({
    postMessage: (message: unknown, transfer?: Transferable[]) => post({ [RPC_ENVELOPE]: message }, transfer ?? []),
    postSide: (message: unknown) => post(message),
    addEventListener(type: "message", listener: (ev: PortMessage) => void) {
      const own = (ev: MessageEvent) => listener(freeze({ data: apply(dataOf, ev, []) as unknown, ports: apply(portsOf, ev, []) as readonly MessagePort[], origin: "" }));
      apply(mapSet, wrapped, [listener, own]);
      add(type, own);
    },
    removeEventListener(type: "message", listener: (ev: PortMessage) => void) {
      const own = apply(mapGet, wrapped, [listener]) as ((ev: MessageEvent) => void) | undefined;
      if (!own) return;
      apply(mapDelete, wrapped, [listener]);
      remove(type, own);
    },
    start: proto.start.bind(port),
  });
}

/**
 * The page's port, from the first message that carries one (sent by the sandbox frame with the
 * worker's start). Nothing else ever reaches the runtime through the global scope.
 */
export function acceptPort(): Promise<PrivateEndpoint> {
  const add = EventTarget.prototype.addEventListener.bind(globalThis);
  const remove = EventTarget.prototype.removeEventListener.bind(globalThis);
  return new Promise((resolve) => {
    const onMessage = (ev: Event) => {
      const port = (ev as MessageEvent).ports?.[0];
      if (!port) return;
      remove("message", onMessage);
      resolve(privateEndpoint(port));
    };
    add("message", onMessage);
  });
}

