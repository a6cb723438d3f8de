import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildManifest, injectManifest, PLACEHOLDER, sha256 } from "./sw-manifest-plugin";

const enc = (s: string) => new TextEncoder().encode(s);

describe("the service worker's manifest", () => {
  const site = [
    { path: "index.html", bytes: enc("<!doctype html>") },
    { path: "assets/index-abc.js", bytes: enc("console.log(1)") },
    { path: "sw.js", bytes: enc("self") },
    { path: "assets/index-abc.js.map", bytes: enc("{}") },
  ];

  it("lists every file but the worker itself, with the SHA-256 of its bytes", () => {
    const m = buildManifest(site);
    expect(m.files).toEqual({ "assets/index-abc.js": sha256(enc("console.log(1)")), "index.html": sha256(enc("<!doctype html>")) });
    // Node's hash is the one the worker computes with crypto.subtle (base64 of the raw digest).
    expect(sha256(enc("abc"))).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });

  it("gets a new version when any file's content changes, and only then", () => {
    const a = buildManifest(site);
    expect(buildManifest([...site].reverse()).version).toBe(a.version);
    const changed = site.map((f) => (f.path === "assets/index-abc.js" ? { ...f, bytes: enc("console.log(2)") } : f));
    expect(buildManifest(changed).version).not.toBe(a.version);
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is written into public/sw.js in place of its one placeholder", () => {
    const src = readFileSync("public/sw.js", "utf8");
    const m = buildManifest(site);
    const out = injectManifest(src, m);
    expect(out).not.toContain(PLACEHOLDER);
    expect(out).toContain(`const MANIFEST = ${JSON.stringify(m)};`);
    expect(() => injectManifest("const MANIFEST = {};", m)).toThrow(/placeholder|expected exactly one/);
  });
});
