import { defineChecks } from "../../sim/check/define";
import { fmt, makespanS, mostHeldBeyond, stateSummary } from "../check-helpers";

export default defineChecks({
  seed: 1,
  untilS: 60,
  checks: [
    {
      id: "holds-what-it-runs",
      title: "No worker holds more tasks than it can run (its concurrency)",
      explain:
        "A task a worker has reserved but cannot start waits behind the ones it runs, even when another worker is idle: head-of-line blocking. With `workerPrefetchMultiplier: 1` a worker reserves one message per process, and with `taskAcksLate: true` a running task's message still counts against that window, so a worker never holds more than it runs. Every worker needs both.",
      run: (r) => {
        const h = mostHeldBeyond(r);
        if (h.held <= h.concurrency) return true;
        const w = r.report.workers.find((x) => x.hostname === h.worker);
        const multiplier = w && w.concurrency > 0 ? w.prefetchCount / w.concurrency : null;
        // The worker's window says which half is missing, and where a learner may have put it.
        const why =
          multiplier === null
            ? ""
            : multiplier === 0
              ? "; its prefetch multiplier was 0, which Celery reads as no limit at all"
              : multiplier > 1
                ? `; its prefetch multiplier was still ${multiplier} (a window of ${w!.prefetchCount}): set workerPrefetchMultiplier: 1 at the module's top level (set in main(), it stays in the client: a worker imports the module and never runs main)`
                : "; its prefetch multiplier was 1, but with early acks a running task's message stops counting against the window: that needs taskAcksLate: true, at the module's top level";
        return `${h.worker} held ${h.held} tasks at once at t=${fmt(h.atS, 2)} s (at most ${h.concurrency} running, ${h.held - h.concurrency} reserved behind them): the reserved ones wait in its prefetch buffer behind long tasks (head of line) while another worker may be idle${why}`;
      },
    },
    {
      id: "all-done",
      title: "All 24 tasks succeed",
      explain: "Whatever you change, every task must still run once and succeed.",
      run: (r) => {
        const tasks = r.tasksNamed("work");
        return tasks.length === 24 && tasks.every((t) => t.state === "SUCCESS") ? true : `work: ${stateSummary(tasks)}, expected 24 SUCCESS`;
      },
    },
    {
      id: "makespan",
      title: "The batch finishes within 4.5 s (ideal 3.5 s)",
      explain:
        "With `workerPrefetchMultiplier: 4`, each worker reserves up to 8 messages beyond the 2 it runs. The messages are handed out alternately, so one worker can end up holding all four 3 s tasks and the short ones queued behind them, while the other worker runs out of work. Set the multiplier to 1, and `taskAcksLate: true` so a running task's message counts against the prefetch window too.",
      run: (r) => {
        const span = makespanS(r.tasksNamed("work"));
        if (span === null) return "the batch did not finish";
        return span <= 4.5 ? true : `the batch took ${fmt(span)} s`;
      },
    },
    {
      id: "short-not-blocked",
      title: "No short task waits behind a long one: all finish within 4 s",
      explain:
        "Head-of-line blocking: a 0.1 s task reserved by a worker busy with two 3 s tasks waits until one finishes, even if the other worker is idle. Measured on real Celery with ×4: a short task finished at 6.3 s while the other worker was idle from 0.73 s.",
      run: (r) => {
        const tasks = r.tasksNamed("work");
        const t0 = Math.min(...tasks.map((t) => t.sentAt ?? Infinity));
        const late = tasks.filter((t) => t.args[1] !== 3 && (t.finishedAt ?? Infinity) - t0 > 4);
        if (late.length === 0) return true;
        const worst = late.reduce((a, b) => ((a.finishedAt ?? 0) > (b.finishedAt ?? 0) ? a : b));
        return `${late.length} short tasks finished after 4 s; task #${worst.args[0]} on ${worst.worker} at ${fmt((worst.finishedAt ?? 0) - t0)} s`;
      },
    },
  ],
});
