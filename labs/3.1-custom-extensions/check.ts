import { defineChecks } from "../../sim/check/define";
import { loggedTimes, maxPerAlignedWindow, returned, stateSummary } from "../check-helpers";

const PIPELINE_DEPS: Record<string, string[]> = {
  fetch_data: [],
  validate_input: [],
  process_data: ["fetch_data", "validate_input"],
  generate_report: ["process_data"],
};

/** Why a count kept in memory fails: each worker process has its own. */
const PER_PROCESS_HINT = "a count in a module-level variable lives in one process: each pool child of each worker keeps its own, so keep the count in Redis";

export default defineChecks({
  seed: 1,
  untilS: 180,
  checks: [
    {
      id: "bucket-burst",
      title: "The token bucket allows a burst of 5, then refuses",
      explain: "A new bucket is full: 5 tokens. Eight immediate `consume()` calls give 5 × true, then 3 × false.",
      run: (r) => {
        const burst: boolean[] = returned(r).burst ?? [];
        return burst.filter(Boolean).length === 5 && burst.slice(0, 5).every(Boolean) ? true : `the burst gave [${burst.join(", ")}]`;
      },
    },
    {
      id: "bucket-refills",
      title: "After one second the bucket has refilled 5 tokens",
      explain:
        "In `consume` (TODO 1), add `(now() - lastUpdate) × rate` tokens, capped at `capacity`, and move `lastUpdate` to now. One second at 5 tokens/s gives 5 more calls.",
      run: (r) => {
        const after: boolean[] = returned(r).afterOneSecond ?? [];
        const n = after.filter(Boolean).length;
        return n === 5 ? true : `after 1 s the bucket allowed ${n} of 8 calls, expected 5`;
      },
    },
    {
      id: "limit-shared",
      title: "No user gets more than 5 API calls in any one-second window, across all workers",
      explain:
        "Implement `isAllowed` with Redis (TODO 2): `INCR` the key `prefix + id + \":\" + Math.floor(now())`, `EXPIRE` it when the count is 1, allow while the count is at most the limit. Because the count lives in Redis, the three workers share it. Over the limit, retry at the next window (TODO 3).",
      run: (r) => {
        for (const user of ["alice", "bob"]) {
          const times = loggedTimes(r, `→ API call for ${user} `);
          const { max, atS } = maxPerAlignedWindow(times, 1);
          if (max > 5) return `${user} got ${max} calls in the second starting at t=${atS} s, limit 5 (${PER_PROCESS_HINT})`;
        }
        return true;
      },
    },
    {
      id: "limit-completes",
      title: "Every limited call still goes through, one window after another",
      explain:
        "A refused call is not dropped: `throw self.retry({ countdown: limiter.retryAfterS() })` runs it again when the next window opens (`maxRetries: null` retries forever). Alice's 30 calls need 6 windows.",
      run: (r) => {
        const tasks = r.tasksNamed("api_call_task");
        const ok = tasks.filter((t) => t.state === "SUCCESS").length;
        if (tasks.length !== 40 || ok !== 40) return `api_call_task: ${stateSummary(tasks)}, expected 40 SUCCESS`;
        const alice = loggedTimes(r, "→ API call for alice ");
        if (alice.length !== 30) return `${alice.length} calls for alice were logged, expected 30`;
        const span = alice[alice.length - 1]! - alice[0]!;
        if (span < 4.5) return `alice's 30 calls took ${span.toFixed(2)} s; at 5 per second they need at least 5`;
        const workers = new Set(tasks.map((t) => t.worker));
        return workers.size >= 2 ? true : "all calls ran on one worker; the limiter was not tested across workers";
      },
    },
    {
      id: "topological-order",
      title: "Tasks run in dependency order",
      explain:
        "`findExecutionOrder` (TODO 4) must put every task after the tasks it depends on: fetch_data and validate_input, then process_data, then generate_report (Kahn's algorithm: repeatedly take a task with no unfinished dependencies).",
      run: (r) => {
        const order: string[] | null = returned(r).order ?? null;
        if (!order) return "no execution order was returned for the acyclic graph";
        for (const [task, deps] of Object.entries(PIPELINE_DEPS)) {
          const t = r.tasksNamed(task)[0];
          if (!t || t.state !== "SUCCESS") return `${task} did not run successfully`;
          for (const d of deps) {
            const dep = r.tasksNamed(d)[0];
            if (!dep || (dep.finishedAt ?? Infinity) > (t.startedAt ?? -Infinity)) return `${task} started before its dependency ${d} had finished (order: ${order.join(" → ")})`;
          }
        }
        return true;
      },
    },
    {
      id: "cycle-detected",
      title: "A cyclic graph is refused",
      explain:
        "a → c → b → a has no valid order. When the sort cannot take every node, there is a cycle: return null and log `Dependency graph contains cycles!`.",
      run: (r) => {
        const cyclic = returned(r).cyclicOrder;
        if (cyclic !== null) return `the cyclic graph gave the order ${JSON.stringify(cyclic)}, expected null`;
        return r.logsContaining("Dependency graph contains cycles!").length > 0 ? true : "no \"Dependency graph contains cycles!\" log line";
      },
    },
  ],
});
