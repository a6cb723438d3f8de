import fc from "fast-check";
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from "lz-string";
import { describe, expect, it } from "vitest";
import { decompressBounded } from "./lz-bounded";
import { decodeShare, MAX_HASH_CHARS, MAX_JSON_CHARS, SHARE_PREFIX } from "./share";

/** The worst case for LZW: every code names the newest, longest entry (a run of one character). */
const BOMB_CHARS = 600_000;
const BOMB = compressToEncodedURIComponent("a".repeat(BOMB_CHARS));

describe("decompressBounded", () => {
  it("reads what lz-string writes, for any text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababab\n\n\n")), (text) => {
        expect(decompressBounded(compressToEncodedURIComponent(text), 1e6)).toEqual({ ok: true, text });
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with lz-string on cut and corrupted input (never accepts what lz-string rejects as empty)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.nat(), (text, cut) => {
        const full = compressToEncodedURIComponent(text);
        const part = full.slice(0, cut % full.length);
        const mine = decompressBounded(part, 1e6);
        const theirs = decompressFromEncodedURIComponent(part);
        if (mine.ok) expect(mine.text).toBe(theirs);
      }),
      { numRuns: 300 },
    );
  });

  it("stops at the cap: a tiny input that expands quadratically is refused, not expanded", () => {
    expect(BOMB.length).toBeLessThan(2_000); // 600k characters from a ~1.5 kB input
    expect(decompressBounded(BOMB, 1_000)).toEqual({ ok: false, why: "too-large" });
    expect(decompressBounded(BOMB, BOMB_CHARS)).toEqual({ ok: true, text: "a".repeat(BOMB_CHARS) });
  });

  it("refuses characters outside the URI-safe alphabet", () => {
    expect(decompressBounded("%%%not-lz", 100)).toEqual({ ok: false, why: "damaged" });
    expect(decompressBounded("", 100)).toEqual({ ok: false, why: "damaged" });
  });
});

describe("share link limits", () => {
  it("refuse a link over the cap before decompressing, quickly", () => {
    const t0 = performance.now();
    const d = decodeShare(SHARE_PREFIX + "A".repeat(200_000));
    expect(performance.now() - t0).toBeLessThan(150); // ~17 ms measured; 62 ms on a busy machine
    expect(d).toMatchObject({ ok: false, reason: expect.stringContaining("too long") });
  });

  it("refuse, under the cap, a link that unpacks past the decompressed cap, quickly", () => {
    const body = BOMB;
    expect(body.length).toBeLessThan(MAX_HASH_CHARS);
    expect(BOMB_CHARS).toBeGreaterThan(MAX_JSON_CHARS);
    const t0 = performance.now();
    expect(decodeShare(SHARE_PREFIX + body)).toMatchObject({ ok: false, reason: expect.stringContaining("too large") });
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it("refuse 64k characters of random alphabet without hanging", () => {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";
    let x = 12345;
    const s = Array.from({ length: MAX_HASH_CHARS }, () => abc[(x = (x * 1103515245 + 12345) % 2 ** 31) % 64]).join("");
    const t0 = performance.now();
    expect(decodeShare(SHARE_PREFIX + s)?.ok).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
