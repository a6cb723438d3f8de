/** Python's repr of JavaScript values, for Celery's messages ("args:(2,) kwargs:{}") and events. */
export function pyRepr(v: unknown, depth = 0): string {
  if (depth > 6) return "...";
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  if (typeof v === "string") return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, depth + 1)).join(", ")}]`;
  if (v instanceof Error) return `${v.name}(${pyRepr(v.message)})`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x, depth + 1)}`).join(", ")}}`;
  }
  return String(v);
}

/** A tuple's repr: () for none, (1,) for one. */
export function pyTuple(args: unknown[]): string {
  if (args.length === 1) return `(${pyRepr(args[0])},)`;
  return `(${args.map((a) => pyRepr(a)).join(", ")})`;
}
