/**
 * Vite plugin: the service worker's manifest, made at build time. Every file of the built site
 * (but sw.js itself) with the SHA-256 of its content, and a version that is a hash of the whole
 * list, written into dist/sw.js in place of its placeholder. So:
 *
 * - each build has its own sw.js (the browser sees a changed worker and installs the new build),
 *   its own cache (`celery-playground-<version>`), and the old build's cache is dropped on activate;
 * - the worker serves exactly the files of its manifest, and only a body whose hash matches: a
 *   page that writes CacheStorage (any script of this origin can) cannot change what it serves.
 *
 * public/sw.js is the worker; this only fills in its data.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Plugin, ResolvedConfig } from "vite";

export const PLACEHOLDER = "/*__SW_MANIFEST__*/ null";
export const SW_FILE = "sw.js";

export interface SwManifest {
  /** A hash of every path and content hash: a new build, a new version. */
  version: string;
  /** Path relative to the site's root (`assets/index-abc.js`) → base64 SHA-256 of its bytes. */
  files: Record<string, string>;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/** The manifest of a set of files (paths with "/" separators, relative to the site root). */
export function buildManifest(files: Iterable<{ path: string; bytes: Uint8Array }>): SwManifest {
  const entries = [...files].filter((f) => f.path !== SW_FILE && !f.path.endsWith(".map")).map((f) => [f.path, sha256(f.bytes)] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const version = createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 16);
  return { version, files: Object.fromEntries(entries) };
}

/** sw.js with its manifest filled in; throws if the placeholder is missing (a stale or edited worker). */
export function injectManifest(swSource: string, m: SwManifest): string {
  const at = swSource.indexOf(PLACEHOLDER);
  if (at < 0 || swSource.indexOf(PLACEHOLDER, at + 1) >= 0) throw new Error(`${SW_FILE}: expected exactly one ${PLACEHOLDER}`);
  return swSource.slice(0, at) + JSON.stringify(m) + swSource.slice(at + PLACEHOLDER.length);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

export function swManifestPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "celery-playground:sw-manifest",
    apply: "build",
    configResolved(c) {
      config = c;
    },
    // After every file (the chunks, the workers, the wasm, the copied public/ files) is written.
    closeBundle() {
      const out = resolve(config.root, config.build.outDir);
      const files = walk(out).map((p) => ({ path: relative(out, p).split(sep).join("/"), bytes: readFileSync(p) }));
      const manifest = buildManifest(files);
      const sw = join(out, SW_FILE);
      writeFileSync(sw, injectManifest(readFileSync(sw, "utf8"), manifest));
      config.logger.info(`sw manifest: ${Object.keys(manifest.files).length} files, version ${manifest.version}`);
    },
  };
}
