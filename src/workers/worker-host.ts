/**
 * The Host the simulator borrows inside a Web Worker.
 *
 * `yieldMacrotask` uses a MessageChannel ping rather than setTimeout: browsers clamp nested
 * setTimeout to 4 ms, which would cap a run at ~250 learner wake-ups per second. A port message is
 * a real macrotask (every microtask drains first) with no clamp.
 */
import type { Host } from "../../sim/engine/sim";
import { throttledHeartbeat } from "../../sim/engine/hang-watch";
import { ALIVE_CHANNEL, ALIVE_EVERY_MS, ENTER_CHANNEL, EnterThrottle, type AliveMessage, type EnterMessage } from "./protocol";

export function createWorkerHost(
  post: (m: EnterMessage | AliveMessage) => void,
  now: () => number = () => performance.now(),
  // In a sandboxed worker the global MessageChannel is gone by the time this runs (lockdown.ts).
  makeChannel: () => MessageChannel = () => new MessageChannel(),
): Host & { lastLabel: string | null; alive(): void } {
  const channel = makeChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  // Bound now: a scenario that patches MessagePort.prototype later cannot stall or hijack the hop.
  const ping = MessagePort.prototype.postMessage.bind(channel.port2, 0);
  const throttle = new EnterThrottle();
  const aliveBeat = throttledHeartbeat(() => post({ channel: ALIVE_CHANNEL }), now, ALIVE_EVERY_MS);
  const send = (label: string | null) => {
    if (label !== null) post({ channel: ENTER_CHANNEL, label });
  };
  const host = {
    lastLabel: null as string | null,
    yieldMacrotask(): Promise<void> {
      send(throttle.flush());
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        ping();
      });
    },
    /** The simulator is working: say so, at most every ALIVE_EVERY_MS (the watchdog starts again). */
    alive(): void {
      aliveBeat();
    },
    onEnter(label: string): void {
      host.lastLabel = label;
      send(throttle.offer(label, now()));
    },
  };
  return host;
}
