#!/usr/bin/env node
// npm run bench: each benchmark runs in a fresh Node process (so peak memory is its own) and prints
// one JSON object; this prints them all as one JSON array. Not part of npm test.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "node_modules", ".cache", "celery-playground", "bench");
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2);
const benches = readdirSync(join(root, "scripts", "bench")).filter((f) => f.endsWith(".ts")).filter((f) => !only.length || only.some((o) => f.includes(o)));
const results = [];
for (const f of benches) {
  const outfile = join(outDir, f.replace(/\.ts$/, `-${process.pid}.mjs`)); // per process: worktrees share this cache
  await build({ entryPoints: [join(root, "scripts", "bench", f)], outfile, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "error", define: { __CELERY_PLAYGROUND_ROOT__: JSON.stringify(root) } });
  try {
    const out = execFileSync(process.execPath, ["--max-old-space-size=4096", outfile], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 15 * 60 * 1000 });
    for (const line of out.split("\n")) if (line.trim().startsWith("{")) results.push(JSON.parse(line));
  } catch (e) {
    results.push({ bench: f, error: String(e.message ?? e).slice(0, 500) });
  }
}
console.log(JSON.stringify(results, null, 2));
if (!existsSync(join(root, "dist")) && benches.some((b) => b.startsWith("browser"))) console.error("(browser benches need npm run build first)");
