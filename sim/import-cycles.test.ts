/**
 * No import cycle among sim/'s modules (issue 17): each file's value imports (`import type` and
 * imports of types only are erased and do not count) are parsed here, without a tool, and the graph
 * is searched for a cycle. A cycle makes module evaluation order matter and a module untestable alone.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.endsWith(".d.ts") ? [p] : [];
  });
}

/** Relative imports that survive compilation (not `import type`, not `{ type A, type B }` only). */
export function valueImports(code: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["'](\.[^"']+)["']/gms;
  for (const m of code.matchAll(re)) {
    if (m[2]) continue;
    const clause = m[3]!.trim();
    const braces = clause.match(/^\{([^}]*)\}$/);
    if (braces && braces[1]!.split(",").map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith("type "))) continue;
    out.push(m[4]!);
  }
  for (const m of code.matchAll(/^\s*import\s*["'](\.[^"']+)["']/gm)) out.push(m[1]!);
  return out;
}

function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return base;
}

export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("sim/ imports", () => {
  it("the checker sees value imports and finds a cycle when there is one", () => {
    expect(valueImports(`import type { A } from "./a";\nimport { type B } from "./b";\nimport { C, type D } from "./c";\nexport { E } from "./e";\nimport "./f";`)).toEqual(["./c", "./e", "./f"]);
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]))).toBeNull();
  });

  it("has no cycle of value imports", () => {
    const graph = new Map<string, string[]>();
    for (const f of sources(root)) graph.set(f, valueImports(readFileSync(f, "utf8")).map((s) => resolveImport(f, s)));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => relative(root, f)) ?? null).toBeNull();
  });

  it("components reach the app through the ports (celery/ports.ts), never through app.ts", () => {
    // The learner's app (app.ts) is built by the module factory (api.ts) and the session, kept by the
    // core (world.ts), and driven by the engine's commands and the deployment helpers. Everything else
    // (workers, executions, the tracer, results, tasks, signatures, the canvas, control, events)
    // depends on the narrow interfaces of ports.ts, so a hub member it does not declare is out of reach.
    const allowed = ["celery/api.ts", "celery/world.ts", "engine/session.ts", "engine/commands.ts", "world/deployment.ts"];
    const importers = sources(root)
      .filter((f) => /from\s*["'][./]+(celery\/)?app["']/.test(readFileSync(f, "utf8")))
      .filter((f) => resolveImport(f, (readFileSync(f, "utf8").match(/from\s*["']([./]+(?:celery\/)?app)["']/) ?? [])[1] ?? "") === join(root, "celery", "app.ts"))
      .map((f) => relative(root, f))
      .sort();
    expect(importers.filter((f) => !allowed.includes(f))).toEqual([]);
    expect(importers).toEqual([...allowed].sort());
  });
});
