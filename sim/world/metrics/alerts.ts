/**
 * Alert rules evaluated on the simulated clock, Prometheus-style: a threshold on an expression over
 * the metrics, a `for` duration, plus a cooldown against flapping.
 *
 *   inactive --condition holds--> pending --held for forS--> firing --condition fails--> resolved
 *   pending --condition fails before forS--> inactive;  resolved --holds again--> pending
 *
 * A rule fires only when its condition has held on every evaluation for `forS` (with forS = 0 it
 * fires on the first evaluation that sees it), and not before `cooldownS` has passed since it last
 * resolved: a rule can go pending during the cooldown, but waits out the cooldown before firing, and
 * if the condition fails meanwhile it goes back to inactive without firing.
 *
 * Each rule is evaluated every `evalIntervalS` at start + k * interval (no drift from adding up
 * intervals), by daemon events: alert evaluation never keeps a run alive. Before each evaluation the
 * query takes a sample, so windowed rates see the past. Every transition goes into the trace as an
 * "alert" event, with data {rule, state, value, threshold, reason} and the value as its number.
 */
import type { Sim } from "../../engine/sim";
import type { SimEvent } from "../../kernel/scheduler";
import type { MetricsQuery } from "./query";

export type AlertOp = ">" | ">=" | "<" | "<=";
export type AlertState = "inactive" | "pending" | "firing" | "resolved";

export interface AlertRule {
  name: string;
  /** The value the threshold is compared with. A NaN, or a throw, never satisfies the condition. */
  expr: (q: MetricsQuery) => number;
  op: AlertOp;
  threshold: number;
  /** How long the condition must hold before the rule fires (default 0). */
  forS?: number;
  /** After resolving, the rule does not fire again for this long (default 0). */
  cooldownS?: number;
  /** Evaluate every this many seconds (default 1). */
  evalIntervalS?: number;
  /** The value in words, for the reasons: "failure rate" (default: the rule's name). */
  describe?: string;
}

export interface AlertTransition {
  atS: number;
  rule: string;
  from: AlertState;
  state: AlertState;
  value: number;
  threshold: number;
  reason: string;
}

interface RuleState {
  rule: AlertRule;
  forS: number;
  cooldownS: number;
  intervalS: number;
  state: AlertState;
  /** When the condition started holding (pending or firing). */
  sinceS: number;
  resolvedAtS: number;
  tick: SimEvent | null;
}

const EPS = 1e-9;

export class AlertEvaluator {
  readonly transitions: AlertTransition[] = [];
  private readonly rules: RuleState[];

  constructor(
    private readonly sim: Sim,
    private readonly query: MetricsQuery,
    rules: AlertRule[],
  ) {
    const names = new Set<string>();
    this.rules = rules.map((rule) => {
      if (names.has(rule.name)) throw new Error(`two alert rules are named ${rule.name}`);
      names.add(rule.name);
      const intervalS = rule.evalIntervalS ?? 1;
      const forS = rule.forS ?? 0;
      const cooldownS = rule.cooldownS ?? 0;
      if (!(intervalS > 0)) throw new RangeError(`${rule.name}: evalIntervalS must be > 0`);
      if (!(forS >= 0 && cooldownS >= 0)) throw new RangeError(`${rule.name}: forS and cooldownS must be >= 0`);
      return { rule, forS, cooldownS, intervalS, state: "inactive", sinceS: NaN, resolvedAtS: -Infinity, tick: null };
    });
  }

  /** Evaluate every rule now and then every its interval, until `stop()`. */
  start(): void {
    const startS = this.sim.nowS;
    for (const r of this.rules) {
      if (r.tick) continue;
      const at = (k: number) => {
        r.tick = this.sim.sched.scheduleAt(startS + k * r.intervalS, () => {
          this.query.sample();
          this.evaluate(r);
          at(k + 1);
        }, true);
      };
      at(0);
    }
  }

  stop(): void {
    for (const r of this.rules) {
      this.sim.sched.cancel(r.tick);
      r.tick = null;
    }
  }

  state(ruleName: string): AlertState {
    const r = this.rules.find((x) => x.rule.name === ruleName);
    if (!r) throw new Error(`no alert rule named ${ruleName}`);
    return r.state;
  }

  /** Transitions to "firing" so far, for one rule or all. */
  firings(ruleName?: string): AlertTransition[] {
    return this.transitions.filter((t) => t.state === "firing" && (ruleName === undefined || t.rule === ruleName));
  }

  private evaluate(r: RuleState): void {
    const nowS = this.sim.nowS;
    const { rule } = r;
    let value: number;
    try {
      value = rule.expr(this.query);
    } catch {
      value = NaN;
    }
    const holds = compare(value, rule.op, rule.threshold);
    const what = rule.describe ?? rule.name;
    const cond = `${what} ${fmt(value)} ${rule.op} ${fmt(rule.threshold)}`;
    const coolUntilS = r.resolvedAtS + r.cooldownS;
    const cooled = nowS + EPS >= coolUntilS;
    switch (r.state) {
      case "inactive":
      case "resolved":
        if (!holds) return;
        r.sinceS = nowS;
        if (r.forS <= 0 && cooled) this.move(r, "firing", value, cond);
        else this.move(r, "pending", value, `${cond}; fires if it holds for ${fmt(r.forS)} s` + (cooled ? "" : `, not before the cooldown ends at ${fmt(coolUntilS)} s`));
        return;
      case "pending": {
        const heldS = nowS - r.sinceS;
        if (!holds) this.move(r, "inactive", value, `${what} ${fmt(value)} no longer ${rule.op} ${fmt(rule.threshold)} after ${fmt(heldS)} s pending`);
        else if (heldS + EPS >= r.forS && cooled)
          this.move(r, "firing", value, `${cond} for ${fmt(heldS)} s` + (r.resolvedAtS > -Infinity && heldS > r.forS + EPS ? ` (held back by the cooldown until ${fmt(coolUntilS)} s)` : ""));
        return;
      }
      case "firing":
        if (holds) return;
        r.resolvedAtS = nowS;
        this.move(r, "resolved", value, `${what} ${fmt(value)} no longer ${rule.op} ${fmt(rule.threshold)}; held for ${fmt(nowS - r.sinceS)} s`);
        return;
    }
  }

  private move(r: RuleState, state: AlertState, value: number, reason: string): void {
    const t: AlertTransition = { atS: this.sim.nowS, rule: r.rule.name, from: r.state, state, value, threshold: r.rule.threshold, reason };
    r.state = state;
    this.transitions.push(t);
    this.sim.record("alert", -1, -1, value, { rule: t.rule, state, value, threshold: t.threshold, reason });
  }
}

function compare(v: number, op: AlertOp, threshold: number): boolean {
  if (Number.isNaN(v)) return false;
  switch (op) {
    case ">":
      return v > threshold;
    case ">=":
      return v >= threshold;
    case "<":
      return v < threshold;
    case "<=":
      return v <= threshold;
  }
}

/** Three significant digits for reasons: 0.42, 0.333, 12.5, 1234. */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}
