import { defineChecks } from "../../sim/check/define";
import { fmt, maxPerAlignedWindow, returned, runtimeOf, stateSummary, tasksNamedAny } from "../check-helpers";

const PIPELINE_DEPS: Record<string, string[]> = {
  fetch_data: [],
  validate_input: [],
  process_data: ["fetch_data", "validate_input"],
  generate_report: ["process_data"],
};
const LIMITED = ["geocode", "reverse_geocode"];
const PROFILED = ["render_report", "export_csv"];
const PER_SECOND = 5;
/** How far a recorded duration may be from the task's runtime: measured 0.0005 s on the graded seeds (the RPUSH round trip after the clock stops). */
const PROFILE_TOLERANCE_S = 0.001;

/** Why a count kept in memory fails: each worker process has its own. */
const PER_PROCESS_HINT = "a count in a module-level variable lives in one process: each pool child of each worker keeps its own, so keep the count in Redis";

interface ProfileRecord {
  id: string;
  durationS: number;
  state: string;
}

const shortId = (id: string) => id.slice(0, 8);

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "limit-shared",
      title: "geocode and reverse_geocode together run at most 5 times a second, across all workers",
      explain:
        "`RateLimitedTask.__call__` (TODO 1) runs before every execution of every task using the base: `INCR` the key `ratelimit:<rateKey>:<Math.floor(now())>`, `EXPIRE` it when the count is 1, and over `perSecond` `throw this.retry(...)` for the next window. Both tasks share `rateKey: \"geo_api\"`, so they share the count.",
      run: (r) => {
        const starts = tasksNamedAny(r, ...LIMITED).filter((t) => t.state === "SUCCESS" && t.startedAt !== null).map((t) => t.startedAt!);
        const { max, atS } = maxPerAlignedWindow(starts, 1);
        return max <= PER_SECOND ? true : `${max} geo API calls ran in the second starting at t=${atS} s, limit ${PER_SECOND} (${PER_PROCESS_HINT}; and both tasks must count under the same key)`;
      },
    },
    {
      id: "limit-keys",
      title: "The limiter's counters are in Redis, and they expire",
      explain:
        "While the calls are limited, Redis holds the limiter's `ratelimit:geo_api…` key (a counter per window, or a sorted set for a sliding window) with a TTL of a couple of seconds: a key without `EXPIRE` stays forever (and with a key per window, Redis fills up).",
      run: (r) => {
        const keys: { key: string; ttlS: number }[] = returned(r).limiterKeys ?? [];
        if (keys.length === 0) return `no ratelimit:* key was in Redis while the calls were being limited: the limiter does not count in Redis (${PER_PROCESS_HINT})`;
        const noTtl = keys.find((k) => !(k.ttlS > 0));
        if (noTtl) return `${noTtl.key} has TTL ${noTtl.ttlS}: the counter never expires (set EXPIRE when INCR returns 1)`;
        const long = keys.find((k) => k.ttlS > 2);
        if (long) return `${long.key} lives ${long.ttlS} s more: a one-second window's counter needs at most 2 s`;
        return keys.every((k) => /^ratelimit:geo_api(:|$)/.test(k.key)) ? true : `the keys were ${keys.map((k) => k.key).join(", ")}, expected keys named by the rateKey (ratelimit:geo_api…), the same for both tasks`;
      },
    },
    {
      id: "limit-completes",
      title: "Every limited call still runs, one window after another",
      explain:
        "A refused execution is not dropped: `throw this.retry({ countdown: <until the next window>, maxRetries: null })` runs it again later. 30 calls at 5 a second need 6 windows.",
      run: (r) => {
        const tasks = tasksNamedAny(r, ...LIMITED);
        const gaveUp = tasks.filter((t) => t.state === "FAILURE" && /MaxRetriesExceeded/.test(JSON.stringify(t.exception)));
        if (gaveUp.length) return `${gaveUp.length} calls failed with MaxRetriesExceededError after ${gaveUp[0]!.retries} retries: a limited call retries until a window has room, so the limiter's retry needs maxRetries: null (in Python, max_retries = None on the task or its base)`;
        if (tasks.length !== 30 || tasks.some((t) => t.state !== "SUCCESS")) return `geocode and reverse_geocode: ${stateSummary(tasks)}, expected 30 SUCCESS`;
        const starts = tasks.map((t) => t.startedAt!).sort((a, b) => a - b);
        const spanS = starts[starts.length - 1]! - starts[0]!;
        // Six one-second windows: from a start in the first to a start in the sixth is more than 4 s.
        if (spanS <= 4) return `the 30 calls ran within ${fmt(spanS)} s; at 5 per second they need 6 one-second windows (more than 4 s from the first start to the last)`;
        return new Set(tasks.map((t) => t.worker)).size >= 2 ? true : "all calls ran on one worker; the limit was not tested across workers";
      },
    },
    {
      id: "bodies-run",
      title: "The profiled tasks still do their work",
      explain: "A base class's `__call__` wraps the body: it must call `super.__call__(...args)` and return its result.",
      run: (r) => {
        const n = r.logsContaining("rendered ").length;
        if (n !== 3) return `${n} of 3 reports were rendered: the task's body did not run (__call__ must call super.__call__(...args))`;
        for (const t of r.tasksNamed("render_report")) {
          const pages = (t.args as number[])[0];
          if (t.result !== pages) return `render_report(${pages}) returned ${JSON.stringify(t.result)}, expected ${pages}: the body's result was lost (__call__ must return await super.__call__(...args))`;
        }
        return true;
      },
    },
    {
      id: "profile-every-call",
      title: "The profiler records every execution of every profiled task",
      explain:
        "Wrap `__call__`, not `run`: as in Celery, the task's own function takes the place of `run`, so a base class's `run` never runs; `__call__` is what the worker calls for every execution. Record in a `finally` so a failed execution is recorded too.",
      run: (r) => {
        const profiles: Record<string, ProfileRecord[]> = returned(r).profiles ?? {};
        for (const name of PROFILED) {
          const records = profiles[name] ?? [];
          for (const t of r.tasksNamed(name)) {
            const n = records.filter((p) => p.id === t.id).length;
            if (n === 0) {
              const why = records.length === 0 ? "the profiler never ran (a base class's run() is shadowed by the task's function: override __call__)" : t.state === "FAILURE" ? "a failed execution must be recorded too (record in finally)" : "it missed this execution";
              return `no profile record for ${name}[${shortId(t.id)}] (${t.state}): ${why}`;
            }
            if (n !== t.executions) return `${name}[${shortId(t.id)}] ran ${t.executions} time(s) and was recorded ${n} time(s)`;
          }
        }
        return true;
      },
    },
    {
      id: "profile-duration",
      title: "Recorded durations are the tasks' real runtimes",
      explain:
        "The bodies are async: `super.__call__(...args)` returns a promise. Stop the clock after `await`ing it, or you measure only the synchronous part (0 s).",
      run: (r) => {
        const profiles: Record<string, ProfileRecord[]> = returned(r).profiles ?? {};
        for (const name of PROFILED)
          for (const p of profiles[name] ?? []) {
            const t = r.report.tasks.find((x) => x.id === p.id);
            const runtime = t ? runtimeOf(t) : null;
            if (runtime === null) continue;
            if (Math.abs(p.durationS - runtime) > PROFILE_TOLERANCE_S)
              return `${name}[${shortId(p.id)}] ran ${fmt(runtime, 3)} s but the profiler recorded ${fmt(p.durationS, 3)} s${p.durationS < runtime / 2 ? ": it stopped the clock before the async body finished (await super.__call__)" : ""}`;
          }
        return true;
      },
    },
    {
      id: "profile-failures",
      title: "A failing task still fails, and the profiler records it as failed",
      explain:
        "export_csv(5000) raises. The profiler records the failure and re-raises the error (`throw e`, or a `finally`): swallowing it turns a failed task into a SUCCESS and hides the error from Celery (no retry, no FAILURE state, no errback).",
      run: (r) => {
        const failing = r.tasksNamed("export_csv").find((t) => (t.args as number[])[0] === 5000);
        if (!failing) return "export_csv(5000) was not sent";
        if (failing.state !== "FAILURE") return `export_csv(5000) ended ${failing.state}: the profiler swallowed the body's error (record it, then throw it again)`;
        const records: ProfileRecord[] = returned(r).profiles?.export_csv ?? [];
        const rec = records.find((p) => p.id === failing.id);
        return rec?.state === "FAILURE" ? true : `export_csv(5000) failed but the profiler recorded ${rec ? `state ${rec.state}` : "nothing"}: record the outcome`;
      },
    },
    {
      id: "dependency-order",
      title: "Each pipeline task is sent and runs after what it depends on",
      explain:
        "`executionStages` (TODO 4) puts each task after the tasks it declares in `dependsOn` (Kahn's algorithm), and the stages go out as one canvas (a chain of groups), so a dependent task is sent by the worker that finished its dependencies, never before them.",
      run: (r) => {
        for (const [task, deps] of Object.entries(PIPELINE_DEPS)) {
          const t = r.tasksNamed(task)[0];
          if (!t) return `${task} was never sent`;
          // Sent before a dependency finished: say so first, even when that left it stuck (a task
          // waiting in its body for another holds its pool slot; reserved behind it, the other never runs).
          for (const d of deps) {
            const dep = r.tasksNamed(d)[0];
            if (dep?.finishedAt == null && t.state !== "SUCCESS") return `${task} was sent at t=${fmt(t.sentAt)}, before its dependency ${d} had finished (it never did): send each task only after its dependencies have finished (a chain)`;
          }
          if (t.state !== "SUCCESS") return `${task} did not run successfully (${t.state})`;
          for (const d of deps) {
            const dep = r.tasksNamed(d)[0];
            const depDoneS = dep?.finishedAt ?? Infinity;
            if (depDoneS > (t.startedAt ?? -Infinity)) return `${task} was sent at t=${fmt(t.sentAt)} and started at t=${fmt(t.startedAt)}, before its dependency ${d} had finished (t=${fmt(dep?.finishedAt)}): send each task only after its dependencies have finished (a chain)`;
            if (depDoneS > (t.sentAt ?? -Infinity) + 1e-9) return `${task} was sent at t=${fmt(t.sentAt)}, before its dependency ${d} had finished (t=${fmt(depDoneS)}): it only waited by luck; send it after its dependencies (a chain)`;
          }
        }
        return true;
      },
    },
    {
      id: "cycle-detected",
      title: "Cyclic declarations are refused",
      explain: "a → c → b → a has no valid order. When no task is ready but some are left, there is a cycle: return null and log `Dependency graph contains cycles!`.",
      run: (r) => {
        const cyclic = returned(r).cyclicOrder;
        if (cyclic !== null) return `the cyclic declarations gave the order ${JSON.stringify(cyclic)}, expected null (a cycle was not detected)`;
        if (r.tasksNamed("a").length + r.tasksNamed("b").length + r.tasksNamed("c").length > 0) return "tasks of the cyclic graph were sent";
        return r.logsContaining("Dependency graph contains cycles!").length > 0 ? true : 'no "Dependency graph contains cycles!" log line';
      },
    },
  ],
});
