import { describe, expect, it } from "vitest";
import { oneAtATime } from "./one-at-a-time";

describe("a worker's calls, one at a time", () => {
  it("starts a call only when the one before it has settled, in the order they came, past a failure", async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = oneAtATime({
      async slow(x: number) {
        log.push(`slow ${x} starts`);
        await gate;
        log.push(`slow ${x} ends`);
        return x;
      },
      async quick(x: number) {
        log.push(`quick ${x}`);
        if (x < 0) throw new Error("negative");
        return x * 2;
      },
    });
    const a = api.slow(1);
    const b = api.quick(-1);
    const c = api.quick(3);
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(["slow 1 starts"]);
    release();
    expect(await a).toBe(1);
    await expect(b).rejects.toThrow("negative");
    expect(await c).toBe(6);
    expect(log).toEqual(["slow 1 starts", "slow 1 ends", "quick -1", "quick 3"]);
  });
});
