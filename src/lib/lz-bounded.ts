/**
 * lz-string's `decompressFromEncodedURIComponent`, with a cap on what it may produce.
 *
 * lz-string's own decompressor has no limit: each code can name a dictionary entry one character
 * longer than the last, so n input characters can expand to ~n²/2 output characters (a 200k-character
 * link froze the page for ~13 s and took ~3 GB before it was refused). This one reads the same
 * format (LZW over a 6-bit URI-safe alphabet, see lz-string's README) and stops as soon as the output
 * passes `maxChars`, so its time and memory are linear in the input and bounded by the cap.
 * Written from the format, not copied; share.test.ts checks it against lz-string on random text.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i] as const));

export type Bounded = { ok: true; text: string } | { ok: false; why: "too-large" | "damaged" };

export function decompressBounded(input: string, maxChars: number): Bounded {
  // A space is a "+" that went through form encoding (lz-string accepts it too).
  const s = input.replace(/ /g, "+");
  if (s.length === 0) return { ok: false, why: "damaged" };
  for (const c of s) if (!VALUE.has(c)) return { ok: false, why: "damaged" };

  // Bits are read most significant first, 6 to a character.
  let index = 0;
  let val = VALUE.get(s[0]!)!;
  let position = 32;
  let next = 1;
  const bits = (n: number): number | null => {
    let out = 0;
    for (let power = 1, i = 0; i < n; i++, power *= 2) {
      if (index >= s.length) return null;
      if (val & position) out |= power;
      position >>= 1;
      if (position === 0) {
        position = 32;
        index = next;
        val = next < s.length ? VALUE.get(s[next]!)! : 0;
        next++;
      }
    }
    return out;
  };

  const dict: string[] = ["", "", ""]; // codes 0, 1, 2 are markers: an 8-bit char, a 16-bit char, the end
  let enlargeIn = 4;
  let numBits = 3;
  const out: string[] = [];
  let size = 0;
  const push = (piece: string): boolean => {
    size += piece.length;
    out.push(piece);
    return size <= maxChars;
  };

  const first = bits(2);
  if (first === null || first === 2) return first === 2 ? { ok: true, text: "" } : { ok: false, why: "damaged" };
  const c0 = bits(first === 0 ? 8 : 16);
  if (c0 === null) return { ok: false, why: "damaged" };
  let w = String.fromCharCode(c0);
  dict.push(w);
  if (!push(w)) return { ok: false, why: "too-large" };

  for (;;) {
    let code = bits(numBits);
    if (code === null) return { ok: false, why: "damaged" }; // ran out before the end marker: cut short
    if (code === 0 || code === 1) {
      const ch = bits(code === 0 ? 8 : 16);
      if (ch === null) return { ok: false, why: "damaged" };
      dict.push(String.fromCharCode(ch));
      code = dict.length - 1;
      if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    } else if (code === 2) {
      return { ok: true, text: out.join("") };
    }
    let entry: string;
    if (code < dict.length) entry = dict[code]!;
    else if (code === dict.length) entry = w + w[0];
    else return { ok: false, why: "damaged" };
    if (!push(entry)) return { ok: false, why: "too-large" };
    dict.push(w + entry[0]);
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
    w = entry;
  }
}
