/**
 * Share links: a scenario's code, seed and run settings, compressed with lz-string into the URL's
 * hash (`#s=…`), so a link is the whole scenario and no server is involved. The hash never reaches
 * the static host. Opening a link loads the code into the sandbox and does NOT run it: the learner
 * reads it first and presses Run. Same code + same seed (+ same cut-off) = the same trace hash.
 *
 * Pure (no DOM): the button is share-button.tsx.
 */
import { compressToEncodedURIComponent } from "lz-string";
import { decompressBounded } from "./lz-bounded";
import type { Language } from "./language";

export const SHARE_PREFIX = "#s=";
/** The payload's format version; a newer link is refused with a reason rather than misread. */
export const SHARE_VERSION = 1;
/**
 * Refuse absurd inputs before decompressing (a link is typed or pasted by people). A link is ~75 %
 * of its code's length, and the longest lab solution makes a ~7 kB link; 64k characters leaves room
 * for ten times that. The decompressed JSON is capped too (lz-bounded.ts stops there): its code, at
 * most MAX_CODE_CHARS, escaped (a newline is two characters), plus the other fields.
 */
export const MAX_HASH_CHARS = 64_000;
export const MAX_CODE_CHARS = 200_000;
export const MAX_JSON_CHARS = 2 * MAX_CODE_CHARS + 1_000;
/** A link longer than this is still valid, but chat tools and LMS fields may cut it. */
export const TYPICAL_MAX = 2_500;

export interface Shared {
  code: string;
  seed: number;
  /** Run settings that shape the run or how it is watched. */
  speed?: number | "max";
  untilS?: number;
  /** Where it came from (a lab id or example id), shown to the learner; not needed to reproduce. */
  from?: string;
  /** The code's language; a link without it (every link made before Python) is TypeScript. */
  language?: Language;
}

/** The compact wire form: short keys keep the link short. */
interface Wire {
  v: number;
  c: string;
  s: number;
  p?: number | "max";
  u?: number;
  f?: string;
  /** "py" for Python; absent for TypeScript (so TypeScript links are as before). */
  l?: "py";
}

export function encodeShare(s: Shared): string {
  const w: Wire = { v: SHARE_VERSION, c: s.code, s: s.seed };
  if (s.speed !== undefined) w.p = s.speed;
  if (s.untilS !== undefined) w.u = s.untilS;
  if (s.from !== undefined) w.f = s.from;
  if (s.language === "python") w.l = "py";
  return SHARE_PREFIX + compressToEncodedURIComponent(JSON.stringify(w));
}

/** A full link: `base` (the playground's URL; its query and hash are dropped) + the hash. */
export function shareUrl(base: string, s: Shared): string {
  const u = new URL(base);
  u.search = "";
  u.hash = "";
  return u.href + encodeShare(s);
}

export type Decoded = { ok: true; shared: Shared } | { ok: false; reason: string };

/** `#s=…` (or a whole URL holding one) → the scenario, or why not. Never throws. */
export function decodeShare(hashOrUrl: string): Decoded | null {
  const i = hashOrUrl.indexOf(SHARE_PREFIX);
  if (i < 0) return null;
  const body = hashOrUrl.slice(i + SHARE_PREFIX.length);
  if (body.length > MAX_HASH_CHARS) return { ok: false, reason: `the link is too long (${body.length.toLocaleString("en")} characters; the limit is ${MAX_HASH_CHARS.toLocaleString("en")})` };
  const json = decompressBounded(body, MAX_JSON_CHARS);
  if (!json.ok) return { ok: false, reason: json.why === "too-large" ? "the link's scenario is too large once unpacked" : "the link is damaged (it did not decompress); was it cut short?" };
  let w: unknown;
  try {
    w = JSON.parse(json.text);
  } catch {
    return { ok: false, reason: "the link is damaged (not JSON)" };
  }
  if (typeof w !== "object" || w === null || Array.isArray(w)) return { ok: false, reason: "the link is damaged" };
  const r = w as Record<string, unknown>;
  if (r.v !== SHARE_VERSION) return { ok: false, reason: typeof r.v === "number" && r.v > SHARE_VERSION ? "the link was made by a newer version of the playground" : "the link has no known version" };
  if (typeof r.c !== "string" || r.c.length > MAX_CODE_CHARS) return { ok: false, reason: "the link holds no code, or code over the size limit" };
  if (typeof r.s !== "number" || !Number.isSafeInteger(r.s)) return { ok: false, reason: "the link's seed is not a whole number" };
  const shared: Shared = { code: r.c, seed: r.s };
  if (r.p !== undefined) {
    if (r.p !== "max" && !(typeof r.p === "number" && Number.isFinite(r.p) && r.p > 0)) return { ok: false, reason: "the link's speed is invalid" };
    shared.speed = r.p;
  }
  if (r.u !== undefined) {
    if (!(typeof r.u === "number" && Number.isFinite(r.u) && r.u > 0)) return { ok: false, reason: "the link's time limit is invalid" };
    shared.untilS = r.u;
  }
  if (r.f !== undefined) {
    if (typeof r.f !== "string" || r.f.length > 100) return { ok: false, reason: "the link's origin is invalid" };
    shared.from = r.f;
  }
  if (r.l !== undefined) {
    if (r.l !== "py") return { ok: false, reason: "the link's language is not one the playground knows" };
    shared.language = "python";
  }
  return { ok: true, shared };
}
