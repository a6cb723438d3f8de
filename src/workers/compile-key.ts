/**
 * The key a compiled scenario is cached under: the SHA-256 of its file name and exact text, with
 * the compiler's version, so the cache (shipped, in memory, in IndexedDB) never returns output of
 * another text or another esbuild. Shared by the page and the build-time plugin.
 */
export function compileKeyFromDigest(sha256Hex: string, esbuildVersion: string): string {
  return `esbuild-${esbuildVersion}-${sha256Hex.slice(0, 40)}`;
}

/** The page's key, or null where Web Crypto is missing (plain http on a non-local host): no caching then. */
export async function compileKey(source: string, file: string, esbuildVersion: string): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(`${file}\u0000${source}`));
  let hex = "";
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, "0");
  return compileKeyFromDigest(hex, esbuildVersion);
}
