/**
 * The canvas as the designer and the exporters see it: a tree of task signatures, chains, groups and
 * chords, with literal arguments only (what can be drawn, edited, printed as TypeScript or Python and
 * read back). `name` is the task's identifier in the scenario (`add` in `add.s(2, 2)`), which is
 * also its Celery name for tasks declared as `app.task(function add(...))`.
 */

/** Per-signature options the designer edits (Celery's apply_async options of the same names). */
export interface TaskOptions {
  /** Seconds before the task may run. */
  countdown?: number;
  queue?: string;
  /**
   * The retry count the message starts with (Celery's `retries` option): a task with
   * `maxRetries = 3` sent with `retries: 2` has one retry left.
   */
  retries?: number;
}

export type Expr = TaskExpr | ChainExpr | GroupExpr | ChordExpr;

export interface TaskExpr {
  kind: "task";
  name: string;
  args: unknown[];
  /** `.si(...)`: ignores the parent's result. */
  immutable: boolean;
  options: TaskOptions;
}
export interface ChainExpr {
  kind: "chain";
  items: Expr[];
}
export interface GroupExpr {
  kind: "group";
  items: Expr[];
}
export interface ChordExpr {
  kind: "chord";
  header: Expr[];
  body: Expr;
}

export const OPTION_KEYS = ["countdown", "queue", "retries"] as const;

export function task(name: string, args: unknown[] = [], o: { immutable?: boolean; options?: TaskOptions } = {}): TaskExpr {
  return { kind: "task", name, args, immutable: o.immutable ?? false, options: { ...(o.options ?? {}) } };
}
export const chain = (...items: Expr[]): ChainExpr => ({ kind: "chain", items });
export const group = (...items: Expr[]): GroupExpr => ({ kind: "group", items });
export const chord = (header: Expr[], body: Expr): ChordExpr => ({ kind: "chord", header, body });

/** Drop options that are unset, so `{}` and `{ queue: undefined }` compare equal. */
export function cleanOptions(o: TaskOptions): TaskOptions {
  const out: TaskOptions = {};
  if (typeof o.countdown === "number" && Number.isFinite(o.countdown)) out.countdown = o.countdown;
  if (typeof o.queue === "string" && o.queue !== "") out.queue = o.queue;
  if (typeof o.retries === "number" && Number.isFinite(o.retries)) out.retries = o.retries;
  return out;
}

/**
 * The canonical form two equivalent canvases share: nested chains flattened into their parent chain
 * (Celery does the same), a chain of one step replaced by the step, options cleaned. Groups of one
 * stay groups: `group(a)` returns a GroupResult, `a` does not.
 */
export function normalize(e: Expr): Expr {
  switch (e.kind) {
    case "task":
      return { kind: "task", name: e.name, args: e.args, immutable: e.immutable, options: cleanOptions(e.options) };
    case "chain": {
      const items = e.items.map(normalize).flatMap((x) => (x.kind === "chain" ? x.items : [x]));
      return items.length === 1 ? items[0]! : { kind: "chain", items };
    }
    case "group":
      return { kind: "group", items: e.items.map(normalize) };
    case "chord":
      return { kind: "chord", header: e.header.map(normalize), body: normalize(e.body) };
  }
}

export function equivalent(a: Expr, b: Expr): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Every task in the tree, depth first, header before body. */
export function tasksOf(e: Expr): TaskExpr[] {
  switch (e.kind) {
    case "task":
      return [e];
    case "chain":
    case "group":
      return e.items.flatMap(tasksOf);
    case "chord":
      return [...e.header.flatMap(tasksOf), ...tasksOf(e.body)];
  }
}

/** A shape-only summary for tests and labels: `chain(add, group(double, double), total)`. */
export function shapeOf(e: Expr): string {
  switch (e.kind) {
    case "task":
      return e.name;
    case "chain":
    case "group":
      return `${e.kind}(${e.items.map(shapeOf).join(", ")})`;
    case "chord":
      return `chord([${e.header.map(shapeOf).join(", ")}], ${shapeOf(e.body)})`;
  }
}
