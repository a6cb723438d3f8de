import { defineChecks, type LabRun } from "../../sim/check/define";
import { fmt, gaps, startTimes, stateSummary } from "../check-helpers";

const BREAKER_THRESHOLD = 3;
const BREAKER_TIMEOUT_S = 10;
/** How far the learner's clock may sit from the task's start (now() taken after the call, `>=` vs `>`). */
const BREAKER_SLACK_S = 0.1;

/**
 * Replays the API calls in the order they ran through a reference breaker (threshold 3, timeout 10 s),
 * fed with what the API really answered to the calls the learner's breaker let through, and names the
 * first call where the learner's breaker decided otherwise.
 */
function breakerProblem(r: LabRun): string | null {
  const calls = r
    .tasksNamed("external_api_call")
    .filter((t) => t.startedAt !== null)
    .sort((a, b) => a.startedAt! - b.startedAt!);
  const at = (t: number) => `t=${fmt(t, 2)} s`;
  let state: "CLOSED" | "OPEN" = "CLOSED";
  let inARow = 0;
  let failuresSinceClosed = 0;
  let lastFailureS = -Infinity;
  let openedBy: "threshold" | "trial" = "threshold";
  let trialMissed = false;
  for (const c of calls) {
    const t = c.startedAt!;
    const fastFail = c.exception?.message?.includes("Circuit breaker is OPEN") ?? false;
    const apiFailed = c.exception?.type === "ConnectionError";
    const apiOk = c.state === "SUCCESS";
    if (!fastFail && !apiFailed && !apiOk) continue;
    if (state === "CLOSED") {
      if (fastFail) {
        const hint =
          failuresSinceClosed > inARow
            ? `: ${failuresSinceClosed} calls had failed since the breaker last closed, but a success came in between. The breaker counts failures in a row: reset failureCount to 0 when a call succeeds`
            : `: open the breaker when failureCount reaches failureThreshold (3), not before`;
        return `the call at ${at(t)} failed fast ("Circuit breaker is OPEN") although only ${inARow} call${inARow === 1 ? "" : "s"} in a row had failed${hint}`;
      }
      if (apiOk) {
        inARow = 0;
        continue;
      }
      inARow++;
      failuresSinceClosed++;
      lastFailureS = t;
      if (inARow >= BREAKER_THRESHOLD) {
        state = "OPEN";
        openedBy = "threshold";
        trialMissed = false;
      }
      continue;
    }
    // OPEN: fail fast until the timeout has passed since the last failure, then one trial call.
    const since = t - lastFailureS;
    if (fastFail) {
      if (since > BREAKER_TIMEOUT_S + BREAKER_SLACK_S) {
        if (trialMissed)
          return `the call at ${at(t)} still failed fast, ${fmt(since, 1)} s after the last failure (${at(lastFailureS)}): after timeoutS (${BREAKER_TIMEOUT_S} s) the breaker should go HALF_OPEN and let one trial call through`;
        trialMissed = true;
      }
      continue;
    }
    if (since < BREAKER_TIMEOUT_S - BREAKER_SLACK_S) {
      if (openedBy === "threshold") {
        // How many failures in a row the learner's breaker let through before it first failed fast.
        const rest = calls.slice(calls.indexOf(c));
        const firstFast = rest.findIndex((x) => x.exception?.message?.includes("Circuit breaker is OPEN"));
        const lead = `after ${BREAKER_THRESHOLD} calls in a row failed (the last at ${at(lastFailureS)}), the call at ${at(t)} still went to the down API`;
        if (firstFast < 0)
          return `${lead}, and so did every call after it: the breaker never opened. Is it one object that lives across calls (not a new CircuitBreaker per call), and does it open when failureCount >= failureThreshold?`;
        const opened = BREAKER_THRESHOLD + rest.slice(0, firstFast).filter((x) => x.exception?.type === "ConnectionError").length;
        if (opened === BREAKER_THRESHOLD + 1)
          return `${lead}: the breaker opened only after ${opened} failures. It should open when failureCount reaches failureThreshold (failureCount >= failureThreshold), not only when it exceeds it`;
        return `${lead}: the breaker opened only after ${opened} failures in a row, expected ${BREAKER_THRESHOLD} (failureCount >= failureThreshold)`;
      }
      return `the half-open trial call at ${at(lastFailureS)} failed, yet the call at ${at(t)} went to the API too: a failed trial must open the breaker again at once and restart the ${BREAKER_TIMEOUT_S} s timeout (resetting failureCount when going HALF_OPEN makes it need ${BREAKER_THRESHOLD} new failures instead)`;
    }
    // The trial call (HALF_OPEN).
    if (apiOk) {
      state = "CLOSED";
      inARow = 0;
      failuresSinceClosed = 0;
    } else {
      lastFailureS = t;
      openedBy = "trial";
      trialMissed = false;
    }
  }
  return null;
}

export default defineChecks({
  seed: 1,
  untilS: 240,
  checks: [
    {
      id: "flaky-retries",
      title: "The flaky task retries instead of failing at the first error",
      explain:
        "`maxRetries` only limits retries; it does not cause them. A plain `throw` fails the task at once. Use `throw self.retry({ exc: new Error(\"Random failure occurred\") })` (TODO 1) and Celery publishes the task again after `defaultRetryDelay` seconds.",
      run: (r) => {
        const tasks = r.tasksNamed("flaky_task");
        if (tasks.length !== 20) return `${tasks.length} flaky tasks were sent, expected 20`;
        const retried = tasks.filter((t) => t.retries >= 1).length;
        const tooMany = tasks.filter((t) => t.executions > 4);
        if (tooMany.length) return `${tooMany.length} flaky tasks ran more than 4 times (max_retries=3 allows 4 executions)`;
        return retried > 0 ? true : `no flaky task was retried (${stateSummary(tasks)}); every failure ended the task`;
      },
    },
    {
      id: "flaky-delay",
      title: "Each retry waits the default retry delay (1 s)",
      explain:
        "`defaultRetryDelay: 1` applies when `retry()` is called without a countdown: each new attempt starts at least 1 s after the previous one.",
      run: (r) => {
        const bad: string[] = [];
        let seen = 0;
        for (const t of r.tasksNamed("flaky_task")) {
          for (const g of gaps(startTimes(r, t.id))) {
            seen++;
            if (g < 0.95) bad.push(`${t.id.slice(0, 8)}: ${fmt(g)} s`);
          }
        }
        if (seen === 0) return "no flaky task ran a second attempt";
        return bad.length === 0 ? true : `retries came too soon: ${bad.slice(0, 3).join(", ")}`;
      },
    },
    {
      id: "flaky-final-error",
      title: "A flaky task that runs out of retries fails with the original error",
      explain:
        "When the last retry is used up, `self.retry({ exc })` re-raises `exc`, so the stored failure is the real cause. A bare `self.retry()` would store MaxRetriesExceededError instead. Every failed flaky task should show 4 executions and the original error.",
      run: (r) => {
        const failed = r.tasksNamed("flaky_task").filter((t) => t.state === "FAILURE");
        const wrong = failed.filter((t) => t.executions !== 4 || t.exception?.type === "MaxRetriesExceededError");
        if (wrong.length === 0) return true;
        const t = wrong[0]!;
        if (t.exception?.type === "MaxRetriesExceededError")
          return `${wrong.length} failed flaky tasks ended in MaxRetriesExceededError, not the error that made them retry: pass the original error as \`exc\` to self.retry({ exc })`;
        return `${wrong.length} failed flaky tasks look wrong, e.g. ${t.executions} executions ending in ${t.exception?.type}: ${t.exception?.message}`;
      },
    },
    {
      id: "exponential-backoff",
      title: "Backoff doubles: 1, 2, 4, 8, 16 s between attempts",
      explain:
        "Use `countdown: 2 ** self.request.retries` (TODO 2): `request.retries` is 0 on the first attempt, so the waits are 1, 2, 4, 8 and 16 s. (`autoretryFor: [ConnectionError], retryBackoff: true, retryJitter: false` gives the same waits.)",
      run: (r) => {
        const tasks = r.tasksNamed("exponential_backoff_task");
        if (tasks.length !== 5) return `${tasks.length} backoff tasks were sent, expected 5`;
        const waits = tasks.map((t) => ({ t, g: gaps(startTimes(r, t.id)) }));
        const longest = Math.max(0, ...waits.map((w) => w.g.length));
        const shown = (w: { t: { id: string }; g: number[] }) =>
          `task ${w.t.id.slice(0, 8)} waited [${w.g.map((x) => fmt(x)).join(", ")}] s between attempts, expected [${[1, 2, 4, 8, 16].slice(0, w.g.length).join(", ")}]`;
        const wrong = waits.find((w) => w.g.some((g, k) => g < 2 ** k - 0.05 || g > 2 ** k + 1.5));
        if (!wrong) return longest >= 2 ? true : "no backoff task retried twice, so the doubling could not be seen";
        // Celery's default retry delay: retry() was called without a countdown.
        if (wrong.g.some((g) => g > 179 && g < 182))
          return `${shown(wrong)}: 180 s is Celery's default retry delay (defaultRetryDelay), used when retry() gets no countdown. retryBackoff sets the countdown only of the automatic retries of autoretryFor; a retry() you call yourself needs countdown: 2 ** self.request.retries`;
        // Full jitter: each wait drawn at random between 0 and 2 ** n, so never longer, and different from task to task.
        const notLonger = waits.every((w) => w.g.every((g, k) => g <= 2 ** k + 0.2));
        const varies = [0, 1, 2, 3, 4].some((k) => {
          const at = waits.map((w) => w.g[k]).filter((g): g is number => g !== undefined);
          return at.length >= 2 && Math.max(...at) - Math.min(...at) >= 0.9;
        });
        if (notLonger && varies)
          return `${shown(wrong)}: each wait is at most 2 ** n seconds but random, and different from task to task. That is retryJitter, on by default with retryBackoff (Celery draws each countdown between 0 and 2 ** n): set retryJitter: false for the exact doubling`;
        return `${shown(wrong)}: the countdown is 2 ** request.retries, and request.retries is 0 on the first attempt`;
      },
    },
    {
      id: "dlq-routed",
      title: "Each invalid item lands once in the dead_letter queue and is recovered",
      explain:
        "In `process_with_dlq`'s except branch, send `processFailedItem.applyAsync([data, String(exc)], { queue: \"dead_letter\" })` and re-raise (TODO 3), and start a worker with `queues: [\"dead_letter\"]`. Items 2, 5 and 8 are invalid.",
      run: (r) => {
        const dlq = r.tasksNamed("process_failed_item");
        const ids = dlq.map((t) => (t.args[0] as { id?: number } | undefined)?.id).sort((a, b) => (a ?? 0) - (b ?? 0));
        if (JSON.stringify(ids) !== JSON.stringify([2, 5, 8])) return `dead-lettered items were [${ids.join(", ")}], expected [2, 5, 8]`;
        const off = dlq.filter((t) => t.queue !== "dead_letter");
        if (off.length) return `${off.length} process_failed_item tasks went to queue ${off[0]!.queue}, not dead_letter`;
        const notOk = dlq.filter((t) => t.state !== "SUCCESS");
        const consumed = r.report.workers.some((w) => w.queues.includes("dead_letter"));
        return notOk.length === 0 ? true : `dead-letter tasks: ${stateSummary(dlq)}; no worker recovered them${consumed ? "" : ": no worker consumes the dead_letter queue"}`;
      },
    },
    {
      id: "dlq-original-fails",
      title: "The original task still fails with ValueError",
      explain: "Re-raise after dead-lettering: the failure must stay visible in monitoring, with its real error.",
      run: (r) => {
        const invalid = r.tasksNamed("process_with_dlq").filter((t) => (t.args[0] as { valid?: boolean })?.valid === false);
        const wrong = invalid.filter((t) => t.state !== "FAILURE" || t.exception?.type !== "ValueError");
        if (invalid.length === 3 && wrong.some((t) => t.state === "SUCCESS"))
          return `invalid items: ${stateSummary(invalid)}: the error was swallowed after dead-lettering; re-raise it so the failure stays visible`;
        return invalid.length === 3 && wrong.length === 0 ? true : `invalid items: ${stateSummary(invalid)}, expected 3 FAILURE with ValueError`;
      },
    },
    {
      id: "dlx-broker",
      title: "RabbitMQ dead-letters the rejected items itself (items 2, 5 and 8)",
      explain:
        "The `strict` queue is declared with a dead-letter exchange. In `process_strict` (TODO 5), `throw new Reject(reason, { requeue: false })` for an invalid item: with late acks the message is still unacknowledged, the worker rejects it, and RabbitMQ moves it to `dlx`, bound to the `rejected` queue. A failed task is acknowledged, and an early-acked message can no longer be rejected: neither is dead-lettered.",
      run: (r) => {
        const dead = r.trace.filter((e) => e.kind === "message-dead-lettered" && (e.data as any)?.from === "strict");
        const tasks = r.tasksNamed("process_strict");
        const ids = dead.map((e) => (r.report.tasks[e.task]?.args[0] as { id?: number } | undefined)?.id).sort((a, b) => (a ?? 0) - (b ?? 0));
        if (dead.length === 0) {
          const failed = tasks.filter((t) => t.state === "FAILURE").length;
          if (failed) return `no message was dead-lettered: ${failed} process_strict tasks failed instead, and a failed task's message is acknowledged; reject it with Reject(reason, { requeue: false })`;
          const rejectedEvents = r.events("task-rejected");
          const requeued = rejectedEvents.filter((e) => e.requeue === true).length;
          const backInQueue = r.trace.filter((e) => e.kind === "message-requeued" && String((e.data as any)?.reason ?? "").startsWith("Reject")).length;
          if (requeued && backInQueue)
            return `process_strict rejected messages ${requeued} times with requeue: true and nothing was dead-lettered: a requeued message goes back to the strict queue, is delivered again and rejected again, without end. Reject with { requeue: false } so that RabbitMQ dead-letters it`;
          const rejected = rejectedEvents.length;
          if (rejected) return `${rejected} process_strict tasks were rejected but nothing was dead-lettered: their messages were already acknowledged (early acks); rejecting needs taskAcksLate`;
          return "no message was dead-lettered from the strict queue";
        }
        if (JSON.stringify(ids) !== "[2,5,8]") return `the broker dead-lettered items [${ids.join(", ")}], expected [2, 5, 8]: reject only the invalid items`;
        const into = dead.map((e) => JSON.stringify((e.data as any)?.queues ?? []));
        return into.every((q) => q === JSON.stringify(["rejected"])) ? true : `dead-lettered messages went to ${into[0]}, expected the rejected queue`;
      },
    },
    {
      id: "breaker-opens",
      title: "The circuit breaker opens during the outage and fails fast",
      explain:
        "Implement `CircuitBreaker.call` (TODO 4). After 3 consecutive failures it goes OPEN and throws `Circuit breaker is OPEN` without calling the API until `timeoutS` has passed.",
      run: (r) => {
        const fast = r.tasksNamed("external_api_call").filter((t) => t.exception?.message?.includes("Circuit breaker is OPEN"));
        return fast.length >= 5 ? true : `${fast.length} calls failed fast with "Circuit breaker is OPEN", expected many while the API was down (t=5 s to t=20 s)`;
      },
    },
    {
      id: "breaker-protects",
      title: "The breaker opens after 3 failures in a row, fails fast for 10 s, then lets one trial call through",
      explain:
        "Without a breaker every call during the 15 s outage waits for the API and fails with ConnectionError (about 30 of them). With it, each call follows the states: CLOSED counts failures in a row (a success resets the count, so the 2 failures at t=2 s do not open it); the 3rd opens it (`failureCount >= failureThreshold`); OPEN fails fast until `timeoutS` has passed since the last failure; then HALF_OPEN lets one trial call through: a success closes it, a failure opens it again at once.",
      run: (r) => breakerProblem(r) ?? true,
    },
    {
      id: "breaker-recovers",
      title: "The breaker closes again once the API is back",
      explain:
        "After `timeoutS` the breaker lets one trial call through (HALF_OPEN). When it succeeds, it closes, and every call from t=30 s on succeeds.",
      run: (r) => {
        const late = r.tasksNamed("external_api_call").filter((t) => (t.startedAt ?? 0) >= 30);
        if (late.length === 0) return "no API call started after t=30 s";
        const bad = late.filter((t) => t.state !== "SUCCESS");
        return bad.length === 0 ? true : `${bad.length} calls after t=30 s did not succeed (${stateSummary(late)})`;
      },
    },
  ],
});
