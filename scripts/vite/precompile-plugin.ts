/**
 * Vite plugin: the compiled output of every shipped scenario (the sandbox's examples, each lab's
 * starter and solution), made at build time with the same `compileScenario` and the same esbuild
 * version as the page's compile worker, so the page's first Run needs no esbuild-wasm at all (its
 * start-up, ~1.5 s on a 2-core machine, was most of the cold load).
 *
 * `virtual:precompiled` exports `{ [compileKey]: () => import(chunk) }`: a small index on the
 * first compile, one lazily loaded chunk per scenario. Entries are keyed by a hash of the exact
 * source text, file name and esbuild version, so an edited or stale text simply misses.
 */
import { transform, version } from "esbuild";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";
import { compileScenario, type EsbuildLike } from "../../sim/engine/compile";
import { compileKey } from "../../src/workers/compile-key";

const INDEX = "virtual:precompiled";
const ENTRY = "virtual:precompiled/";
/** The page compiles every scenario under this name (src/state/playground.ts FILE). */
const FILE = "scenario.ts";

export function shippedSources(root: string): string[] {
  const out: string[] = [];
  const ex = join(root, "src", "examples");
  for (const f of readdirSync(ex)) if (f.endsWith(".scenario")) out.push(readFileSync(join(ex, f), "utf8"));
  const labs = join(root, "labs");
  for (const d of readdirSync(labs, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of ["starter.ts", "solution.ts"]) {
      const p = join(labs, d.name, f);
      if (existsSync(p)) out.push(readFileSync(p, "utf8"));
    }
  }
  return out;
}

export function keyOf(source: string, file: string, esbuildVersion = version): string {
  return compileKey(source, file, esbuildVersion);
}

export function precompilePlugin(root: string): Plugin {
  let entries: Map<string, string> | null = null;
  async function table(): Promise<Map<string, string>> {
    if (entries) return entries;
    const m = new Map<string, string>();
    for (const src of shippedSources(root)) {
      const out = await compileScenario({ transform } as unknown as EsbuildLike, src, FILE);
      // Only clean compiles are shipped; anything else goes to the real compiler (and shows its errors).
      if (out.ok) m.set(keyOf(src, FILE), JSON.stringify(out));
    }
    return (entries = m);
  }
  return {
    name: "celery-playground:precompiled",
    resolveId(id) {
      return id === INDEX || id.startsWith(ENTRY) ? `\0${id}` : null;
    },
    async load(id) {
      if (id === `\0${INDEX}`) {
        const keys = [...(await table()).keys()];
        return `export default {\n${keys.map((k) => `  ${JSON.stringify(k)}: () => import(${JSON.stringify(ENTRY + k)}),`).join("\n")}\n};\n`;
      }
      if (id.startsWith(`\0${ENTRY}`)) {
        const json = (await table()).get(id.slice(ENTRY.length + 1));
        if (!json) throw new Error(`no precompiled entry ${id}`);
        return `export default ${json};\n`;
      }
      return null;
    },
    // Sources change while `npm start` runs: drop the table so the next load rebuilds it.
    handleHotUpdate(ctx) {
      if (/\.scenario$|[\\/]labs[\\/].*(starter|solution)\.ts$/.test(ctx.file)) entries = null;
    },
  };
}
