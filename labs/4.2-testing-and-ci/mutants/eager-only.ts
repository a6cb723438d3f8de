// mistake: every test runs the task eagerly (apply/run); none sends it to a worker
// expect: eager tests
/**
 * Lab 4.2: Testing and CI (reference solution).
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

const TESTS: TestCase[] = [
  {
    name: "eager: splits evenly",
    fn: async ({ splitBill }) => assertEqual(await splitBill.apply([1000, 4]).get(), [250, 250, 250, 250]),
  },
  {
    name: "eager: the remainder goes to the first shares",
    fn: async ({ splitBill }) => assertEqual(await splitBill.apply([100, 3]).get(), [34, 33, 33]),
  },
  {
    name: "eager: shares always add up to the total",
    fn: async ({ splitBill }) => {
      for (const [total, people] of [
        [1001, 7],
        [5, 3],
        [99, 10],
        [1, 4],
      ] as const) {
        const shares = (await splitBill.apply([total, people]).get()) as number[];
        assert(shares.length === people, `${people} shares expected, got ${shares.length}`);
        assertEqual(shares.reduce((a, b) => a + b, 0), total, `sum of split_bill(${total}, ${people})`);
        assert(Math.max(...shares) - Math.min(...shares) <= 1, `shares differ by more than a cent: ${shares}`);
      }
    },
  },
  {
    name: "run: the plain function",
    fn: ({ splitBill }) => assertEqual(splitBill.run(10, 4), [3, 3, 2, 2]),
  },
  {
    name: "worker: a production-configured worker runs it",
    fn: async ({ splitBill }) => assertEqual(await splitBill.apply([100, 3]).get(), [34, 33, 33]),
  },
];

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
