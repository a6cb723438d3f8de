import { defineChecks } from "../../sim/check/define";
import { fmt, gaps, startTimes, stateSummary } from "../check-helpers";

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
        let longest = 0;
        for (const t of tasks) {
          const g = gaps(startTimes(r, t.id));
          longest = Math.max(longest, g.length);
          for (let k = 0; k < g.length; k++) {
            const want = 2 ** k;
            if (g[k]! < want - 0.05 || g[k]! > want + 1.5)
              return `task ${t.id.slice(0, 8)} waited [${g.map((x) => fmt(x)).join(", ")}] s between attempts, expected [${[1, 2, 4, 8, 16].slice(0, g.length).join(", ")}]: the countdown is 2 ** request.retries, and request.retries is 0 on the first attempt`;
          }
        }
        return longest >= 2 ? true : "no backoff task retried twice, so the doubling could not be seen";
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
          const rejected = r.events("task-rejected").length;
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
        return fast.length >= 5 ? true : `${fast.length} calls failed fast with "Circuit breaker is OPEN", expected many while the API was down (5 s to 20 s)`;
      },
    },
    {
      id: "breaker-protects",
      title: "Few calls reach the API while it is down",
      explain:
        "Without a breaker every call during the 15 s outage waits for the API and fails with ConnectionError (about 30 of them). With it, only the calls that trip it and the half-open trials do: no more than 6.",
      run: (r) => {
        const conn = r.tasksNamed("external_api_call").filter((t) => t.exception?.type === "ConnectionError");
        return conn.length <= 6 ? true : `${conn.length} calls failed with ConnectionError against the down API, expected at most 6`;
      },
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
