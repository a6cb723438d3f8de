import { defineChecks, type LabRun } from "../../sim/check/define";
import { returned } from "../check-helpers";

function job(r: LabRun, key: string): { passed: number; failed: number } | null {
  const j = returned(r).results?.[key];
  return j && typeof j.passed === "number" && typeof j.failed === "number" ? j : null;
}

/** The suite's own log lines agree with what main returned (a job cannot claim results it did not print). */
function logged(r: LabRun, key: string): { pass: number; fail: number } {
  return { pass: r.logsContaining(`PASS `).filter((l) => l.includes(`[${key}]`)).length, fail: r.logsContaining(`FAIL `).filter((l) => l.includes(`[${key}]`)).length };
}

/** What a suite that passes a broken build is missing, by job. */
const MISSING: Record<string, string> = {
  "broken_rounding@redis": "test a total that does not divide evenly (100 for 3 people) and that the shares add up to the total",
  "broken_routing@redis":
    "eager tests (apply, run) run the function in place and never see the route; send the task through the broker to a production-configured worker (delay + get with a timeout) and let the timeout fail the test",
};

function jobCheck(key: string, expectFailures: boolean) {
  return (r: LabRun) => {
    const j = job(r, key);
    if (!j) return `no results for the ${key} job`;
    const l = logged(r, key);
    if (l.pass !== j.passed || l.fail !== j.failed) return `the ${key} job reported ${j.passed} passed / ${j.failed} failed but logged ${l.pass} PASS / ${l.fail} FAIL`;
    if (expectFailures) return j.failed >= 1 ? true : `all ${j.passed} tests passed against ${key}: the suite does not catch this bug; ${MISSING[key] ?? "test what the bug breaks"}`;
    if (j.passed < 3) return `only ${j.passed} tests ran against ${key}; write at least three`;
    if (j.failed === 0) return true;
    const first = r.logsContaining("FAIL ").find((l) => l.includes(`[${key}]`)) ?? "";
    return `${j.failed} tests failed against the correct build (${key}), so the tests themselves are wrong: ${first.trim()}`;
  };
}

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "correct-passes-redis",
      title: "Every test passes against the correct task (Redis job)",
      explain: "A test suite must be green on correct code. Write at least three tests; all of them must pass against the `correct` build.",
      run: jobCheck("correct@redis", false),
    },
    {
      id: "correct-passes-rabbitmq",
      title: "Every test passes against the correct task (RabbitMQ job)",
      explain: "The CI matrix runs the same suite on both brokers, as the original pipeline's services did. Nothing in your tests should depend on the broker.",
      run: jobCheck("correct@rabbitmq", false),
    },
    {
      id: "catches-rounding",
      title: "The suite catches the rounding bug",
      explain:
        "`broken_rounding` rounds every share to the nearest cent, so 100 split 3 ways gives 33 + 33 + 33 = 99. Only a total that does not divide evenly shows it: test the remainder (TODO 1) and that the shares always add up (TODO 2). Eager mode (`apply`) is enough.",
      run: jobCheck("broken_rounding@redis", true),
    },
    {
      id: "catches-routing",
      title: "The suite catches the routing bug",
      explain:
        "`broken_routing` declares `queue: \"billing\"`, which no production worker consumes. Eager tests run the function in place and pass; only a test that sends the task through the broker to a worker configured like production notices, because `get({ timeout: 5 })` times out (TODO 3).",
      run: jobCheck("broken_routing@redis", true),
    },
    {
      id: "worker-test-ran",
      title: "At least one test ran the task on a worker",
      explain: "Use `delay(...)` or `applyAsync(...)` and `await ...get({ timeout })` in a test: the tasks table should show the correct build's split_bill run by a worker in both of its jobs.",
      run: (r) => {
        const ran = r.tasksNamed("correct.split_bill").filter((t) => t.worker !== null && t.state === "SUCCESS");
        return ran.length >= 2 ? true : `the correct build's split_bill ran on a worker ${ran.length} times, expected at least once per job (2 jobs)`;
      },
    },
  ],
});
