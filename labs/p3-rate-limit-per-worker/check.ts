import { defineChecks } from "../../sim/check/define";
import { fmt, loggedTimes, maxPerAlignedWindow, stateSummary } from "../check-helpers";

export default defineChecks({
  seed: 1,
  untilS: 200,
  checks: [
    {
      id: "under-limit",
      title: "The partner never sees more than 10 calls in one second",
      explain:
        "Celery's `rate_limit` is a token bucket inside each worker: six workers at \"10/s\" allow up to 60 calls a second. Share one limit through Redis (INCR a key per second, EXPIRE it, retry the call in the next second when over 10), or send these tasks to one queue consumed by a single one-process worker that spaces the calls itself.",
      run: (r) => {
        const times = loggedTimes(r, "→ partner API call");
        if (times.length === 0) return "no partner API calls were logged";
        const { max, atS } = maxPerAlignedWindow(times, 1);
        return max <= 10
          ? true
          : `${max} calls in the second starting at t=${atS} s: the limit is not shared (Celery's rateLimit is per worker, and a count in a module-level variable lives in one process: each pool child of each worker keeps its own; count in Redis, with INCR: a GET then SET is not atomic, two workers read the same count and both go ahead)`;
      },
    },
    {
      id: "all-calls",
      title: "All 100 calls go through, each once",
      explain: "Throttled calls must be delayed (retried), not dropped, and none may be made twice.",
      run: (r) => {
        const tasks = r.tasksNamed("call_partner_api");
        const gaveUp = tasks.filter((t) => t.state === "FAILURE" && /MaxRetriesExceeded/.test(JSON.stringify(t.exception)));
        if (gaveUp.length) return `${gaveUp.length} calls failed with MaxRetriesExceededError after ${gaveUp[0]!.retries} retries: a throttled call retries until a window has room, so the task needs maxRetries: null`;
        if (tasks.length !== 100 || tasks.some((t) => t.state !== "SUCCESS")) return `call_partner_api: ${stateSummary(tasks)}, expected 100 SUCCESS${tasks.some((t) => t.state === "RETRY") && !tasks.some((t) => t.state === "FAILURE") ? " (retries still waiting: a retry without countdown waits Celery's default retry delay, 180 s; retry at the next window)" : ""}`;
        const n = r.logsContaining("→ partner API call").length;
        return n === 100 ? true : `${n} partner calls were made for 100 tasks: ${n < 100 ? "refused calls were dropped, not retried (throw self.retry({ countdown }) until the next window)" : "some calls were made twice"}`;
      },
    },
    {
      id: "still-fast",
      title: "…and it still uses the allowance: done within 40 s",
      explain:
        "100 calls at 10 per second need about 10 s. Limiting far below the allowance (\"1/s\" per worker) passes the limit but wastes it, and so does Celery's own rateLimit on one worker with many tasks waiting: its bucket timers pile up and it runs at a fraction of its rate (\"9/s\" made 100 calls in 60 s on Celery 5.2).",
      run: (r) => {
        const times = loggedTimes(r, "→ partner API call");
        if (times.length < 2) return "too few calls were logged";
        const span = times[times.length - 1]! - times[0]!;
        return span <= 40
          ? true
          : `the calls took ${fmt(span, 1)} s: far below the allowance (a low limit, or Celery's rateLimit on one worker with many tasks waiting: each refused task adds a timer to the worker's event loop, and past ten due at once the loop sleeps a second between releases)`;
      },
    },
  ],
});
