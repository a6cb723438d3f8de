#!/usr/bin/env node
// Same output (issue 21): run scripts/same-output/run.ts (bundled with esbuild, as the benches are)
// and compare each scenario's report and trace digests with scripts/same-output/golden.json.
//   node scripts/same-output.mjs            compare; exit 1 and name each scenario that differs
//   node scripts/same-output.mjs --update   write the golden file (only from a build whose output is the reference)
//   node scripts/same-output.mjs burst      only the scenarios whose name contains "burst"
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const update = process.argv.includes("--update");
const filter = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "";
const outDir = join(root, "node_modules", ".cache", "celery-playground", "same-output");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `run-${process.pid}.mjs`); // per process: worktrees share this cache
await build({ entryPoints: [join(root, "scripts", "same-output", "run.ts")], outfile, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "error", define: { __CELERY_PLAYGROUND_ROOT__: JSON.stringify(root) }, loader: { ".py": "text" } });
const out = execFileSync(process.execPath, ["--max-old-space-size=4096", outfile, filter], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
const now = JSON.parse(out.trim().split("\n").pop());
const goldenFile = join(root, "scripts", "same-output", "golden.json");
if (update) {
  writeFileSync(goldenFile, JSON.stringify(now, null, 1) + "\n");
  console.log(`wrote ${Object.keys(now).length} scenarios to ${goldenFile}`);
  process.exit(0);
}
const golden = JSON.parse(readFileSync(goldenFile, "utf8"));
let bad = 0;
for (const [name, got] of Object.entries(now)) {
  const want = golden[name];
  if (!want) { console.log(`NEW   ${name} (not in the golden file)`); bad++; continue; }
  const diff = Object.keys(want).filter((k) => want[k] !== got[k]);
  if (diff.length) { console.log(`DIFF  ${name}: ${diff.map((k) => `${k} ${want[k]} -> ${got[k]}`).join("; ")}`); bad++; }
}
const missing = filter ? [] : Object.keys(golden).filter((n) => !(n in now));
for (const n of missing) { console.log(`GONE  ${n}`); bad++; }
console.log(bad ? `${bad} of ${Object.keys(now).length} scenarios differ` : `all ${Object.keys(now).length} scenarios identical`);
process.exit(bad ? 1 : 0);
