import { transform, version as nativeVersion } from "esbuild";
import * as wasm from "esbuild-wasm";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { compileScenario, type EsbuildLike } from "../../sim/engine/compile";
import { compileKey } from "../../src/workers/compile-key";
import { keyOf, shippedSources } from "./precompile-plugin";

const root = process.cwd();

describe("precompiled scenarios", () => {
  afterAll(() => wasm.stop());

  it("ship every example and every lab's starter and solution", () => {
    const sources = shippedSources(root);
    expect(sources).toContain(readFileSync("src/examples/retry-explorer.scenario", "utf8"));
    expect(sources).toContain(readFileSync("labs/1.1-broker-comparison/starter.ts", "utf8"));
    expect(sources).toContain(readFileSync("labs/2.1-canvas-workflows/solution.ts", "utf8"));
    expect(sources.length).toBeGreaterThanOrEqual(30);
  });

  it("are keyed as the page keys them", async () => {
    const src = readFileSync("src/examples/canvas.scenario", "utf8");
    expect(keyOf(src, "scenario.ts")).toBe(compileKey(src, "scenario.ts", nativeVersion));
  });

  it("are byte for byte what the page's esbuild-wasm makes (same version, same output)", async () => {
    expect(wasm.version).toBe(nativeVersion);
    const src = readFileSync("src/examples/retry-explorer.scenario", "utf8");
    const native = await compileScenario({ transform } as unknown as EsbuildLike, src, "scenario.ts");
    const fromWasm = await compileScenario(wasm as unknown as EsbuildLike, src, "scenario.ts");
    expect(native.ok).toBe(true);
    expect(fromWasm).toEqual(native);
  });
});
