/**
 * The side channel cannot be spoken through comlink's way out: a sandboxed worker's comlink
 * messages travel in the RPC envelope, and the page's bridge reads "alive", "enter" and limits only
 * outside it. A scenario that gets hold of comlink's posting (a review did, by patching
 * `Object.assign` and `Promise.prototype.then` in the worker's realm) can then at most answer a
 * call, never feed the watchdog or name a stop reason.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { WorkerBridge, type WorkerLike } from "./bridge";
import { privateEndpoint } from "./lockdown-core";
import { ALIVE_CHANNEL, LIMIT_CHANNEL } from "./protocol";

interface Api {
  echo(x: number): Promise<number>;
}

const bridges: WorkerBridge<Api>[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.terminate();
});

function setup() {
  const { port1, port2 } = new MessageChannel();
  const ep = privateEndpoint(port2);
  Comlink.expose({ echo: async (x: number) => x } satisfies Api, ep as unknown as Comlink.Endpoint);
  ep.start();
  const side: unknown[] = [];
  const worker: WorkerLike = {
    postMessage: (m, t) => port1.postMessage(m, t ?? []),
    addEventListener: (type, l) => (port1.addEventListener(type, l as EventListener), port1.start()),
    removeEventListener: (type, l) => port1.removeEventListener(type, l as EventListener),
    terminate: () => (port1.close(), port2.close()),
  };
  const bridge = new WorkerBridge<Api>({ spawn: () => worker, watchdogMs: 0, rpcEnvelope: true, onSideMessage: (d) => side.push(d) });
  bridges.push(bridge);
  return { ep, bridge, side };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe("the RPC envelope", () => {
  it("carries comlink's calls and answers", async () => {
    const { bridge, side } = setup();
    expect(await bridge.call("echo", [7])).toBe(7);
    await settle();
    expect(side).toEqual([]);
  });

  it("the side channel hears the runtime's own posts, and nothing posted the way comlink posts", async () => {
    const { ep, bridge, side } = setup();
    bridge.start();
    ep.postSide({ channel: ALIVE_CHANNEL });
    // What a scenario holding comlink's way out could post: it arrives enveloped, so it is no side message.
    ep.postMessage({ channel: LIMIT_CHANNEL, message: "sign in again at evil.example" });
    ep.postMessage({ channel: ALIVE_CHANNEL });
    await settle();
    expect(side).toEqual([{ channel: ALIVE_CHANNEL }]);
  });
});
