/**
 * Reads canvas expressions out of scenario code: `chain(...)`, `group(...)`, `chord(...)` of
 * `task.s(...)` / `task.si(...)` signatures with literal arguments and `.set({...})` options. It is
 * a small recursive-descent parser over a forgiving tokenizer, not a TypeScript parser: anything
 * else inside a canvas (a variable, `urls.map(...)`) is reported with its line and column.
 */
import { cleanOptions, type Expr, type TaskExpr, type TaskOptions } from "./expr";

type TokKind = "ident" | "num" | "str" | "punct" | "other";
interface Tok {
  kind: TokKind;
  text: string;
  value?: unknown;
  pos: number;
}

export class CanvasParseError extends Error {
  override name = "CanvasParseError";
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const PUNCT = new Set(["(", ")", "[", "]", "{", "}", ",", ".", ":", "-", "+", ";", "=", "!"]);

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "/" && src[i + 1] === "/") {
      while (i < n && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      const start = i;
      let s = "";
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === "\\" && i + 1 < n) {
          const e = src[i + 1]!;
          const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", f: "\f", v: "\v" };
          if (e === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            s += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          s += map[e] ?? e;
          i += 2;
        } else s += src[i++];
      }
      i++;
      out.push({ kind: c === "`" && s.includes("${") ? "other" : "str", text: src.slice(start, i), value: s, pos: start });
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/.exec(src.slice(i))!;
      const text = m[0] || c;
      out.push({ kind: "num", text, value: Number(text.replace(/_/g, "")), pos: i });
      i += text.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))!;
      out.push({ kind: "ident", text: m[0], pos: i });
      i += m[0].length;
    } else {
      out.push({ kind: PUNCT.has(c) ? "punct" : "other", text: c, pos: i });
      i++;
    }
  }
  return out;
}

const CANVAS = new Set(["chain", "group", "chord"]);

class Parser {
  i = 0;
  constructor(
    readonly toks: Tok[],
    readonly end: number,
  ) {}

  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  at(text: string, k = 0): boolean {
    const t = this.peek(k);
    return !!t && (t.kind === "punct" || t.kind === "ident") && t.text === text;
  }
  fail(msg: string): never {
    const t = this.peek();
    throw new CanvasParseError(t ? `${msg}, found \`${t.text}\`` : `${msg} at the end`, t?.pos ?? this.end);
  }
  expect(text: string): Tok {
    if (!this.at(text)) this.fail(`expected \`${text}\``);
    return this.toks[this.i++]!;
  }

  /** A canvas or a signature, with any `.set({...})` after it. */
  expr(): Expr {
    const t = this.peek();
    if (!t || t.kind !== "ident") this.fail("expected a task signature (`task.s(...)`) or chain/group/chord");
    let e: Expr;
    if (CANVAS.has(t.text) && this.at("(", 1)) e = this.canvas();
    else e = this.signature();
    while (this.at(".") && this.at("set", 1)) {
      if (e.kind !== "task") this.fail("options can be set on task signatures only");
      this.i += 2;
      this.expect("(");
      e.options = { ...e.options, ...this.options() };
      this.expect(")");
    }
    return e;
  }

  canvas(): Expr {
    const kind = this.toks[this.i++]!.text as "chain" | "group" | "chord";
    this.expect("(");
    if (kind === "chord") {
      let header: Expr[];
      if (this.at("[")) header = this.list("[", "]");
      else {
        const h = this.expr();
        header = h.kind === "group" ? h.items : [h];
      }
      this.expect(",");
      const body = this.expr();
      if (this.at(",")) this.i++;
      this.expect(")");
      return { kind: "chord", header, body };
    }
    // chain(a, b) and chain([a, b]) mean the same (the API flattens arrays).
    const items: Expr[] = [];
    while (!this.at(")")) {
      if (this.at("[")) items.push(...this.list("[", "]"));
      else items.push(this.expr());
      if (!this.at(",")) break;
      this.i++;
    }
    this.expect(")");
    if (!items.length) throw new CanvasParseError(`${kind}() needs at least one signature`, this.toks[this.i - 1]!.pos);
    return { kind, items };
  }

  list(open: string, close: string): Expr[] {
    this.expect(open);
    const items: Expr[] = [];
    while (!this.at(close)) {
      items.push(this.expr());
      if (!this.at(",")) break;
      this.i++;
    }
    this.expect(close);
    return items;
  }

  signature(): TaskExpr {
    const name = this.toks[this.i++]!.text;
    if (!this.at(".") || !(this.at("s", 1) || this.at("si", 1))) {
      this.i--;
      this.fail("expected a task signature (`task.s(...)` or `task.si(...)`)");
    }
    this.i++;
    const immutable = this.toks[this.i++]!.text === "si";
    this.expect("(");
    const args: unknown[] = [];
    while (!this.at(")")) {
      args.push(this.literal());
      if (!this.at(",")) break;
      this.i++;
    }
    this.expect(")");
    return { kind: "task", name, args, immutable, options: {} };
  }

  options(): TaskOptions {
    const o = this.literal();
    if (!o || typeof o !== "object" || Array.isArray(o)) this.fail("expected an options object");
    const r = o as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!["countdown", "queue", "retries"].includes(k)) throw new CanvasParseError(`unsupported option \`${k}\` (the designer edits countdown, queue and retries)`, this.toks[this.i - 1]!.pos);
    return cleanOptions(r as TaskOptions);
  }

  literal(): unknown {
    const t = this.peek();
    if (!t) this.fail("expected a value");
    if (t.kind === "num") {
      this.i++;
      return t.value;
    }
    if (t.kind === "str") {
      this.i++;
      return t.value;
    }
    if (this.at("-") || this.at("+")) {
      const sign = t.text === "-" ? -1 : 1;
      this.i++;
      const n = this.peek();
      if (n?.kind === "num") {
        this.i++;
        return sign * (n.value as number);
      }
      if (n?.kind === "ident" && n.text === "Infinity") {
        this.i++;
        return sign * Infinity;
      }
      this.fail("expected a number");
    }
    if (t.kind === "ident") {
      const k: Record<string, unknown> = { true: true, false: false, null: null, undefined: null, NaN: NaN, Infinity: Infinity };
      if (t.text in k) {
        this.i++;
        return k[t.text];
      }
      this.fail("arguments must be literals (numbers, strings, booleans, null, arrays, objects)");
    }
    if (this.at("[")) {
      this.i++;
      const arr: unknown[] = [];
      while (!this.at("]")) {
        arr.push(this.literal());
        if (!this.at(",")) break;
        this.i++;
      }
      this.expect("]");
      return arr;
    }
    if (this.at("{")) {
      this.i++;
      const obj: Record<string, unknown> = {};
      while (!this.at("}")) {
        const k = this.peek();
        if (!k || (k.kind !== "ident" && k.kind !== "str" && k.kind !== "num")) this.fail("expected a key");
        this.i++;
        const key = k.kind === "ident" ? k.text : String(k.value);
        this.expect(":");
        obj[key] = this.literal();
        if (!this.at(",")) break;
        this.i++;
      }
      this.expect("}");
      return obj;
    }
    return this.fail("expected a value");
  }
}

/** Parse one canvas expression (the whole text must be it, an optional `;` aside). */
export function parseCanvas(src: string): Expr {
  const toks = tokenize(src);
  const p = new Parser(toks, src.length);
  const e = p.expr();
  if (p.at(";")) p.i++;
  if (p.i < toks.length) p.fail("unexpected text after the expression");
  return e;
}

export interface FoundCanvas {
  /** Offset of the expression's first character in the code. */
  from: number;
  to: number;
  line: number;
  expr?: Expr;
  error?: { message: string; line: number; column: number };
}

export function lineCol(src: string, pos: number): { line: number; column: number } {
  const before = src.slice(0, pos);
  const line = before.split("\n").length;
  return { line, column: pos - before.lastIndexOf("\n") };
}

/**
 * Every outermost `chain(`/`group(`/`chord(` call in the code (not inside comments or strings, not
 * a method like `x.chain(`), each parsed or with the reason it could not be.
 */
export function findCanvases(code: string): FoundCanvas[] {
  const toks = tokenize(code);
  const out: FoundCanvas[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== "ident" || !CANVAS.has(t.text)) continue;
    const next = toks[i + 1];
    const prev = toks[i - 1];
    if (!next || next.text !== "(" || (prev && prev.kind === "punct" && prev.text === ".")) continue;
    if (prev && prev.kind === "ident" && prev.text === "function") continue;
    const p = new Parser(toks, code.length);
    p.i = i;
    const { line } = lineCol(code, t.pos);
    try {
      const expr = p.expr();
      const last = toks[p.i - 1]!;
      out.push({ from: t.pos, to: last.pos + last.text.length, line, expr });
      i = p.i - 1;
    } catch (e) {
      const pos = e instanceof CanvasParseError ? e.pos : t.pos;
      out.push({ from: t.pos, to: pos, line, error: { message: (e as Error).message, ...lineCol(code, pos) } });
      // Skip to the matching close paren so the inner calls are not reported one by one.
      let depth = 0;
      let j = i + 1;
      for (; j < toks.length; j++) {
        const x = toks[j]!.text;
        if (x === "(" || x === "[" || x === "{") depth++;
        else if (x === ")" || x === "]" || x === "}") {
          depth--;
          if (depth === 0) break;
        }
      }
      i = j;
    }
  }
  return out;
}
