import { defineChecks, type LabRun } from "../../sim/check/define";
import { fmt, loggedTimes, maxPerAlignedWindow, stateSummary } from "../check-helpers";

const MARKER = "→ partner API call";
const LIMIT = 10;
/** A call made this soon after a second began may count in the second before: the limiter asked Redis just before it. */
const ASK_SLACK_S = 0.05;
/** Longer than this between an execution's start and its call: the task waited inside its worker slot. */
const HELD_SLOT_S = 1;

interface Call {
  /** When the call was made in the run: the simulated time of its log line (not the time it prints). */
  atS: number;
  /** When the execution that made it started (the latest task-started of its task before the call), or null. */
  startS: number | null;
  orderId: string;
}

/** Every partner call of the run, from the trace's own log events, in time order. */
function calls(r: LabRun): Call[] {
  const starts = new Map<string, number[]>();
  for (const e of r.events("task-started")) if (e.uuid) (starts.get(e.uuid) ?? starts.set(e.uuid, []).get(e.uuid)!).push(e.timestamp);
  const byIndex = new Map(r.report.tasks.map((t) => [t.index, t]));
  const out: Call[] = [];
  for (const e of r.trace) {
    if (e.kind !== "log") continue;
    const text = String((e.data as { text?: unknown } | undefined)?.text ?? "");
    if (!text.includes(MARKER)) continue;
    const task = byIndex.get(e.task);
    const before = (task ? starts.get(task.id) ?? [] : []).filter((s) => s <= e.atS + 1e-9);
    out.push({ atS: e.atS, startS: before.length ? Math.max(...before) : null, orderId: /#(\d+)/.exec(text)?.[1] ?? "?" });
  }
  return out.sort((a, b) => a.atS - b.atS);
}

/**
 * The second in which more than LIMIT calls were made, or null. Each call counts in the second it was
 * made, or in the one before when it was made within ASK_SLACK_S of the second's start (and its
 * execution had started by then): a limiter that said yes at 2.999 s may call at 3.001 s. Windows
 * are filled earliest-deadline first, so a second is only blamed when no such choice keeps every
 * second at LIMIT or under.
 */
function overLimit(cs: Call[]): { atS: number; n: number } | null {
  const opts = cs.map((c) => {
    const late = Math.floor(c.atS + 1e-9);
    const early = Math.floor(Math.max(c.atS - ASK_SLACK_S, c.startS ?? c.atS) + 1e-9);
    return { early, late };
  });
  const windows = [...new Set(opts.flatMap((o) => [o.early, o.late]))].sort((a, b) => a - b);
  const left = new Set(opts.map((_, i) => i));
  for (const w of windows) {
    const due = [...left].filter((i) => opts[i]!.early <= w).sort((a, b) => opts[a]!.late - opts[b]!.late);
    for (const i of due.slice(0, LIMIT)) left.delete(i);
    if ([...left].some((i) => opts[i]!.late <= w)) return { atS: w, n: cs.filter((c) => Math.floor(c.atS + 1e-9) === w).length };
  }
  return null;
}

export default defineChecks({
  seed: 1,
  untilS: 200,
  checks: [
    {
      id: "under-limit",
      title: "The partner never sees more than 10 calls in one second",
      explain:
        "Celery's `rate_limit` is a token bucket inside each worker: six workers at \"10/s\" allow up to 60 calls a second. Share one limit through Redis (INCR a key per second, EXPIRE it, retry the call in the next second when over 10), or send these tasks to one queue consumed by a single one-process worker that spaces the calls itself. The check counts each call at the moment it was made in the run (when its log line was written), not at the time the line prints.",
      run: (r) => {
        const cs = calls(r);
        if (cs.length === 0) return `no partner API calls were logged (each call logs a line containing "${MARKER}")`;
        const over = overLimit(cs);
        if (!over) return true;
        const printed = maxPerAlignedWindow(loggedTimes(r, MARKER), 1);
        const lie =
          printed.max <= LIMIT
            ? ` (your log lines print times that spread them out, ${printed.max} at most in one second, but the check counts when each call was really made: the printed t= does not change when the partner was called)`
            : "";
        return `${over.n} calls were made in the second starting at t=${over.atS} s${lie}: the limit is not shared (Celery's rateLimit is per worker, and a count in a module-level variable lives in one process: each pool child of each worker keeps its own; count in Redis, with INCR: a GET then SET is not atomic, two workers read the same count and both go ahead)`;
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
        const n = r.logsContaining(MARKER).length;
        return n === 100 ? true : `${n} partner calls were made for 100 tasks: ${n < 100 ? "refused calls were dropped, not retried (throw self.retry({ countdown }) until the next window)" : "some calls were made twice"}`;
      },
    },
    {
      id: "still-fast",
      title: "…and it still uses the allowance: done within 40 s",
      explain:
        "100 calls at 10 per second need about 10 s. Limiting far below the allowance (\"1/s\" per worker) passes the limit but wastes it, and so does Celery's own rateLimit on one worker with many tasks waiting: its bucket timers pile up and it runs at a fraction of its rate (\"9/s\" made 100 calls in 60 s on Celery 5.2).",
      run: (r) => {
        const times = calls(r).map((c) => c.atS);
        if (times.length < 2) return "too few calls were logged";
        const span = times[times.length - 1]! - times[0]!;
        return span <= 40
          ? true
          : `the calls took ${fmt(span, 1)} s: far below the allowance (a low limit, or Celery's rateLimit on one worker with many tasks waiting: each refused task adds a timer to the worker's event loop, and past ten due at once the loop sleeps a second between releases)`;
      },
    },
    {
      id: "slot-free",
      title: "A refused call gives its worker slot back until the next window",
      explain:
        "When the window is full, retry the task with a countdown to the next second (`throw self.retry({ countdown })`): the worker runs other tasks meanwhile. A task that waits inside itself (`await sleep()` in a loop until the limiter says yes) keeps a pool process doing nothing: with 100 calls waiting, every slot of the cluster sits idle and no other task can run.",
      run: (r) => {
        const held = calls(r)
          .filter((c) => c.startS !== null)
          .map((c) => ({ ...c, heldS: c.atS - c.startS! }))
          .sort((a, b) => b.heldS - a.heldS);
        const worst = held[0];
        if (!worst || worst.heldS <= HELD_SLOT_S) return true;
        const n = held.filter((c) => c.heldS > HELD_SLOT_S).length;
        return `call #${worst.orderId} started at t=${fmt(worst.startS, 3)} s and called the partner at t=${fmt(worst.atS, 3)} s: it held its worker slot ${fmt(worst.heldS, 1)} s waiting for a window inside the task (await sleep() in the task), and ${n} calls waited over ${HELD_SLOT_S} s so. Give the slot back: throw self.retry({ countdown }) to the next window`;
      },
    },
  ],
});
