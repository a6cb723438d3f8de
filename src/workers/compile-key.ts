/**
 * The key a compiled scenario is cached under: a 106-bit hash of its file name and exact text
 * (two seeded 53-bit cyrb53 hashes), its length, and the compiler's version, so the cache (shipped,
 * in memory, in IndexedDB) never returns output of another text or another esbuild. Synchronous and
 * plain JS on purpose: Web Crypto's digest is a thread hop that cost 10+ ms per compile on a busy
 * page, and is missing on plain http. Shared by the page and the build-time plugin.
 */
function cyrb53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function compileKey(source: string, file: string, esbuildVersion: string): string {
  const text = `${file}\u0000${source}`;
  return `esbuild-${esbuildVersion}-${text.length.toString(36)}-${cyrb53(text, 1).toString(36)}-${cyrb53(text, 2).toString(36)}`;
}
