/**
 * The designed canvas as code: a TypeScript expression for the editor (the playground's "celery"
 * module) and a Python module for real Celery. Both print the same tree, so what runs in the
 * simulator is what runs on a real worker.
 */
import { cleanOptions, normalize, tasksOf, type Expr, type TaskOptions } from "./expr";

const IDENT = /^[A-Za-z_$][\w$]*$/;

export function tsLiteral(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(tsLiteral).join(", ")}]`;
  if (typeof v === "object") {
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${IDENT.test(k) ? k : JSON.stringify(k)}: ${tsLiteral(x)}`);
    return parts.length ? `{ ${parts.join(", ")} }` : "{}";
  }
  return JSON.stringify(String(v));
}

export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
    return String(v);
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(", ")}}`;
  return JSON.stringify(String(v));
}

function tsOptions(o: TaskOptions): string {
  const c = cleanOptions(o);
  return Object.keys(c).length ? `.set(${tsLiteral(c)})` : "";
}

function pyOptions(o: TaskOptions): string {
  const c = cleanOptions(o);
  const parts = Object.entries(c).map(([k, v]) => `${k}=${pyLiteral(v)}`);
  return parts.length ? `.set(${parts.join(", ")})` : "";
}

interface Printer {
  lit(v: unknown): string;
  opts(o: TaskOptions): string;
  name(n: string): string;
}
const TS: Printer = { lit: tsLiteral, opts: tsOptions, name: (n) => n };
const PY: Printer = { lit: pyLiteral, opts: pyOptions, name: (n) => pyIdent(n) };

function print(e: Expr, p: Printer, indent: string, width: number): string {
  const flat = printFlat(e, p);
  if (flat.length + indent.length <= width || e.kind === "task") return flat;
  const inner = indent + "    ";
  const lines = (xs: Expr[]) => xs.map((x) => inner + print(x, p, inner, width)).join(",\n");
  switch (e.kind) {
    case "chain":
    case "group":
      return `${e.kind}(\n${lines(e.items)},\n${indent})`;
    case "chord": {
      const deeper = inner + "    ";
      const header = `${inner}[\n${e.header.map((x) => deeper + print(x, p, deeper, width)).join(",\n")},\n${inner}]`;
      return `chord(\n${header},\n${inner}${print(e.body, p, inner, width)},\n${indent})`;
    }
  }
}

function printFlat(e: Expr, p: Printer): string {
  switch (e.kind) {
    case "task":
      return `${p.name(e.name)}.${e.immutable ? "si" : "s"}(${e.args.map(p.lit).join(", ")})${p.opts(e.options)}`;
    case "chain":
    case "group":
      return `${e.kind}(${e.items.map((x) => printFlat(x, p)).join(", ")})`;
    case "chord":
      return `chord([${e.header.map((x) => printFlat(x, p)).join(", ")}], ${printFlat(e.body, p)})`;
  }
}

/** A TypeScript expression for the editor: `chain(add.s(2, 2), group(...), total.s())`. */
export function toTypeScript(e: Expr, width = 100): string {
  return print(normalize(e), TS, "", width);
}

/** The Python expression alone (same tree, Python literals and keyword options). */
export function toPythonExpr(e: Expr, width = 100): string {
  return print(normalize(e), PY, "", width);
}

export interface PyTaskInfo {
  /** Parameter names, when known (from the scenario's code). */
  params?: string[];
}

/**
 * A Python module that runs on real Celery: the app, a stub for each task the canvas names (with
 * the scenario's parameter names; replace the bodies with your own), and the workflow.
 */
export function toPythonModule(e: Expr, o: { app?: string; tasks?: Record<string, PyTaskInfo> } = {}): string {
  const names = [...new Set(tasksOf(e).map((t) => t.name))];
  const app = o.app ?? "playground";
  const used = new Set(["chain", "group", "chord"].filter((k) => JSON.stringify(normalize(e)).includes(`"kind":"${k}"`)));
  const imports = ["Celery", ...["chain", "chord", "group"].filter((k) => used.has(k))];
  const out: string[] = [];
  out.push(`"""A workflow exported from Celery Playground's designer."""`);
  out.push(`from celery import ${imports.join(", ")}`);
  out.push("");
  out.push(`app = Celery(${pyLiteral(app)}, broker="redis://localhost:6379/0", backend="redis://localhost:6379/1")`);
  out.push("");
  for (const n of names) {
    const params = o.tasks?.[n]?.params;
    const sig = params && params.length ? params.join(", ") : "*args";
    out.push("");
    out.push(`@app.task(name=${pyLiteral(n)})`);
    out.push(`def ${pyIdent(n)}(${sig}):`);
    out.push(`    # TODO: port the body of ${n} from scenario.ts`);
    out.push(`    return None`);
    out.push("");
  }
  out.push("");
  out.push(`workflow = ${toPythonExpr(e)}`);
  out.push("");
  out.push(`if __name__ == "__main__":`);
  out.push(`    result = workflow.apply_async()`);
  out.push(`    print(result.get(timeout=60))`);
  return out.join("\n") + "\n";
}

const PY_KEYWORDS = new Set("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(" "));

/** A TS identifier as a Python one (`$` is not allowed; keywords get a trailing underscore). */
export function pyIdent(name: string): string {
  const s = name.replace(/\$/g, "_");
  return PY_KEYWORDS.has(s) ? `${s}_` : s;
}
