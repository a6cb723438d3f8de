// Offline support, hand-written on purpose (no build plugin): on install, cache the app shell and
// every hashed asset reachable from it, found by following "assets/…" references from index.html
// through the JS chunks (this reaches the lazy editor chunk, both workers and esbuild's wasm).
// Hashed assets never change, so they are served cache-first; the HTML is network-first so a new
// deploy is picked up when online.
const CACHE = "celery-playground-v1";
// Vite's hashed file names: name-XXXXXXXX.ext. In index.html they appear as "./assets/…"; inside a
// chunk as a bare name relative to that chunk (new URL("x-hash.js", import.meta.url)).
const ASSET_RE = /(?:\.\/)?(?:assets\/)?[\w.-]+-[\w-]{8}\.(?:js|css|wasm)/g;

async function crawl() {
  const cache = await caches.open(CACHE);
  const scope = self.registration.scope;
  await cache.addAll(["./", "./index.html", "./favicon.svg"]);
  const seen = new Set();
  const queue = [new URL("./index.html", scope).href];
  while (queue.length) {
    const from = queue.shift();
    if (!/\.(html|js|css)$/.test(new URL(from).pathname)) continue;
    const res = await cache.match(from);
    if (!res) continue;
    const text = await res.text();
    for (const m of text.matchAll(ASSET_RE)) {
      for (const url of [new URL(m[0], from).href, new URL(m[0], scope).href]) {
        if (seen.has(url)) break;
        let ok = !!(await cache.match(url));
        if (!ok) {
          const r = await fetch(url).catch(() => null);
          ok = !!r && r.ok;
          if (ok) await cache.put(url, r);
        }
        if (ok) {
          seen.add(url);
          queue.push(url);
          break;
        }
      }
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(crawl().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  const hashed = new URL(req.url).pathname.includes("/assets/");
  event.respondWith(hashed ? cacheFirst(req) : networkFirst(req, event));
});

async function cacheFirst(req) {
  const hit = await caches.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) (await caches.open(CACHE)).put(req, res.clone());
  return res;
}

async function networkFirst(req, event) {
  try {
    const res = await fetch(req);
    if (res.ok) {
      const cache = await caches.open(CACHE);
      // A new deploy (the page names other chunks than the cached shell): fetch what is not cached
      // yet in the background, so labs never opened online still work offline afterwards. The same
      // shell is the common case and costs one comparison.
      if (req.mode === "navigate" && event) {
        const old = await cache.match(new URL("./index.html", self.registration.scope).href);
        const [was, now] = await Promise.all([old ? old.text() : null, res.clone().text()]);
        if (was !== now) {
          const fresh = crawl().catch(() => {}); // re-reads the shell, then follows its chunks
          try {
            event.waitUntil(fresh);
          } catch {}
        }
      }
      await cache.put(req, res.clone());
    }
    return res;
  } catch (e) {
    const hit = (await caches.match(req, { ignoreSearch: true })) || (req.mode === "navigate" ? await caches.match("./index.html") : undefined);
    if (hit) return hit;
    throw e;
  }
}
