/** Small display helpers shared by the views. */

export function fmtS(s: number | null | undefined, digits = 2): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  return `${s.toFixed(digits)} s`;
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A compact, single-line rendering of a value (args, results) for tables. */
export function fmtValue(v: unknown, max = 60): string {
  let s: string;
  if (v === undefined) s = "";
  else if (typeof v === "string") s = JSON.stringify(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function fmtArgs(args: unknown[], kwargs: Record<string, unknown>): string {
  const parts = args.map((a) => fmtValue(a, 30));
  for (const [k, v] of Object.entries(kwargs)) parts.push(`${k}=${fmtValue(v, 20)}`);
  return `(${parts.join(", ")})`;
}

export function fmtRate(perS: number): string {
  if (!Number.isFinite(perS) || perS === 0) return "0/s";
  return perS >= 10 ? `${perS.toFixed(0)}/s` : `${perS.toFixed(2)}/s`;
}
