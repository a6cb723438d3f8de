#!/usr/bin/env node
// Build and run one probe of scripts/probe/ with --expose-gc: node scripts/probe/run.mjs <name> [args...]
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = join(root, "node_modules", ".cache", "celery-playground", "probe");
mkdirSync(outDir, { recursive: true });
const [name, ...args] = process.argv.slice(2);
const outfile = join(outDir, `${name}-${process.pid}.mjs`);
await build({ entryPoints: [join(root, "scripts", "probe", `${name}.ts`)], outfile, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "error", define: { __CELERY_PLAYGROUND_ROOT__: JSON.stringify(root) } });
execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", outfile, ...args], { cwd: root, stdio: "inherit" });
