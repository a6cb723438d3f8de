import { afterEach, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { WorkerBridge, type WorkerLike } from "./bridge";
import { ALIVE_CHANNEL, ENTER_CHANNEL, HangError, isAliveMessage, isEnterMessage, StaleError } from "./protocol";

interface TestApi {
  echo(x: number): Promise<number>;
  slow(x: number, ms: number): Promise<number>;
  spin(label: string): Promise<void>;
  /** Works for `ms`, saying it is alive every 50 ms, then answers. */
  work(ms: number): Promise<number>;
}

/** A "worker" made of a MessageChannel: comlink on one port, the bridge on the other. */
function fakeWorker(log: string[]): WorkerLike {
  const { port1, port2 } = new MessageChannel();
  let alive = true;
  const api: Omit<TestApi, "work"> & Partial<TestApi> = {
    async echo(x) {
      return x;
    },
    slow: (x, ms) => new Promise((r) => setTimeout(() => r(x), ms)),
    async spin(label) {
      port2.postMessage({ channel: ENTER_CHANNEL, label });
      // Never answers: stands in for learner code stuck in a loop.
      await new Promise(() => {});
    },
  };
  (api as TestApi).work = (ms) =>
    new Promise((r) => {
      const beat = setInterval(() => port2.postMessage({ channel: ALIVE_CHANNEL }), 50);
      setTimeout(() => (clearInterval(beat), r(ms)), ms);
    });
  Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
  return {
    postMessage: (m, t) => alive && port1.postMessage(m, t ?? []),
    addEventListener: (type, l) => port1.addEventListener(type, l as EventListener),
    removeEventListener: (type, l) => port1.removeEventListener(type, l as EventListener),
    terminate() {
      alive = false;
      log.push("terminated");
      port1.close();
      port2.close();
    },
    ...{ start: () => port1.start() },
  };
}

const bridges: WorkerBridge<TestApi>[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.terminate();
});

function make(watchdogMs = 0, onHang?: (e: HangError) => void, watchFromFirstMessage = false) {
  const log: string[] = [];
  let label: string | null = null;
  const b = new WorkerBridge<TestApi>({
    spawn: () => fakeWorker(log),
    watchdogMs,
    watchFromFirstMessage,
    onSideMessage: (d) => {
      if (isEnterMessage(d)) label = d.label;
      else if (isAliveMessage(d)) b.keepAlive();
    },
    blame: () => label,
    ...(onHang ? { onHang } : {}),
  });
  bridges.push(b);
  return { b, log };
}

describe("WorkerBridge", () => {
  it("calls through comlink", async () => {
    const { b } = make();
    await expect(b.call("echo", [3])).resolves.toBe(3);
  });

  it("latest wins: a newer call with the same key drops the older answer", async () => {
    const { b } = make();
    const first = b.call("slow", [1, 30], { key: "k" });
    const second = b.call("slow", [2, 5], { key: "k" });
    await expect(first).rejects.toBeInstanceOf(StaleError);
    await expect(second).resolves.toBe(2);
  });

  it("calls with different keys do not cancel each other", async () => {
    const { b } = make();
    const [a, c] = await Promise.all([b.call("slow", [1, 5], { key: "a" }), b.call("slow", [2, 5], { key: "c" })]);
    expect([a, c]).toEqual([1, 2]);
  });

  it("an AbortSignal rejects the call and drops its answer", async () => {
    const { b } = make();
    const ctl = new AbortController();
    const p = b.call("slow", [1, 30], { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    const pre = new AbortController();
    pre.abort();
    await expect(b.call("echo", [1], { signal: pre.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("supersedeAll drops every answer in flight", async () => {
    const { b } = make();
    const p = b.call("slow", [1, 20]);
    b.supersedeAll();
    await expect(p).rejects.toBeInstanceOf(StaleError);
  });

  it("the watchdog kills a worker that does not answer, names the code, and respawns", async () => {
    let hung: HangError | null = null;
    const { b, log } = make(80, (e) => (hung = e));
    const t0 = Date.now();
    await expect(b.call("spin", ["spin"])).rejects.toBeInstanceOf(HangError);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(log).toEqual(["terminated"]);
    expect(hung!.message).toBe("Stopped: task spin did not yield for 0.1 s (infinite loop?)");
    expect(b.spawned).toBe(2);
    await expect(b.call("echo", [5])).resolves.toBe(5);
  });

  it("answers in time never trip the watchdog", async () => {
    const { b, log } = make(200);
    for (let i = 0; i < 5; i++) await b.call("slow", [i, 10]);
    await new Promise((r) => setTimeout(r, 250));
    expect(log).toEqual([]);
  });

  it("a worker that says it is alive is not hung, however long it works; one that falls silent is", async () => {
    const hangs: HangError[] = [];
    const { b } = make(150, (e) => hangs.push(e));
    await expect(b.call("work", [400])).resolves.toBe(400);
    expect(hangs).toEqual([]);
    await expect(b.call("spin", ["silent"])).rejects.toBeInstanceOf(HangError);
    expect(hangs).toHaveLength(1);
  });
});

describe("a call's own watchdog budget (Pyodide's boot blocks the worker for seconds)", () => {
  it("a silent call within its own budget is not a hang; the next call has the bridge's budget again", async () => {
    const hangs: HangError[] = [];
    const { b } = make(100, (e) => hangs.push(e));
    // Silent for 300 ms: three times the bridge's budget, within the call's.
    await expect(b.call("slow", [1, 300], { watchdogMs: 2000 })).resolves.toBe(1);
    expect(hangs).toEqual([]);
    await expect(b.call("slow", [2, 300])).rejects.toBeInstanceOf(HangError);
    expect(hangs).toHaveLength(1);
  });

  it("a call silent past its own budget is a hang, reported with that budget", async () => {
    const hangs: HangError[] = [];
    const { b } = make(2000, (e) => hangs.push(e));
    await expect(b.call("spin", ["boot"], { watchdogMs: 100 })).rejects.toBeInstanceOf(HangError);
    expect(hangs[0]!.message).toBe("Stopped: task boot did not yield for 0.1 s (infinite loop?)");
  });
});

describe("fail (a worker known to be broken)", () => {
  it("rejects every call in flight with the error, kills the worker, and the next call gets a fresh one", async () => {
    const { b, log } = make();
    const pending = b.call("slow", [1, 10_000]);
    const boom = new Error("esbuild died");
    b.fail(boom);
    await expect(pending).rejects.toBe(boom);
    expect(log).toEqual(["terminated"]);
    expect(b.spawned).toBe(1);
    await expect(b.call("echo", [7])).resolves.toBe(7);
    expect(b.spawned).toBe(2);
  });

  it("watching from the first message: a slow start is not a hang, a silence after it is", async () => {
    const hangs: HangError[] = [];
    const { b } = make(150, (e) => hangs.push(e), true);
    // Nothing said for 400 ms (a worker still starting): not counted.
    await expect(b.call("slow", [1, 400])).resolves.toBe(1);
    expect(hangs).toEqual([]);
    // It has spoken: now 150 ms of silence is a hang.
    await expect(b.call("spin", ["loop"])).rejects.toBeInstanceOf(HangError);
    expect(hangs).toHaveLength(1);
  });


});
