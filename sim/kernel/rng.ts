/**
 * Seeded randomness with independent named streams: drawing more numbers from one stream (say a
 * learner's Math.random) never shifts another (retry jitter, task ids, faults). sfc32 seeded through
 * splitmix32 of hash(seed, name): fast, 32-bit, identical in every JavaScript engine.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = "") {
    let s = (hashString(stream) ^ Math.imul(seed | 0, 0x9e3779b1) ^ Math.floor(seed / 0x100000000)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 53 bits. */
  random(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.random()) * mean;
  }

  /** Standard normal (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.random();
    const v = this.random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A UUID4-shaped id, as Celery's task ids look: a's 8 hex digits, b's top 4, "4" and b's low 3,
   * the variant digit (8-b) and c's bits 16-27, c's low 4 and d's 8. Written as char codes into one
   * buffer and made one flat 36-character string at once: concatenating the pieces made ~20
   * intermediate strings an id (~550 bytes of garbage a task).
   */
  uuid(): string {
    const a = this.nextU32();
    const b = this.nextU32();
    const c = this.nextU32();
    const d = this.nextU32();
    const o = ID_CODES;
    hexDigits(o, 0, a, 8);
    o[8] = DASH;
    hexDigits(o, 9, b >>> 16, 4);
    o[13] = DASH;
    o[14] = HEX_CODE[4]!;
    hexDigits(o, 15, b, 3);
    o[18] = DASH;
    o[19] = HEX_CODE[8 | ((c >>> 28) & 3)]!;
    hexDigits(o, 20, c >>> 16, 3);
    o[23] = DASH;
    hexDigits(o, 24, c, 4);
    hexDigits(o, 28, d, 8);
    return String.fromCharCode.apply(null, o);
  }
}

const HEX_CODE = Array.from("0123456789abcdef", (ch) => ch.charCodeAt(0));
const DASH = "-".charCodeAt(0);
/** uuid()'s 36 char codes, reused (rewritten whole by every call). */
const ID_CODES: number[] = new Array<number>(36).fill(0);

/** The low `count` hex digits of `n` (most significant first), as char codes into out[at...]. */
function hexDigits(out: number[], at: number, n: number, count: number): void {
  for (let k = count - 1; k >= 0; k--) {
    out[at + k] = HEX_CODE[n & 15]!;
    n >>>= 4;
  }
}

/** Named streams from one seed. */
export class RngStreams {
  private streams = new Map<string, Rng>();
  constructor(readonly seed: number) {}
  stream(name: string): Rng {
    let r = this.streams.get(name);
    if (!r) {
      r = new Rng(this.seed, name);
      this.streams.set(name, r);
    }
    return r;
  }
}

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
