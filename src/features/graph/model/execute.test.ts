/**
 * The designer's Execute, end to end in Node: the generated scenario compiles and runs on the
 * simulator, the trace's canvas draws as the designed graph, and the states colour it.
 */
import { describe, expect, it } from "vitest";
import { run } from "../../../../sim/testing/harness";
import { fromCanvasNode, fromElements, toElements, type CanvasNode } from "./elements";
import { normalize, shapeOf } from "./expr";
import { parseCanvas } from "./parse";
import { executionScenario, tasksInCode } from "./scenario-code";
import { withStates } from "./status";

const CODE = `import { Celery, sleep } from "celery";

const app = new Celery("lab", { broker: "redis" });

export const double = app.task(async function double(x: number) {
  await sleep(0.2);
  if (x === 13) throw new Error("unlucky " + x);
  return x * 2;
});

export const total = app.task({ name: "total", maxRetries: 0 }, function sum(values: number[]) {
  return values.reduce((a, b) => a + b, 0);
});

export const bound = app.task({ bind: true }, function bound(self: unknown, a: string, { b }: { b: number } = { b: 1 }) {
  return a;
});

export default async function main() {
  app.worker({ hostname: "w1" });
  throw new Error("the learner's main must not run");
}
`;

async function execute(expr: string) {
  const e = parseCanvas(expr);
  const out = await run(executionScenario(CODE, e), { seed: 7 });
  const canvases = out.trace.filter((t) => t.kind === "canvas").map((t) => (t.data as { root: CanvasNode }).root);
  return { e, out, canvases };
}

describe("tasks in the editor's code", () => {
  it("finds identifiers, Celery names and parameters", () => {
    expect(tasksInCode(CODE)).toEqual([
      { ident: "double", name: "double", params: ["x"] },
      { ident: "total", name: "total", params: ["values"] },
      { ident: "bound", name: "bound", params: ["a", "arg"] },
    ]);
  });
});

describe("Execute on the simulator", () => {
  it("runs a chord of three tasks and a callback; the trace draws as the design, all SUCCESS", async () => {
    const { e, out, canvases } = await execute("chord([double.s(1), double.s(2), double.s(3)], total.s())");
    expect(out.report.logs.join("\n")).toContain("workflow result: 12");
    expect(out.report.logs.join("\n")).not.toContain("must not run");
    expect(canvases).toHaveLength(1);
    const g = toElements([fromCanvasNode(canvases[0]!)]);
    expect(normalize(fromElements(g)[0]!)).toEqual(normalize(e));
    const byId = new Map(out.report.tasks.map((t) => [t.id, t]));
    const live = withStates(g, (id) => byId.get(id));
    const tasks = live.nodes.filter((n) => n.data.kind === "task");
    expect(tasks.map((n) => n.data.state)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(tasks[3]!.data.display).toContain("SUCCESS → 12");
  });

  it("a failing header member marks the body FAILURE with the ChordError", async () => {
    const { out, canvases } = await execute("chord([double.s(1), double.s(13), double.s(3)], total.s())");
    expect(out.report.logs.join("\n")).toMatch(/workflow failed/);
    const byId = new Map(out.report.tasks.map((t) => [t.id, t]));
    const live = withStates(toElements([fromCanvasNode(canvases[0]!)]), (id) => byId.get(id));
    const states = live.nodes.filter((n) => n.data.kind === "task").map((n) => `${n.data.task}:${n.data.state}`);
    expect(states).toEqual(["double:SUCCESS", "double:FAILURE", "double:SUCCESS", "total:FAILURE"]);
    const body = live.nodes.find((n) => n.data.chordBody)!;
    expect(body.data.display).toContain("FAILURE: ChordError");
  });

  it("options reach the simulator: a queue gets a consumer, a countdown delays", async () => {
    const { out } = await execute('chain(double.s(1).set({ queue: "fast", countdown: 5 }), double.s())');
    expect(out.report.logs.join("\n")).toContain("workflow result: 4");
    const first = out.report.tasks.find((t) => JSON.stringify(t.args) === "[1]")!;
    expect(first.queue).toBe("fast");
    expect(first.startedAt!).toBeGreaterThanOrEqual(5);
  });

  it("a group followed by a step is drawn as the chord Celery makes of it", async () => {
    const { canvases } = await execute("chain(double.s(1), group(double.s(), double.s()), total.s())");
    expect(shapeOf(fromElements(toElements([fromCanvasNode(canvases[0]!)]))[0]!)).toBe("chain(double, chord([double, double], total))");
  });
});
