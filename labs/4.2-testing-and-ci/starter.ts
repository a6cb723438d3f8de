/**
 * Lab 4.2: Testing and CI.
 *
 * Write tests for a task, in eager mode and against a worker, and run them in a CI matrix: over two
 * brokers for the correct build, and against two subtly broken builds your tests must catch.
 */
import { Celery } from "celery";

// ================================================================ Under test (do not edit)
//
// split_bill(totalCents, people): the shares, largest first, differing by at most one cent,
// adding up to exactly totalCents. Three builds of the same task: one correct, two subtly broken.

function splitCorrect(totalCents: number, people: number): number[] {
  const base = Math.floor(totalCents / people);
  const extra = totalCents - base * people;
  return Array.from({ length: people }, (_, i) => base + (i < extra ? 1 : 0));
}

function splitRounded(totalCents: number, people: number): number[] {
  return Array.from({ length: people }, () => Math.round(totalCents / people));
}

const BUILDS = {
  correct: { fn: splitCorrect, options: {} },
  broken_rounding: { fn: splitRounded, options: {} },
  // Someone routed the task to a "billing" queue in its decorator and forgot the workers.
  broken_routing: { fn: splitCorrect, options: { queue: "billing" } },
};
type Build = keyof typeof BUILDS;
type Broker = "redis" | "rabbitmq";

function makeApp(build: Build, broker: Broker, job: string) {
  // Each CI job has its own broker service (as each job of the original pipeline started its own).
  const url = broker === "redis" ? (`redis://${job}-redis:6379/0` as const) : (`amqp://${job}-rabbitmq//` as const);
  const app = new Celery(job, { broker: url });
  const splitBill = app.task({ name: "split_bill", ...BUILDS[build].options }, function split_bill(totalCents: number, people: number) {
    return BUILDS[build].fn(totalCents, people);
  });
  // The production worker configuration: the default queue only.
  app.worker({ hostname: `${job}-w1`, concurrency: 2, queues: ["celery"] });
  // The label names the job, not the build it tests: tests tell the builds apart by what the task does.
  return { app, splitBill, label: job };
}
type Fixture = ReturnType<typeof makeApp>;

// ================================================================ A tiny test runner (given)

interface TestCase {
  name: string;
  fn: (f: Fixture) => unknown;
}

class AssertionError extends Error {}

function assertEqual(actual: unknown, expected: unknown, what = "value") {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new AssertionError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function assert(condition: boolean, message: string) {
  if (!condition) throw new AssertionError(message);
}

async function runSuite(build: Build, broker: Broker, job: string, tests: TestCase[]) {
  const fixture = makeApp(build, broker, job);
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn(fixture);
      passed++;
      console.log(`  PASS ${t.name} [${fixture.label}]`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${t.name} [${fixture.label}]: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  return { passed, failed };
}

// ================================================================ Your tests

// TODO 1: an eager test of a total that does not divide evenly (the remainder).
// TODO 2: an eager test that, for several totals, the shares add up to the total.
// TODO 3: a test against a worker: delay(...).get({ timeout: 5 }) with the production worker.
const TESTS: TestCase[] = [
  {
    name: "eager: splits evenly",
    fn: async ({ splitBill }) => assertEqual(await splitBill.apply([1000, 4]).get(), [250, 250, 250, 250]),
  },
];

// (assert is here for your tests.)
void assert;

// ================================================================ The CI pipeline (given)

export default async function main() {
  const matrix: [Build, Broker][] = [
    ["correct", "redis"],
    ["correct", "rabbitmq"],
    ["broken_rounding", "redis"],
    ["broken_routing", "redis"],
  ];
  // The jobs run in a random order, named job1 to job4: nothing a test can read says which build it tests.
  const order = [...matrix];
  for (let i = order.length - 1; i > 0; i--) {
    const k = Math.floor(Math.random() * (i + 1));
    [order[i], order[k]] = [order[k]!, order[i]!];
  }
  const results: Record<string, { job: string; passed: number; failed: number }> = {};
  for (const [n, [build, broker]] of order.entries()) {
    const job = `job${n + 1}`;
    console.log(`${job} (${broker}):`);
    results[`${build}@${broker}`] = { job, ...(await runSuite(build, broker, job, TESTS)) };
  }
  for (const [key, r] of Object.entries(results)) console.log(`${r.job} tested ${key}: ${r.passed} passed, ${r.failed} failed`);
  return { results, tests: TESTS.length };
}
