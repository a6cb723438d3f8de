/**
 * What the designer needs from the editor's code: the tasks it registers (to add them with their
 * parameters) and a scenario that runs a designed workflow with that code's app and tasks.
 */
import { toTypeScript } from "./export";
import { tasksOf, type Expr } from "./expr";

export interface CodeTask {
  /** The identifier the scenario exports the task under (`add` in `add.s(2, 2)`). */
  ident: string;
  /** Its Celery name (options.name, else the function's name, else the identifier). */
  name: string;
  /** Parameter names, without a bound task's first one. */
  params: string[];
}

/** Split at top-level commas (ignoring those inside brackets, braces, generics and strings). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let quote: string | null = null;
  for (const c of s) {
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    if ("([{<".includes(c)) depth++;
    if (")]}>".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** `const x = app.task(...)` declarations, read with a few regular expressions (not a TS parser). */
export function tasksInCode(code: string): CodeTask[] {
  const out: CodeTask[] = [];
  const re = /\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*[A-Za-z_$][\w$]*\.task\s*\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const ident = m[1]!;
    const after = code.slice(m.index + m[0].length, m.index + m[0].length + 2000);
    let name: string | null = null;
    let bind = false;
    const opts = /^\s*\{([^{}]*)\}\s*,/.exec(after);
    if (opts) {
      name = /\bname\s*:\s*["'`]([^"'`]+)["'`]/.exec(opts[1]!)?.[1] ?? null;
      bind = /\bbind\s*:\s*true\b/.test(opts[1]!);
    }
    const rest = opts ? after.slice(opts[0].length) : after;
    const fn = /^\s*(?:async\s+)?(?:function\s*\*?\s*([A-Za-z_$][\w$]*)?\s*(?:<[^>]*>)?\s*\(|\(|([A-Za-z_$][\w$]*)\s*=>)/.exec(rest);
    let params: string[] = [];
    if (fn) {
      if (fn[2]) params = [fn[2]];
      else {
        const open = fn.index + fn[0].length - 1;
        const close = closeParen(rest, open);
        if (close > 0) params = splitTop(rest.slice(open + 1, close)).map((p) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p)?.[1] ?? "arg");
      }
      name ??= fn[1] ?? null;
    }
    if (bind) params = params.slice(1);
    params = params.filter((p) => p !== "this");
    out.push({ ident, name: name ?? ident, params });
  }
  return out;
}

/**
 * The editor's code with `main` no longer the default export, plus a new `main` that starts one
 * worker for every queue the design uses and applies the designed workflow. The module's top
 * level (the app, its tasks and settings, any workers it starts) runs as written; the learner's
 * own `main()` does not run. The editor text itself is never changed.
 */
export function executionScenario(code: string, expr: Expr, o: { timeoutS?: number } = {}): string {
  let src = code;
  const fnDefault = /export\s+default\s+(async\s+)?function\b\s*\*?\s*([A-Za-z_$][\w$]*)?/;
  const m = fnDefault.exec(src);
  if (m) src = src.slice(0, m.index) + `${m[1] ?? ""}function ${m[2] ?? "__scenarioMain"}` + src.slice(m.index + m[0].length);
  else src = src.replace(/export\s+default\s+[A-Za-z_$][\w$]*\s*;?/, "");
  const queues = [...new Set(tasksOf(expr).map((t) => t.options.queue).filter((q): q is string => !!q))];
  const ownQueues = [...new Set(tasksOf(expr).map((t) => `${t.name}.queue`))];
  const ts = toTypeScript(expr, 90).replace(/\n/g, "\n  ");
  return `${src.replace(/\s*$/, "\n")}
// ---- added by the graph designer's Execute (your editor text is unchanged) ----
import * as __celery from "celery";

export default async function __designerMain() {
  const { chain, group, chord } = __celery;
  void [chain, group, chord];
  const workflow = ${ts};
  const app = (workflow as any).app;
  const queues = [app.conf.taskDefaultQueue, ${[...queues.map((q) => JSON.stringify(q)), ...ownQueues].join(", ")}];
  app.worker({ hostname: "designer", concurrency: 4, queues: [...new Set(queues.filter(Boolean))] });
  const result = workflow.applyAsync();
  try {
    console.log("workflow result:", await result.get({ timeout: ${o.timeoutS ?? 600} }));
  } catch (e) {
    console.log("workflow failed:", (e as Error).name + ": " + (e as Error).message);
  }
}
`;
}
