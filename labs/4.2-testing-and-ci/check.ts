import { defineChecks, type LabRun } from "../../sim/check/define";
import { returned } from "../check-helpers";

interface JobResult {
  /** The job's name in the run (job1…job4, in a random order): what its log lines and worker carry. */
  job: string;
  passed: number;
  failed: number;
}

function job(r: LabRun, key: string): JobResult | null {
  const j = returned(r).results?.[key];
  return j && typeof j.job === "string" && typeof j.passed === "number" && typeof j.failed === "number" ? j : null;
}

/** The suite's own log lines agree with what main returned (a job cannot claim results it did not print). */
function logged(r: LabRun, label: string): { pass: number; fail: number } {
  return { pass: r.logsContaining(`PASS `).filter((l) => l.includes(`[${label}]`)).length, fail: r.logsContaining(`FAIL `).filter((l) => l.includes(`[${label}]`)).length };
}

/**
 * Each failing test of a job, from the trace: its name, and the tasks whose messages went to the
 * broker while it ran (between the job's previous line, its header or a test's PASS/FAIL, and its FAIL line).
 */
function failingTests(r: LabRun, label: string): { name: string; published: number[] }[] {
  const out: { name: string; published: number[] }[] = [];
  let published: number[] | null = null;
  for (const e of r.trace) {
    if (e.kind === "message-published" && published && e.task >= 0) published.push(e.task);
    if (e.kind !== "log") continue;
    const text = String((e.data as { text?: unknown } | undefined)?.text ?? "");
    if (text.startsWith(`${label} (`)) published = [];
    else if (published && text.includes(`[${label}]`) && /\b(PASS|FAIL) /.test(text)) {
      const fail = /FAIL (.*?) \[/.exec(text);
      if (fail) out.push({ name: fail[1]!, published });
      published = [];
    } else if (published && /^job\d+ \(/.test(text)) published = null;
  }
  return out;
}

/** main never returned because a test waited on a result nobody produces: which task, in words; null otherwise. */
function hungOnGet(r: LabRun): string | null {
  if (r.report.endReason !== "until" || !/still waiting/.test(r.report.endMessage)) return null;
  const stuck = r.tasksNamed("split_bill").filter((t) => !t.eager && t.worker === null && t.state === "PENDING");
  const t = stuck[stuck.length - 1];
  if (!t) return null;
  return `main was still waiting when the run was cut at t=${Math.round(r.report.simTime)} s: a test sent split_bill through the broker to queue "${t.queue}", which no worker consumes, and waited on get() with no timeout, which never returns. So the pipeline hung and no job reported. A worker test needs a timeout (get({ timeout: 5 })): then the broken build fails that test instead of hanging CI`;
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
    if (!j) return hungOnGet(r) ?? `no results for the job that tested ${key}`;
    const l = logged(r, j.job);
    if (l.pass !== j.passed || l.fail !== j.failed) return `${j.job} (${key}) reported ${j.passed} passed / ${j.failed} failed but logged ${l.pass} PASS / ${l.fail} FAIL`;
    if (expectFailures) {
      if (j.failed < 1) return `all ${j.passed} tests passed against ${key} (${j.job}): the suite does not catch this bug; ${MISSING[key] ?? "test what the bug breaks"}`;
      if (key === "broken_routing@redis") {
        const failing = failingTests(r, j.job);
        if (!failing.some((t) => t.published.length > 0))
          return `against ${key} (${j.job}), ${failing.map((t) => `"${t.name}"`).join(", ") || "the failing tests"} failed without sending split_bill through the broker: the routing bug shows only when a message goes to the queue the task is routed to and no production worker takes it. ${MISSING[key]}`;
      }
      return true;
    }
    if (j.passed < 3) return `only ${j.passed} tests ran against ${key}; write at least three`;
    if (j.failed === 0) return true;
    const first = r.logsContaining("FAIL ").find((l) => l.includes(`[${j.job}]`)) ?? "";
    return `${j.failed} tests failed against the correct build (${key}, ${j.job}), so the tests themselves are wrong: ${first.trim()}`;
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
        const jobs = ["correct@redis", "correct@rabbitmq"].map((k) => job(r, k)?.job).filter((j): j is string => !!j);
        const ran = jobs.filter((j) => r.tasksNamed("split_bill").some((t) => t.worker === `${j}-w1` && t.state === "SUCCESS"));
        return ran.length >= 2 ? true : `the correct build's split_bill ran on a worker in ${ran.length} of its 2 jobs, expected in both`;
      },
    },
  ],
});
