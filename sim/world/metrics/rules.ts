/**
 * Alert rules a learner writes as text: a small PromQL-like expression over Flower's metrics, plus a
 * comparison (op, threshold), a `for` duration and a cooldown. Parsed here into the AlertEvaluator's
 * `AlertRule` (whose `expr` is a function over a MetricsQuery), so the rules travel as plain data
 * (with the load request, into the simulation) and a replay from the seed evaluates them again.
 *
 * The subset:
 *   expr      := term (("+" | "-") term)*
 *   term      := unary (("*" | "/") unary)*
 *   unary     := "-" unary | primary
 *   primary   := number | "(" expr ")" | agg "(" expr ")" | ("rate" | "increase") "(" selector "[" duration "]" ")" | selector
 *   agg       := sum | avg | max | min
 *   selector  := metric ("{" label ("=" | "!=" | "=~" | "!~") "string" ("," ...)* "}")?
 *   duration  := 10s, 1m, 1m30s, 2h
 *
 * Semantics (simpler than Prometheus, and said so to the learner): a selector is a vector of series;
 * rate()/increase() work per series; sum/avg/max/min make one number of a vector (sum of nothing is
 * 0, the others NaN). Arithmetic and the final comparison sum a vector that was not aggregated.
 * Division by 0 gives NaN or ±Infinity; NaN never satisfies a rule. A histogram is read through its
 * `_count` (rate-able) and `_sum` (instant only) series. Regexes are anchored, as in Prometheus.
 */
import type { AlertOp, AlertRule } from "./alerts";
import type { MetricType } from "./registry";
import type { MetricsQuery } from "./query";

/** A rule as plain data: what the page edits, stores and sends with the load request. */
export interface AlertRuleSpec {
  name: string;
  expr: string;
  op: AlertOp;
  threshold: number;
  forS?: number;
  cooldownS?: number;
  evalIntervalS?: number;
  /** The value in words, for the reasons (default: the expression). */
  describe?: string;
}

/** The metrics a rule can name, with their types and labels (FlowerMetrics registers these). */
export const METRIC_CATALOGUE: Readonly<Record<string, { type: MetricType; labels: readonly string[]; help: string }>> = {
  flower_events_total: { type: "counter", labels: ["worker", "type", "task"], help: "task events by worker, type (task-succeeded, task-failed, …) and task name" },
  flower_task_runtime_seconds: { type: "histogram", labels: ["worker", "task"], help: "runtimes of succeeded tasks" },
  flower_task_prefetch_time_seconds: { type: "gauge", labels: ["worker", "task"], help: "time the last task waited at the worker before it started" },
  flower_worker_prefetched_tasks: { type: "gauge", labels: ["worker", "task"], help: "tasks prefetched at a worker" },
  flower_worker_online: { type: "gauge", labels: ["worker"], help: "1 while a worker sends heartbeats" },
  flower_worker_number_of_currently_executing_tasks: { type: "gauge", labels: ["worker"], help: "tasks executing at a worker (from its last heartbeat)" },
  celery_queue_wait_seconds: { type: "histogram", labels: ["task", "queue"], help: "time from task-sent to task-started" },
  celery_queue_length: { type: "gauge", labels: ["queue"], help: "messages waiting in the queue (the broker's count)" },
  celery_queue_unacked: { type: "gauge", labels: ["queue"], help: "messages delivered to a worker and not yet acknowledged" },
};

export class RuleSyntaxError extends Error {
  override name = "RuleSyntaxError";
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} (at character ${at + 1})`);
  }
}

type Matcher = { label: string; op: "=" | "!=" | "=~" | "!~"; value: string; re?: RegExp };
type Node =
  | { k: "num"; v: number }
  | { k: "sel"; metric: string; family: string; part: "value" | "count" | "sum"; matchers: Matcher[]; rangeS?: number }
  | { k: "fn"; fn: "rate" | "increase"; sel: Extract<Node, { k: "sel" }> }
  | { k: "agg"; fn: "sum" | "avg" | "max" | "min"; arg: Node }
  | { k: "neg"; arg: Node }
  | { k: "bin"; op: "+" | "-" | "*" | "/"; l: Node; r: Node };

type Tok = { t: "num" | "id" | "str" | "dur" | "op"; v: string; at: number };

const DUR_RE = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const last = out[out.length - 1];
    // A duration only right after "[".
    if (last?.t === "op" && last.v === "[") {
      const d = DUR_RE.exec(rest);
      if (!d) throw new RuleSyntaxError(`expected a duration such as 10s or 1m after "["`, i);
      out.push({ t: "dur", v: d[0], at: i });
      i += d[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?/i.exec(rest);
    if (num) {
      out.push({ t: "num", v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    if (id) {
      out.push({ t: "id", v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          j++;
          s += src[j] === "n" ? "\n" : src[j];
        } else s += src[j];
        j++;
      }
      if (j >= src.length) throw new RuleSyntaxError("unterminated string", i);
      out.push({ t: "str", v: s, at: i });
      i = j + 1;
      continue;
    }
    const op = /^(=~|!~|!=|[-+*/(){}[\],=])/.exec(rest);
    if (op) {
      out.push({ t: "op", v: op[0], at: i });
      i += op[0].length;
      continue;
    }
    throw new RuleSyntaxError(`unexpected ${JSON.stringify(c)}`, i);
  }
  return out;
}

export function parseDuration(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
  return total;
}

class Parser {
  private p = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly srcLength: number,
  ) {}

  parse(): Node {
    if (!this.toks.length) throw new RuleSyntaxError("the expression is empty", 0);
    const n = this.expr();
    const t = this.peek();
    if (t) throw new RuleSyntaxError(`unexpected ${JSON.stringify(t.v)}`, t.at);
    return n;
  }

  private peek(): Tok | undefined {
    return this.toks[this.p];
  }
  private at(): number {
    return this.peek()?.at ?? this.srcLength;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === "op" && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new RuleSyntaxError(`expected "${v}"${this.peek() ? `, found ${JSON.stringify(this.peek()!.v)}` : " at the end"}`, this.at());
    this.p++;
  }

  private expr(): Node {
    let l = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.toks[this.p++]!.v as "+" | "-";
      l = { k: "bin", op, l, r: this.term() };
    }
    return l;
  }

  private term(): Node {
    let l = this.unary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = this.toks[this.p++]!.v as "*" | "/";
      l = { k: "bin", op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Node {
    if (this.isOp("-")) {
      this.p++;
      return { k: "neg", arg: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.peek();
    if (!t) throw new RuleSyntaxError("the expression ends too early", this.srcLength);
    if (t.t === "num") {
      this.p++;
      return { k: "num", v: Number(t.v) };
    }
    if (this.isOp("(")) {
      this.p++;
      const n = this.expr();
      this.expect(")");
      return n;
    }
    if (t.t !== "id") throw new RuleSyntaxError(`unexpected ${JSON.stringify(t.v)}`, t.at);
    const next = this.toks[this.p + 1];
    const call = next?.t === "op" && next.v === "(";
    if (call && (t.v === "sum" || t.v === "avg" || t.v === "max" || t.v === "min")) {
      this.p += 2;
      const arg = this.expr();
      this.expect(")");
      return { k: "agg", fn: t.v, arg };
    }
    if (call && (t.v === "rate" || t.v === "increase")) {
      this.p += 2;
      const sel = this.selector();
      if (sel.rangeS === undefined) throw new RuleSyntaxError(`${t.v}() needs a range: ${t.v}(${sel.metric}[10s])`, this.at());
      const fam = METRIC_CATALOGUE[sel.family]!;
      if (fam.type === "gauge") throw new RuleSyntaxError(`${sel.metric} is a gauge: ${t.v}() needs a counter (or a histogram's _count)`, t.at);
      if (sel.part === "sum") throw new RuleSyntaxError(`${t.v}() of a histogram's _sum is not supported here; use _count`, t.at);
      if (fam.type === "histogram" && sel.part !== "count") throw new RuleSyntaxError(`${sel.metric} is a histogram: use ${sel.metric}_count`, t.at);
      this.expect(")");
      return { k: "fn", fn: t.v, sel };
    }
    if (call) throw new RuleSyntaxError(`unknown function ${t.v}() (use sum, avg, max, min, rate or increase)`, t.at);
    const sel = this.selector();
    if (sel.rangeS !== undefined) throw new RuleSyntaxError(`a range [..] goes inside rate() or increase()`, t.at);
    return sel;
  }

  private selector(): Extract<Node, { k: "sel" }> {
    const t = this.peek();
    if (!t || t.t !== "id") throw new RuleSyntaxError("expected a metric name", this.at());
    this.p++;
    let family = t.v;
    let part: "value" | "count" | "sum" = "value";
    if (!METRIC_CATALOGUE[family]) {
      const m = /^(.*)_(count|sum)$/.exec(family);
      if (m && METRIC_CATALOGUE[m[1]!]?.type === "histogram") {
        family = m[1]!;
        part = m[2] as "count" | "sum";
      } else throw new RuleSyntaxError(`unknown metric ${t.v} (known: ${Object.keys(METRIC_CATALOGUE).join(", ")})`, t.at);
    } else if (METRIC_CATALOGUE[family]!.type === "histogram") throw new RuleSyntaxError(`${family} is a histogram: use ${family}_count or ${family}_sum`, t.at);
    const labels = METRIC_CATALOGUE[family]!.labels;
    const matchers: Matcher[] = [];
    if (this.isOp("{")) {
      this.p++;
      while (!this.isOp("}")) {
        const l = this.peek();
        if (!l || l.t !== "id") throw new RuleSyntaxError("expected a label name", this.at());
        if (!labels.includes(l.v)) throw new RuleSyntaxError(`${family} has no label ${l.v} (its labels: ${labels.join(", ")})`, l.at);
        this.p++;
        const op = this.peek();
        if (!op || op.t !== "op" || !["=", "!=", "=~", "!~"].includes(op.v)) throw new RuleSyntaxError(`expected =, !=, =~ or !~ after ${l.v}`, this.at());
        this.p++;
        const v = this.peek();
        if (!v || v.t !== "str") throw new RuleSyntaxError(`expected a "quoted" value for ${l.v}`, this.at());
        this.p++;
        const m: Matcher = { label: l.v, op: op.v as Matcher["op"], value: v.v };
        if (m.op === "=~" || m.op === "!~") {
          try {
            m.re = new RegExp(`^(?:${v.v})$`);
          } catch {
            throw new RuleSyntaxError(`invalid regular expression ${JSON.stringify(v.v)}`, v.at);
          }
        }
        matchers.push(m);
        if (this.isOp(",")) this.p++;
        else if (!this.isOp("}")) throw new RuleSyntaxError(`expected "," or "}"`, this.at());
      }
      this.p++;
    }
    let rangeS: number | undefined;
    if (this.isOp("[")) {
      this.p++;
      const d = this.peek();
      if (!d || d.t !== "dur") throw new RuleSyntaxError("expected a duration", this.at());
      this.p++;
      rangeS = parseDuration(d.v);
      if (!(rangeS > 0)) throw new RuleSyntaxError("the range must be longer than 0 s", d.at);
      this.expect("]");
    }
    return { k: "sel", metric: t.v, family, part, matchers, ...(rangeS !== undefined ? { rangeS } : {}) };
  }
}

export type ParsedExpr = Node;

/** Parse an expression; throws RuleSyntaxError with a position and a plain message. */
export function parseExpr(src: string): ParsedExpr {
  return new Parser(tokenize(src), src.length).parse();
}

type Value = number | number[];

function matches(labels: Readonly<Record<string, string>>, ms: Matcher[]): boolean {
  for (const m of ms) {
    const v = labels[m.label] ?? "";
    const ok = m.op === "=" ? v === m.value : m.op === "!=" ? v !== m.value : m.re!.test(v);
    if (m.op === "!~" ? ok : !ok) return false;
  }
  return true;
}

function scalar(v: Value): number {
  return typeof v === "number" ? v : v.reduce((a, b) => a + b, 0);
}

function evalNode(n: Node, q: MetricsQuery): Value {
  switch (n.k) {
    case "num":
      return n.v;
    case "neg":
      return -scalar(evalNode(n.arg, q));
    case "bin": {
      const l = scalar(evalNode(n.l, q));
      const r = scalar(evalNode(n.r, q));
      return n.op === "+" ? l + r : n.op === "-" ? l - r : n.op === "*" ? l * r : l / r;
    }
    case "agg": {
      const v = evalNode(n.arg, q);
      const xs = typeof v === "number" ? [v] : v;
      if (n.fn === "sum") return xs.reduce((a, b) => a + b, 0);
      if (!xs.length) return NaN;
      if (n.fn === "max") return Math.max(...xs);
      if (n.fn === "min") return Math.min(...xs);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    }
    case "sel": {
      const f = q.registry.get(n.family);
      if (!f) return [];
      const out: number[] = [];
      for (const s of f.series.values()) if (matches(s.labels, n.matchers)) out.push(n.part === "sum" ? s.sum : s.value);
      return out;
    }
    case "fn": {
      const f = q.registry.get(n.sel.family);
      if (!f) return [];
      const out: number[] = [];
      for (const s of f.series.values()) {
        if (!matches(s.labels, n.sel.matchers)) continue;
        out.push(n.fn === "rate" ? q.rate(n.sel.family, n.sel.rangeS!, s.labels) : q.increase(n.sel.family, n.sel.rangeS!, s.labels));
      }
      return out;
    }
  }
}

/** The expression as a function of the metrics now: a number (a vector is summed). */
export function compileExpr(src: string): (q: MetricsQuery) => number {
  const ast = parseExpr(src);
  return (q) => scalar(evalNode(ast, q));
}

const OPS: readonly AlertOp[] = [">", ">=", "<", "<="];

/** What is wrong with a rule, in words, or null. */
export function ruleProblem(spec: AlertRuleSpec): string | null {
  if (!spec.name || !/^[A-Za-z_][\w.-]*$/.test(spec.name)) return "the name must be a word (letters, digits, _ . -)";
  if (!OPS.includes(spec.op)) return `the comparison must be one of ${OPS.join(" ")}`;
  if (!Number.isFinite(spec.threshold)) return "the threshold must be a number";
  if (spec.forS !== undefined && !(spec.forS >= 0)) return "`for` must be 0 s or more";
  if (spec.cooldownS !== undefined && !(spec.cooldownS >= 0)) return "the cooldown must be 0 s or more";
  if (spec.evalIntervalS !== undefined && !(spec.evalIntervalS > 0)) return "the evaluation interval must be more than 0 s";
  try {
    parseExpr(spec.expr);
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/** A rule spec as the AlertEvaluator takes it; throws on a bad rule. */
export function compileAlertRule(spec: AlertRuleSpec): AlertRule {
  const problem = ruleProblem(spec);
  if (problem) throw new Error(`alert rule ${spec.name || "(unnamed)"}: ${problem}`);
  return {
    name: spec.name,
    expr: compileExpr(spec.expr),
    op: spec.op,
    threshold: spec.threshold,
    ...(spec.forS !== undefined ? { forS: spec.forS } : {}),
    ...(spec.cooldownS !== undefined ? { cooldownS: spec.cooldownS } : {}),
    ...(spec.evalIntervalS !== undefined ? { evalIntervalS: spec.evalIntervalS } : {}),
    describe: spec.describe ?? spec.expr.trim(),
  };
}
