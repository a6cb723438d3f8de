import { defineChecks, type LabRun } from "../../sim/check/define";
import type { TaskView } from "../../sim/engine/types";
import { fmt, returned, storedStates } from "../check-helpers";

/** The add(4, 4) sent by delay() in exploreExecutionModes (the round-trip series sends add(i, 10), i = 1..20). */
const isFourFour = (t: TaskView) => t.args[0] === 4 && t.args[1] === 4;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/**
 * What main can have measured for a delay(...).get() of `t`: at least from its send to its finish,
 * at most until main sent the next task (the get() had returned by then; fetching a result costs the
 * client ~1.5 ms, M6). Null when it did not finish or nothing was sent after it.
 */
function roundTripWindowS(r: LabRun, t: TaskView): { shortestS: number; longestS: number } | null {
  if (t.sentAt === null || t.finishedAt === null) return null;
  const later = r.report.tasks.filter((k) => k.sentAt !== null && k.sentAt > t.sentAt!).map((k) => k.sentAt!);
  if (later.length === 0) return null;
  return { shortestS: t.finishedAt - t.sentAt, longestS: Math.min(...later) - t.sentAt };
}

const IDEAL = `Celery's own work took no time in this run: remove costs: "ideal" from new Celery(...); this lab measures what each mode costs`;
/** Main's figures and the run's windows are read off the same clock; 10 % leaves room for rounding only. */
const AGREE = 0.1;


export default defineChecks({
  seed: 1,
  untilS: 60,
  checks: [
    {
      id: "three-modes",
      title: "apply, delay and run each return 8",
      explain:
        "Complete TODO 1: `add.delay(4, 4)` returns an AsyncResult (log its `id`, then `await result.get({ timeout: 10 })`); `add.run(4, 4)` calls the function directly and returns 8 itself. `apply` is done for you.",
      run: (r) => {
        const m = returned(r).modes ?? {};
        const got = `apply → ${fmt(m.apply?.result, 0)}, delay → ${fmt(m.delay?.result, 0)}, run → ${fmt(m.run?.result, 0)}`;
        return m.apply?.result === 8 && m.delay?.result === 8 && m.run?.result === 8 ? true : `${got}; expected 8 from each`;
      },
    },
    {
      id: "only-delay-uses-broker",
      title: "Only delay() goes through the broker and a worker",
      explain:
        "`apply` runs the task at once in the caller (an EagerResult, no message); `run` is a plain function call (no request, no hooks). Only `delay` publishes a message a worker executes. The id you log must be that task's id.",
      run: (r) => {
        const viaWorker = r.tasksNamed("add").filter((t) => t.worker !== null && isFourFour(t));
        const id = returned(r).modes?.delay?.id;
        if (viaWorker.length === 0) return "no add task ran on a worker: delay() must publish a message for a worker (apply() runs it in the caller)";
        if (viaWorker.length > 1) return `${viaWorker.length} add tasks ran on a worker, expected exactly 1 (the delay() call): run() is a plain function call in the caller, with no message`;
        return viaWorker[0]!.id === id ? true : `main reported delay id ${fmt(id)}, but the worker ran ${viaWorker[0]!.id}`;
      },
    },
    {
      id: "apply-is-eager",
      title: "apply() runs eagerly in the caller; delay() waits for a worker to run it",
      explain:
        "`apply` returns an EagerResult computed on the spot: no message, no worker (its task shows as eager). `delay` only publishes a message and returns; a worker picks it up and runs it, and `get()` waits for that.",
      run: (r) => {
        const adds = r.tasksNamed("add");
        const eager = adds.filter((t) => t.eager);
        const viaWorker = adds.filter((t) => !t.eager && t.worker !== null && isFourFour(t));
        if (eager.length !== 1) return `${eager.length} add tasks ran eagerly (apply), expected exactly 1`;
        if (eager[0]!.worker !== null) return "the apply() task shows a worker; apply must not send a message";
        if (viaWorker.length !== 1) return `${viaWorker.length} add tasks ran on a worker, expected 1 (delay)`;
        return viaWorker[0]!.receivedAt !== null && viaWorker[0]!.startedAt !== null ? true : "the delay() task was never received and started by a worker";
      },
    },
    {
      id: "hooks-log",
      title: "TrackableTask's hooks report success, retry and failure",
      explain:
        "Fill in the three hooks (TODO 2) with console.log lines: `✓ Task <id> completed with result: <retval>`, `↻ Task <id> retrying...`, `✗ Task <id> failed: <exc>`. Celery calls on_success, on_retry and on_failure in the worker, after the body.",
      run: (r) => {
        const long = r.tasksNamed("long_running_task")[0];
        const unreliable = r.tasksNamed("unreliable_task");
        const retried = unreliable.find((t) => t.args[0] === "retry-once");
        const failed = unreliable.find((t) => t.args[0] === "fail");
        if (!long || !retried || !failed) return "the long-running and unreliable tasks were not all sent";
        const missing: string[] = [];
        if (!r.logsContaining(`✓ Task ${long.id} completed with result: Completed 5 seconds of work`).length) missing.push("✓ for long_running_task");
        if (!r.logsContaining(`↻ Task ${retried.id} retrying`).length) missing.push("↻ for the retried task");
        if (!r.logsContaining(`✗ Task ${failed.id} failed`).length) missing.push("✗ for the failing task");
        return missing.length === 0 ? true : `no log line for: ${missing.join(", ")}`;
      },
    },
    {
      id: "progress-stored",
      title: "The task stores PROGRESS ten times, 10% to 100%",
      explain:
        "Call `self.updateState({ state: \"PROGRESS\", meta: { current, total, percent } })` after each step (TODO 3). Each call writes a custom state to the result backend that any client polling the AsyncResult can read.",
      run: (r) => {
        const long = r.tasksNamed("long_running_task")[0];
        if (!long) return "long_running_task was not sent";
        const progress = storedStates(r, long.index).filter((s) => s.state === "PROGRESS");
        const percents = progress.map((s) => s.meta?.percent);
        const want = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        return JSON.stringify(percents) === JSON.stringify(want)
          ? true
          : `stored PROGRESS percents were [${percents.join(", ")}], expected [${want.join(", ")}]`;
      },
    },
    {
      id: "started-tracked",
      title: "STARTED is stored before the first PROGRESS",
      explain:
        "Without `taskTrackStarted: true` Celery stores no STARTED state: a client sees PENDING until the first update. Turn it on (TODO 4).",
      run: (r) => {
        const long = r.tasksNamed("long_running_task")[0];
        if (!long) return "long_running_task was not sent";
        const states = storedStates(r, long.index).map((s) => s.state);
        const started = states.indexOf("STARTED");
        const progress = states.indexOf("PROGRESS");
        if (started < 0) return `stored states were ${states.join(" → ") || "none"}: no STARTED (Celery stores it only with taskTrackStarted: true, task_track_started=True in Python)`;
        return progress < 0 || started < progress ? true : `STARTED came after PROGRESS (${states.join(" → ")})`;
      },
    },
    {
      id: "monitor-sees-progress",
      title: "The monitor sees PROGRESS and ends on SUCCESS",
      explain:
        "`monitorTaskProgress` polls `result.state` every 0.25 s. Once the task stores PROGRESS, the monitor sees it with its `info` (the meta dict), and stops at SUCCESS.",
      run: (r) => {
        const seen: string[] = returned(r).seen ?? [];
        const last = seen[seen.length - 1];
        if (last !== undefined && last !== "SUCCESS" && last !== "FAILURE")
          return `the monitor stopped polling at ${last} (it saw ${[...new Set(seen)].join(", ")}): poll until the task is ready (SUCCESS or FAILURE)`;
        if (!seen.includes("PROGRESS")) return `the monitor saw ${[...new Set(seen)].join(", ") || "nothing"}, never PROGRESS`;
        return seen[seen.length - 1] === "SUCCESS" ? true : `the monitor's last state was ${seen[seen.length - 1]}, expected SUCCESS: poll until the task is ready (SUCCESS or FAILURE)`;
      },
    },
    {
      id: "round-trip-measured",
      title: "You timed delay(...).get() round trips one by one",
      explain:
        "TODO 5: after the first call, time 20 more `add.delay(i, 10)` calls, each from just before the send until its `get()` returns, and return them as `roundTripsS`. Your median must agree with the run within 10%: each sample lies between the task's send and finish and main's next send.",
      run: (r) => {
        const samples: unknown = returned(r).modes?.delay?.roundTripsS;
        if (!Array.isArray(samples) || samples.length < 10 || samples.some((x) => typeof x !== "number")) return `main returned roundTripsS = ${JSON.stringify(samples)?.slice(0, 60)}, expected 20 times in seconds`;
        const series = r.tasksNamed("add").filter((t) => t.worker !== null && !isFourFour(t));
        const windows = series.map((t) => roundTripWindowS(r, t)).filter((w): w is { shortestS: number; longestS: number } => w !== null);
        if (windows.length === 0) return "no add(i, 10) round trip ran on a worker";
        const shortest = median(windows.map((w) => w.shortestS));
        const longest = median(windows.map((w) => w.longestS));
        if (longest < 1e-5) return IDEAL;
        const mine = median(samples as number[]);
        const said = `your median round trip is ${fmt(mine * 1000)} ms; the run's tasks took ${fmt(shortest * 1000)} ms from send to finish and main sent the next ${fmt(longest * 1000)} ms after each`;
        if (mine < shortest * (1 - AGREE)) return `${said}: you stopped the clock before get() returned; a round trip ends when the result is in`;
        if (mine > longest * (1 + AGREE)) return `${said}: time one delay(...).get() per sample, from just before the send`;
        return true;
      },
    },
    {
      id: "modes-cost",
      title: "Your timings show what each mode costs",
      explain:
        "On real Celery (Redis, 2 cores) `apply()` and `run()` cost no broker work at all (they run in the caller); `delay()` publishes (~0.3 ms, M1) and waits for a worker's round trip (~1.7-2.4 ms idle, M2), and the first publish of a process also connects (~12 ms, M1). Time the modes with the worker ready, with Celery's costs on.",
      run: (r) => {
        const m = returned(r).modes ?? {};
        const first = r.tasksNamed("add").find((t) => t.worker !== null && isFourFour(t));
        const started = r.report.events.find((e) => e.type === "worker-online")?.timestamp;
        if (!first || first.sentAt === null || first.finishedAt === null) return "the delay() task did not run";
        if (typeof started === "number" && first.sentAt < started)
          return `delay() was sent at ${fmt(first.sentAt, 3)} s but the worker came online at ${fmt(started, 3)} s: the first round trip (${fmt(first.finishedAt - first.sentAt, 3)} s) measured its start-up. Wait with await worker.ready() before timing`;
        const rt = median((m.delay?.roundTripsS ?? []) as number[]);
        if (!(rt > 1e-4)) return rt === 0 || r.tasksNamed("add").every((t) => t.finishedAt === t.sentAt) ? IDEAL : `no round-trip median to compare (${fmt(rt)})`;
        for (const mode of ["apply", "run"] as const)
          if (!(typeof m[mode]?.tookS === "number" && m[mode].tookS < rt / 10)) return `${mode} took ${fmt(m[mode]?.tookS, 4)} s, expected (almost) nothing next to a delay round trip of ${fmt(rt * 1000)} ms: it runs in the caller, no broker`;
        if (!(typeof m.delay?.tookS === "number" && m.delay.tookS > 3 * rt))
          return `the first delay() took ${fmt((m.delay?.tookS ?? NaN) * 1000)} ms, the later ones ${fmt(rt * 1000)} ms: the first publish of a process connects to the broker (~12 ms on real Celery); was it timed?`;
        return true;
      },
    },
  ],
});
