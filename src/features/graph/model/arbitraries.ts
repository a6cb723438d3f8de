/** fast-check arbitraries for random nested canvases (test-only). */
import fc from "fast-check";
import type { Expr } from "./expr";

const name = fc.constantFrom("add", "mul", "fetchPage", "total", "x_1", "$t");
const literal = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => !Object.is(x, -0)),
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }).filter((k) => k !== "__proto__"), tie("v"), { maxKeys: 2 }),
  ),
})).v;
const options = fc.record(
  { countdown: fc.integer({ min: 0, max: 60 }), queue: fc.constantFrom("celery", "fast", "io-bound"), retries: fc.integer({ min: 0, max: 5 }) },
  { requiredKeys: [] },
);
const taskArb = fc.record({ kind: fc.constant("task" as const), name, args: fc.array(literal, { maxLength: 3 }), immutable: fc.boolean(), options });

export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    taskArb,
    fc.record({ kind: fc.constant("chain" as const), items: fc.array(tie("e"), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant("group" as const), items: fc.array(tie("e"), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant("chord" as const), header: fc.array(tie("e"), { minLength: 1, maxLength: 4 }), body: tie("e") }),
  ),
})).e;

