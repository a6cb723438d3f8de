/** The seed's canvas patterns (lab 2.x), as designer expressions: the fixtures of the round-trip tests. */
import { chain, chord, group, task, type Expr } from "./expr";

export const SEED_PATTERNS: Record<string, { ts: string; expr: Expr }> = {
  "map-reduce chord": {
    ts: "chord([square.s(1), square.s(2), square.s(3), square.s(4)], sumResults.s())",
    expr: chord([1, 2, 3, 4].map((n) => task("square", [n])), task("sumResults")),
  },
  "fan-out/fan-in": {
    ts: 'chord(group(processA.s("data"), processB.s("data"), processC.s("data")), aggregateResults.s())',
    expr: chord([task("processA", ["data"]), task("processB", ["data"]), task("processC", ["data"])], task("aggregateResults")),
  },
  diamond: {
    ts: 'chain(split.s("input"), group(transformA.s(), transformB.s()), mergeTransforms.s())',
    expr: chain(task("split", ["input"]), group(task("transformA"), task("transformB")), task("mergeTransforms")),
  },
  "saga chain": {
    ts: 'chain(createOrder.s({ id: 7, items: ["book", "pen"] }), reserveInventory.s(), processPayment.s().set({ countdown: 2, queue: "payments", retries: 1 }), confirmOrder.s())',
    expr: chain(
      task("createOrder", [{ id: 7, items: ["book", "pen"] }]),
      task("reserveInventory"),
      task("processPayment", [], { options: { countdown: 2, queue: "payments", retries: 1 } }),
      task("confirmOrder"),
    ),
  },
  "nested workflow": {
    ts: "chain(add.s(2, 2), group(double.s(), chain(add.s(1), double.s())), chord([total.si([1, 2]), total.si([3])], total.s()))",
    expr: chain(task("add", [2, 2]), group(task("double"), chain(task("add", [1]), task("double"))), chord([task("total", [[1, 2]], { immutable: true }), task("total", [[3]], { immutable: true })], task("total"))),
  },
};
