#!/usr/bin/env node
// The headless runner's entry: bundle cli/main.ts with esbuild (milliseconds) and run it, so the
// command always runs the same TypeScript the tests and the browser use, with no build step.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "node_modules", ".cache", "celery-playground");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `cli-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, "cli", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "error",
  // Where the CLI finds cli/sandbox/ to bundle the sandbox's runtime (this bundle is not beside it).
  define: { __CELERY_PLAYGROUND_ROOT__: JSON.stringify(root) },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const { main } = await import(pathToFileURL(outfile).href);
const { rmSync } = await import("node:fs");
const code = await main(process.argv.slice(2), outfile, () => rmSync(outfile, { force: true }));
rmSync(outfile, { force: true });
process.exitCode = code;
