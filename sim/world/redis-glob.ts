/**
 * Redis's glob-style matching (util.c stringmatchlen), used by KEYS: `*` any run, `?` one character,
 * `[abc]`, `[^abc]`, `[a-z]` (a reversed range is swapped, as Redis does), `\x` a literal x.
 */
export function globMatch(pattern: string, s: string): boolean {
  return matchFrom(pattern, 0, s, 0);
}

function matchFrom(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === "*") {
      while (p[pi + 1] === "*") pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === "?") {
      pi++;
      si++;
      continue;
    }
    if (c === "[") {
      const r = matchClass(p, pi + 1, s[si]!);
      if (!r.matched) return false;
      pi = r.next;
      si++;
      continue;
    }
    let lit = c;
    if (c === "\\" && pi + 1 < p.length) lit = p[++pi]!;
    if (lit !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Match `ch` against the class starting after "["; returns where the pattern goes on after "]". */
function matchClass(p: string, pi: number, ch: string): { matched: boolean; next: number } {
  const not = p[pi] === "^";
  if (not) pi++;
  let match = false;
  while (pi < p.length && p[pi] !== "]") {
    if (p[pi] === "\\" && pi + 1 < p.length) {
      pi++;
      if (p[pi] === ch) match = true;
    } else if (p[pi + 1] === "-" && pi + 2 < p.length && p[pi + 2] !== "]") {
      let lo = p[pi]!;
      let hi = p[pi + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) match = true;
      pi += 2;
    } else if (p[pi] === ch) {
      match = true;
    }
    pi++;
  }
  // An unclosed class ends the pattern, as in Redis.
  return { matched: not ? !match : match, next: pi < p.length ? pi + 1 : pi };
}
