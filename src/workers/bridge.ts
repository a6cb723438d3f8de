/**
 * A worker behind comlink with the three guarantees the UI relies on (the squoosh worker-bridge
 * pattern): every call can be cancelled with an AbortSignal; a newer call with the same `key`
 * supersedes an older one, whose answer is dropped (latest wins); and a call that gets no answer
 * within the watchdog time terminates the worker, which is respawned for the next call.
 *
 * Generic over the API so the compile and simulation workers share it. It knows nothing of the
 * DOM beyond the Worker-like endpoint it is handed, so it is unit-tested in Node with MessagePorts.
 */
import * as Comlink from "comlink";
import { HangWatch } from "../../sim/engine/hang-watch";
import { hangMessage, HangError, StaleError } from "./protocol";
import { unwrapRpc } from "./rpc-envelope";

/** What the bridge needs of a Worker (a real one, or a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message" | "error", listener: (ev: MessageEvent) => void): void;
  removeEventListener(type: "message" | "error", listener: (ev: MessageEvent) => void): void;
  terminate(): void;
}

export interface BridgeOptions {
  spawn: () => WorkerLike;
  /** No answer within this long: kill and respawn. 0 disables the watchdog. */
  watchdogMs: number;
  /**
   * Start the watchdog's clock only once the worker has posted its first message (a worker that says
   * when it is up), so a slow start on a busy machine is never taken for learner code that hangs.
   */
  watchFromFirstMessage?: boolean;
  /** Sees every message the worker posts outside comlink (the side channel). */
  onSideMessage?: (data: unknown) => void;
  /** Called after a hung worker was killed, with the error each pending call got. */
  onHang?: (error: HangError) => void;
  /** The label to blame in a hang report (the sim client tracks it from the side channel). */
  blame?: () => string | null;
  /**
   * The worker sends comlink's messages inside the RPC envelope (a sandboxed worker's private
   * endpoint: rpc-envelope.ts): comlink sees only what is inside one, the side channel only the rest.
   */
  rpcEnvelope?: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Calls sharing a key are latest-wins. */
  key?: string;
  /** This call's watchdog budget, instead of the bridge's (a boot that blocks the worker for seconds). */
  watchdogMs?: number;
}

type Method<Api, K extends keyof Api> = Api[K] extends (...a: infer A) => Promise<infer R> ? { args: A; result: R } : never;

interface InFlight {
  key: string | undefined;
  reject: (e: unknown) => void;
  /** The call's watchdog budget (ms). */
  budgetMs: number;
  /** The call's hang watch (the one rule, sim/engine/hang-watch.ts), once the worker is live. */
  watch: HangWatch | null;
}

export class WorkerBridge<Api extends object> {
  private worker: WorkerLike | null = null;
  private remote: Comlink.Remote<Api> | null = null;
  private readonly inFlight = new Set<InFlight>();
  private readonly listener = (ev: MessageEvent) => {
    if (!this.live) {
      // The worker has started: from now on its silence counts.
      this.live = true;
      this.keepAlive();
    }
    if (this.opts.rpcEnvelope && unwrapRpc(ev.data)) return;
    this.opts.onSideMessage?.(ev.data);
  };
  /** Whether the current worker has said anything yet (with `watchFromFirstMessage`, the watchdog waits for it). */
  private live = false;
  /** Whether the current worker ever answered: an error event before that means it never started. */
  private answered = false;
  private readonly onError = () => {
    if (this.answered) return;
    // The script failed to load (offline without a cache, a bad deploy): fail fast instead of
    // leaving every call to the watchdog, and start a new worker on the next call.
    const err = new Error("The worker failed to start. Reload the page to try again.");
    this.terminate();
    for (const f of [...this.inFlight]) this.settle(f, err);
  };
  /** How many times a worker was started (tests and the status bar read it). */
  spawned = 0;

  constructor(private readonly opts: BridgeOptions) {}

  /** A worker started ahead of need, so a fresh one is ready when `renew()` asks for it. */
  private spare: WorkerLike | null = null;

  /** Start the worker now (otherwise the first call does). */
  start(): void {
    if (this.worker) return;
    this.worker = this.spare ?? this.opts.spawn();
    this.spare = null;
    this.answered = false;
    this.live = !this.opts.watchFromFirstMessage;
    this.worker.addEventListener("message", this.listener);
    this.worker.addEventListener("error", this.onError);
    this.remote = Comlink.wrap<Api>(this.opts.rpcEnvelope ? envelopedEndpoint(this.worker) : (this.worker as unknown as Comlink.Endpoint));
    this.spawned++;
  }

  call<K extends keyof Api>(method: K, args: Method<Api, K>["args"], opts: CallOptions = {}): Promise<Method<Api, K>["result"]> {
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    if (opts.key !== undefined) {
      for (const f of this.inFlight) if (f.key === opts.key) this.settle(f, new StaleError());
    }
    this.start();
    const fn = (this.remote as unknown as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>)[method as PropertyKey]!;
    return new Promise((resolve, reject) => {
      const f: InFlight = { key: opts.key, reject, budgetMs: opts.watchdogMs ?? this.opts.watchdogMs, watch: null };
      this.inFlight.add(f);
      const onAbort = () => this.settle(f, abortError(opts.signal!));
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      if (this.live) this.watch(f);
      fn(...(args as unknown[])).then(
        (v) => {
          this.answered = true;
          opts.signal?.removeEventListener("abort", onAbort);
          // Dropped if cancelled, superseded or the worker was killed meanwhile.
          if (this.finish(f)) resolve(v as Method<Api, K>["result"]);
        },
        (e) => {
          opts.signal?.removeEventListener("abort", onAbort);
          if (this.finish(f)) reject(e);
        },
      );
    });
  }

  /** The worker says it is working (not hung): every call in flight gets the whole watchdog time again. */
  keepAlive(): void {
    for (const f of this.inFlight) {
      if (f.watch) f.watch.beat();
      else this.watch(f);
    }
  }

  private watch(f: InFlight): void {
    if (this.opts.watchdogMs <= 0 || f.budgetMs <= 0) return;
    f.watch = new HangWatch(f.budgetMs, () => this.hang(f.budgetMs));
    f.watch.start();
  }

  /** Drop the answers of every call in flight (a reset: nothing asked before it matters). */
  supersedeAll(): void {
    for (const f of [...this.inFlight]) this.settle(f, new StaleError());
  }

  /**
   * Replace the worker by a fresh one (a new realm: nothing the old one ran survives), taking the
   * spare if one was started. Calls in flight get a StaleError.
   */
  renew(): void {
    this.supersedeAll();
    this.terminate();
    this.start();
  }

  /** Start a spare worker now (it loads while the current one works), unless there is one. */
  prepareSpare(): void {
    this.spare ??= this.opts.spawn();
  }

  /** Kill the current worker and the spare (the page going away). */
  dispose(): void {
    this.terminate();
    this.spare?.terminate();
    this.spare = null;
  }

  /** Kill the worker now (a hang, or a renew). */
  terminate(): void {
    this.worker?.removeEventListener("message", this.listener);
    this.worker?.removeEventListener("error", this.onError);
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /**
   * The worker is known to be broken (its esbuild crashed): kill it, give every call in flight
   * `error`, and let the next call start a fresh one. Unlike a hang, nothing is respawned eagerly.
   */
  fail(error: unknown): void {
    this.terminate();
    for (const f of [...this.inFlight]) this.settle(f, error);
  }

  private hang(budgetMs: number): void {
    const label = this.opts.blame?.() ?? null;
    const err = new HangError(label, hangMessage(label, budgetMs));
    this.terminate();
    for (const f of [...this.inFlight]) this.settle(f, err);
    // Respawn at once so the next call does not pay the worker's start-up.
    this.start();
    this.opts.onHang?.(err);
  }

  private finish(f: InFlight): boolean {
    if (!this.inFlight.has(f)) return false;
    this.inFlight.delete(f);
    f.watch?.stop();
    return true;
  }

  private settle(f: InFlight, e: unknown): void {
    if (this.finish(f)) f.reject(e);
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** Comlink's view of an enveloped worker: it posts as it is and hears only what came inside an envelope. */
function envelopedEndpoint(w: WorkerLike): Comlink.Endpoint {
  const inner = new Map<unknown, (ev: MessageEvent) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => w.postMessage(message, transfer),
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      if (type !== "message") return;
      const own = (ev: MessageEvent) => {
        const rpc = unwrapRpc(ev.data);
        if (!rpc) return;
        const forward = { data: rpc.inner } as MessageEvent;
        if (typeof listener === "function") listener(forward);
        else listener.handleEvent(forward);
      };
      inner.set(listener, own);
      w.addEventListener("message", own);
    },
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      const own = inner.get(listener);
      if (type !== "message" || !own) return;
      inner.delete(listener);
      w.removeEventListener("message", own);
    },
  };
}
