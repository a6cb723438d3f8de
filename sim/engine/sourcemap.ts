/**
 * Where in the learner's file an error happened. The compiled scenario carries an inline source map
 * (esbuild's); stack frames of the evaluated code ("<anonymous>:LINE:COL", lines counted from the
 * `new Function` wrapper) are mapped back to "scenario.ts:line:column" and the simulator's own
 * frames are left out, so a traceback reads like the learner's code.
 */
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Per generated line: segments [generatedColumn, sourceLine, sourceColumn], 0-based. */
export type LineMap = [number, number, number][][];

export function decodeMappings(mappings: string): LineMap {
  const lines: LineMap = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIdx = 0;
  for (const line of mappings.split(";")) {
    const segs: [number, number, number][] = [];
    let genCol = 0;
    for (const seg of line.split(",")) {
      if (!seg) continue;
      const v: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = B64_INDEX.get(ch);
        if (d === undefined) break;
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += v[0] ?? 0;
      if (v.length >= 4) {
        srcIdx += v[1]!;
        srcLine += v[2]!;
        srcCol += v[3]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
    void srcIdx;
  }
  return lines;
}

/** The inline source map at the end of esbuild's output, decoded; null when there is none. */
export function inlineSourceMap(code: string): LineMap | null {
  const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!m) return null;
  try {
    const json = JSON.parse(decodeBase64(m[1]!)) as { mappings?: string };
    return json.mappings ? decodeMappings(json.mappings) : null;
  } catch {
    return null;
  }
}

function decodeBase64(s: string): string {
  let bits = 0;
  let acc = 0;
  const bytes: number[] = [];
  for (const ch of s) {
    if (ch === "=") break;
    const d = B64_INDEX.get(ch);
    if (d === undefined) continue;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 255);
    }
  }
  // A source map is JSON: ASCII but for file names, which the positions do not need.
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** Source position (1-based) of a 1-based generated position, or null. */
export function originalPosition(map: LineMap, line: number, column: number): { line: number; column: number } | null {
  const segs = map[line - 1];
  if (!segs?.length) return null;
  let best = segs[0]!;
  for (const s of segs) {
    if (s[0] <= column - 1) best = s;
    else break;
  }
  return { line: best[1] + 1, column: best[2] + 1 };
}

/** Lines the `new Function(...)` wrapper puts before the body ("function anonymous(…\n) {\n"). */
export const FUNCTION_WRAPPER_LINES = 2;

/**
 * Frames of a stack that belong to the learner's file, as "at name (file:line:column)". Frames of
 * the simulator are dropped; with no map, the learner's frames keep their compiled positions.
 */
export function learnerFrames(stack: string, map: LineMap | null, file: string): string[] {
  const out: string[] = [];
  for (const raw of stack.split("\n").slice(1)) {
    const m = /^\s*at (?:(.*?) \()?.*<anonymous>:(\d+):(\d+)\)?$/.exec(raw);
    if (!m) continue;
    const line = Number(m[2]) - FUNCTION_WRAPPER_LINES;
    const col = Number(m[3]);
    const pos = map ? originalPosition(map, line, col) : { line, column: col };
    if (!pos) continue;
    const name = (m[1] ?? "").replace(/^Task\.(\w+) \[as fn\]$/, "$1").replace(/^async /, "") || "<module>";
    out.push(`at ${name} (${file}:${pos.line}:${pos.column})`);
  }
  return out;
}
