/**
 * Where learner code runs in the page: workers started inside a hidden `<iframe sandbox="allow-scripts">`
 * (no `allow-same-origin`), so they have an opaque origin, under a CSP that allows no network.
 *
 * By construction, then, scenario code reaches:
 * - no network: `connect-src`, `script-src` (no host, no `blob:` import), `font-src`, `img-src` are
 *   'none', and a blob worker inherits its creator's CSP (fetch, XHR, WebSocket, EventSource,
 *   `import()`, `importScripts`, `FontFace.load()` are all refused);
 * - none of the site's storage: an opaque origin has no IndexedDB, CacheStorage or cookies of the
 *   site (they throw SecurityError), and its BroadcastChannel and same-origin requests lead nowhere;
 * - nothing of the page: it talks to the page only through one MessagePort per worker, handed to the
 *   runtime before any learner code exists (lockdown.ts); the frame itself forwards nothing.
 *
 * The page starts the workers with their whole source text (scripts/vite/sandbox-plugin.ts) because
 * an opaque origin can neither start a worker from the site's URL nor fetch it.
 *
 * `SandboxedWorker` is a `WorkerLike` (bridge.ts): the bridge and the experiments pool use it exactly
 * as they used a Worker; messages posted before the worker exists wait in its port.
 */
import type { WorkerLike } from "./bridge";

export type SandboxKind = "sim" | "experiment" | "python";

const SOURCES: Record<SandboxKind, () => Promise<string>> = {
  sim: () => import("virtual:sandbox-source/sim").then((m) => m.default),
  experiment: () => import("virtual:sandbox-source/experiment").then((m) => m.default),
  python: () => import("virtual:sandbox-source/python").then((m) => m.default),
};

/** The frame's Content-Security-Policy. `'unsafe-eval'` is how the runtime evaluates the compiled scenario. */
export function sandboxCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'unsafe-eval'`,
    "worker-src blob:",
    "connect-src 'none'",
    "font-src 'none'",
    "img-src 'none'",
    "style-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * The frame's only script. It accepts messages from its parent window alone: a worker's source (kept
 * as one blob URL per kind), a spawn (with the port to hand over), a terminate. It tells the parent
 * when it is ready and when a worker failed to start, nothing else.
 */
export const FRAME_SCRIPT = `
"use strict";
(() => {
  const parentWindow = window.parent;
  const urls = new Map();
  const workers = new Map();
  const tell = (m) => parentWindow.postMessage(Object.assign({ sandbox: "celery-playground" }, m), "*");
  window.addEventListener("message", (ev) => {
    if (ev.source !== parentWindow) return;
    const m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "source" && typeof m.kind === "string" && typeof m.source === "string" && !urls.has(m.kind)) {
      urls.set(m.kind, URL.createObjectURL(new Blob([m.source], { type: "text/javascript" })));
    } else if (m.type === "spawn" && urls.has(m.kind) && ev.ports.length === 1) {
      let w;
      try {
        w = new Worker(urls.get(m.kind), { name: String(m.name) });
      } catch (e) {
        tell({ type: "worker-error", id: m.id, message: String(e && e.message || e) });
        return;
      }
      w.onerror = (e) => tell({ type: "worker-error", id: m.id, message: String(e.message || "worker error") });
      w.postMessage(null, [ev.ports[0]]);
      workers.set(m.id, w);
    } else if (m.type === "terminate") {
      const w = workers.get(m.id);
      if (w) w.terminate();
      workers.delete(m.id);
    }
  });
  tell({ type: "ready" });
})();
`;

function randomNonce(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export function frameDocument(nonce: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${sandboxCsp(nonce)}"><title>sandbox</title></head><body><script nonce="${nonce}">${FRAME_SCRIPT}</script></body></html>`;
}

type FrameMessage = { sandbox: "celery-playground"; type: "ready" } | { sandbox: "celery-playground"; type: "worker-error"; id: number; message: string };

/** One frame per page, made on first use; every sandboxed worker lives in it. */
class SandboxFrame {
  private frame: HTMLIFrameElement | null = null;
  private ready: Promise<Window> | null = null;
  private readonly sent = new Map<SandboxKind, Promise<void>>();
  private readonly errorHandlers = new Map<number, (message: string) => void>();
  private nextId = 1;

  private window(): Promise<Window> {
    if (this.ready) return this.ready;
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = "Sandbox for scenario code";
    frame.className = "sandbox-frame";
    frame.style.cssText = "position:absolute;width:0;height:0;border:0;visibility:hidden";
    frame.srcdoc = frameDocument(randomNonce());
    this.frame = frame;
    this.ready = new Promise((resolve) => {
      window.addEventListener("message", (ev: MessageEvent) => {
        // Only the frame's own window speaks for it (its origin is opaque: "null").
        if (!this.frame || ev.source !== this.frame.contentWindow) return;
        const m = ev.data as FrameMessage;
        if (m?.sandbox !== "celery-playground") return;
        if (m.type === "ready") resolve(this.frame.contentWindow!);
        else if (m.type === "worker-error") this.errorHandlers.get(m.id)?.(m.message);
      });
    });
    document.body.appendChild(frame);
    return this.ready;
  }

  private source(win: Window, kind: SandboxKind): Promise<void> {
    let p = this.sent.get(kind);
    if (!p) {
      p = SOURCES[kind]().then((source) => win.postMessage({ type: "source", kind, source }, "*"));
      this.sent.set(kind, p);
    }
    return p;
  }

  spawn(kind: SandboxKind, name: string, port: MessagePort, onError: (message: string) => void): number {
    const id = this.nextId++;
    this.errorHandlers.set(id, onError);
    void this.window()
      .then(async (win) => {
        await this.source(win, kind);
        // The frame's origin is opaque, so "*" is the only target origin that reaches it.
        win.postMessage({ type: "spawn", kind, id, name }, "*", [port]);
      })
      .catch((e: unknown) => onError(String((e as Error)?.message ?? e)));
    return id;
  }

  terminate(id: number): void {
    this.errorHandlers.delete(id);
    void this.ready?.then((win) => win.postMessage({ type: "terminate", id }, "*"));
  }
}

let shared: SandboxFrame | null = null;

/** A worker in the sandbox frame, used through a MessagePort that only the runtime holds. */
export class SandboxedWorker implements WorkerLike {
  private readonly port: MessagePort;
  private readonly id: number;
  private readonly errorListeners = new Set<(ev: MessageEvent) => void>();
  private dead = false;

  constructor(kind: SandboxKind, name: string) {
    shared ??= new SandboxFrame();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.id = shared.spawn(kind, name, port2, (message) => {
      if (this.dead) return;
      const ev = new MessageEvent("error", { data: message });
      for (const l of this.errorListeners) l(ev);
    });
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  addEventListener(type: "message" | "error", listener: (ev: MessageEvent) => void): void {
    if (type === "error") this.errorListeners.add(listener);
    else {
      this.port.addEventListener("message", listener);
      this.port.start();
    }
  }

  removeEventListener(type: "message" | "error", listener: (ev: MessageEvent) => void): void {
    if (type === "error") this.errorListeners.delete(listener);
    else this.port.removeEventListener("message", listener);
  }

  terminate(): void {
    if (this.dead) return;
    this.dead = true;
    this.port.close();
    shared?.terminate(this.id);
  }
}
