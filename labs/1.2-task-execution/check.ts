import { defineChecks } from "../../sim/check/define";
import { fmt, returned, storedStates } from "../check-helpers";

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
        const viaWorker = r.tasksNamed("add").filter((t) => t.worker !== null);
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
        "`apply` returns an EagerResult computed on the spot: no message, no worker (its task shows as eager). `delay` only publishes a message and returns; a worker picks it up and runs it, and `get()` waits for that. In Celery the difference costs real time on a network; here the broker hop is instant, so look at where each ran instead of how long it took.",
      run: (r) => {
        const adds = r.tasksNamed("add");
        const eager = adds.filter((t) => t.eager);
        const viaWorker = adds.filter((t) => !t.eager && t.worker !== null);
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
        if (started < 0) return `stored states were ${states.join(" → ") || "none"}: no STARTED (Celery stores it only with taskTrackStarted: true)`;
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
  ],
});
