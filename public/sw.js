// Offline support that serves only what this build installed.
//
// The build (scripts/vite/sw-manifest-plugin.ts) writes MANIFEST below: every file of the site with
// the SHA-256 of its content, and a version. So this file changes with every build, the browser
// installs the new one, and:
// - install fetches every manifest file (revalidating with the server, not the HTTP cache), checks
//   its hash, and stores it in this build's own cache, "celery-playground-<version>";
// - activate deletes every other "celery-playground-*" cache (older builds, the old "-v1");
// - fetch answers only for manifest files, and only with a body whose hash matches the manifest:
//   any script of this origin can write CacheStorage, so a cached body is checked each time it is
//   served, and a tampered one is dropped and fetched again. Anything else goes to the network
//   untouched and is never stored, so the cache holds this build's files and nothing more (no
//   query-string variants of the page: every navigation in scope is the one index.html);
// - files under LAZY_PREFIXES (Pyodide's 12 MB, fetched only when a Python scenario runs) are in the
//   manifest but not fetched at install: the first request for one stores it (hash-checked, as
//   every file), so Python works offline after it ran once. A new build keeps them (activate
//   carries over the ones whose hash is unchanged), so an update does not cost the 12 MB again;
// - a navigation asks the network first (a new deploy is seen at once) and falls back to the
//   installed index.html offline. The HTML the network returns is not stored.
const MANIFEST = /*__SW_MANIFEST__*/ null;
const PREFIX = "celery-playground-";
const LAZY_PREFIXES = ["pyodide/"];
const isLazy = (path) => LAZY_PREFIXES.some((p) => path.startsWith(p));
const CACHE = MANIFEST ? PREFIX + MANIFEST.version : null;

const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", wasm: "application/wasm", svg: "image/svg+xml", json: "application/json" };
const typeOf = (path) => TYPES[path.slice(path.lastIndexOf(".") + 1)] || "application/octet-stream";

async function digest(buf) {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  let s = "";
  for (const b of h) s += String.fromCharCode(b);
  return btoa(s);
}

/** The manifest path a request is for (a folder is its index.html; the query is ignored), or null. */
function manifestPath(url) {
  const u = new URL(url);
  const scope = new URL(self.registration.scope);
  if (u.origin !== scope.origin || !u.pathname.startsWith(scope.pathname)) return null;
  let p;
  try {
    p = decodeURIComponent(u.pathname.slice(scope.pathname.length));
  } catch {
    return null;
  }
  if (p === "" || p.endsWith("/")) p += "index.html";
  return Object.hasOwn(MANIFEST.files, p) ? p : null;
}

const urlOf = (path) => new URL(path, self.registration.scope).href;

/**
 * The server's copy of a manifest file if it is this build's; else null (a newer deploy, an error).
 * A dropped connection or a server error is tried again (three times in all): one failed fetch
 * would fail the whole install, and offline use with it, until the next visit.
 */
async function fetchVerified(path) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetch(urlOf(path), { cache: "no-cache", credentials: "same-origin" });
    } catch (e) {
      if (attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 250 * attempt));
      continue;
    }
    if (res.status >= 500 && attempt < 3) {
      await new Promise((r) => setTimeout(r, 250 * attempt));
      continue;
    }
    if (!res.ok) return null;
    const body = await res.arrayBuffer();
    return (await digest(body)) === MANIFEST.files[path] ? body : null;
  }
}

const respond = (path, body) => new Response(body, { status: 200, headers: { "content-type": typeOf(path) } });

async function install() {
  const cache = await caches.open(CACHE);
  const paths = Object.keys(MANIFEST.files).filter((p) => !isLazy(p));
  let next = 0;
  // Six at a time, as a browser fetches from one host.
  const lane = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const body = await fetchVerified(path);
      // Another deploy replaced the site mid-install: fail; the next visit installs that one.
      if (!body) throw new Error(`sw: ${path} is not this build's`);
      await cache.put(urlOf(path), respond(path, body));
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
}

self.addEventListener("install", (event) => {
  if (!MANIFEST) return;
  event.waitUntil(install().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  if (!MANIFEST) return;
  event.waitUntil(
    caches
      .keys()
      .then(async (keys) => {
        const old = keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE);
        await carryOverLazy(old);
        await Promise.all(old.map((k) => caches.delete(k)));
      })
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  if (!MANIFEST) return;
  const req = event.request;
  if (req.method !== "GET") return;
  const path = manifestPath(req.url);
  if (req.mode === "navigate") {
    if (path && path.endsWith(".html")) event.respondWith(navigate(req, path));
    return;
  }
  if (path) event.respondWith(serve(path, req));
});

/** Lazy files an older build stored, into this build's cache when their hash is this build's. */
async function carryOverLazy(oldCaches) {
  const cache = await caches.open(CACHE);
  for (const path of Object.keys(MANIFEST.files).filter(isLazy)) {
    const url = urlOf(path);
    if (await cache.match(url)) continue;
    for (const name of oldCaches) {
      const hit = await (await caches.open(name)).match(url);
      if (!hit) continue;
      const body = await hit.arrayBuffer();
      if ((await digest(body)) === MANIFEST.files[path]) {
        await cache.put(url, respond(path, body));
        break;
      }
    }
  }
}

/** A manifest file: from this build's cache when its hash matches, else verified from the network. */
async function serve(path, req) {
  const cache = await caches.open(CACHE);
  const url = urlOf(path);
  const hit = await cache.match(url);
  if (hit) {
    const body = await hit.arrayBuffer();
    if ((await digest(body)) === MANIFEST.files[path]) return respond(path, body);
    await cache.delete(url); // tampered with: never served
  }
  const body = await fetchVerified(path).catch(() => null);
  if (body) {
    await cache.put(url, respond(path, body.slice(0)));
    return respond(path, body);
  }
  // Not this build's on the server either (a newer deploy): what the server has, not stored.
  return fetch(req);
}

async function navigate(req, path) {
  try {
    return await fetch(req);
  } catch (e) {
    const page = await serve(path, req).catch(() => null);
    if (page && page.ok) return page;
    throw e;
  }
}
