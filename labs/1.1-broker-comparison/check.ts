import { defineChecks, type LabRun } from "../../sim/check/define";
import type { TaskView } from "../../sim/engine/types";
import { fmt, near, NO_COST_TPS, returned, stateSummary, tasksPerS } from "../check-helpers";

function ran(r: LabRun, label: string): { sent: number; ok: number; summary: string } {
  const tasks = r.tasksNamed(`${label}.simple_task`);
  return { sent: tasks.length, ok: tasks.filter((t) => t.state === "SUCCESS").length, summary: stateSummary(tasks) };
}

/** main's driver queues 11 to 20 messages per broker (drawn per seed), so that a count must be read, not known. */
const QUEUED_MIN = 11;
const QUEUED_MAX = 20;

/** `why`: what decides the outcome, said when it is wrong. */
function expectRan(label: string, expected: "all" | "none", why: string) {
  return (r: LabRun) => {
    const { sent, ok, summary } = ran(r, label);
    if (sent < QUEUED_MIN || sent > QUEUED_MAX)
      return `${sent} ${label}.simple_task messages were sent, expected between ${QUEUED_MIN} and ${QUEUED_MAX}: keep main's driver, which draws the count per seed`;
    const want = expected === "all" ? sent : 0;
    return ok === want ? true : `${ok} of ${sent} ${label} tasks ran after the restart (${summary}), expected ${want}: ${why}`;
  };
}

/**
 * How far the learner's figures may be from the run's own. It is the same simulated clock, so the
 * reference solution agrees to the last digit (measured: ratio 1.00000 on every graded seed, TypeScript
 * and Python); 0.25 % leaves room for rounding to whole tasks/s and a clock started a few milliseconds
 * early, and none for a figure copied from the README or typed in.
 */
const AGREE = 0.0025;

const IDEAL = `Celery's own work took no time in this run: remove costs: "ideal" from new Celery(...), this lab measures what Celery's overheads cost`;

/**
 * The learner's get() loop ends after the batch's last task finished and before main's next step: the
 * next task it sent, or the end of the run. Fetching a result costs the client ~1.5 ms (M6), so the
 * rate main sees lies in that window, not at the tasks' own finish times.
 */
function getLoopWindow(r: LabRun, tasks: TaskView[]): { fastest: number; slowest: number } | null {
  const fastest = tasksPerS(tasks, "sent");
  if (fastest === null || tasks.length === 0) return null;
  const firstSent = Math.min(...tasks.map((t) => t.sentAt!));
  const lastSent = Math.max(...tasks.map((t) => t.sentAt!));
  const later = r.report.tasks.filter((t) => t.sentAt !== null && t.sentAt > lastSent).map((t) => t.sentAt!);
  const nextStepS = later.length > 0 ? Math.min(...later) : r.report.simTime;
  return { fastest, slowest: tasks.length / Math.max(nextStepS - firstSent, 1e-9) };
}

/**
 * With results and `get()` on each: main's own rate, from the batch's first send to main's next step
 * (the next send, or the end of the run), which is where testThroughput returned.
 */
function throughputCheck(key: "redis" | "rabbitmq", label: string) {
  return (r: LabRun) => {
    const tasks = r.tasksNamed(`${label}.noop`);
    const measured = returned(r).throughput?.[key];
    const window = getLoopWindow(r, tasks);
    if (window === null) return `the ${label}.noop batch did not run to completion`;
    if (window.fastest > NO_COST_TPS) return IDEAL;
    if (typeof measured !== "number" || !(measured > 0)) return `main returned throughput.${key} = ${fmt(measured)}, expected a rate in tasks/s`;
    if (measured <= window.slowest * (1 + AGREE) && measured >= window.slowest * (1 - AGREE)) return true;
    const loopS = tasks.length / window.slowest;
    const said = `you reported ${fmt(measured, 0)} tasks/s, but main sent the ${tasks.length} tasks and moved on ${fmt(loopS, 3)} s later: ${fmt(window.slowest, 0)} tasks/s`;
    if (measured > window.fastest * (1 + AGREE)) return `${said}, and the last task finished at ${fmt(window.fastest, 0)} tasks/s: stop the clock when every result is in (await each get()), not when the sends return`;
    if (measured > window.slowest)
      return `${said}: return the rate your own clock measured, numTasks / (now() - start) from before the first send to just after the last get() returns, and return it at once (the check reads the clock up to main's next step); a figure from elsewhere lands here too (the README's ~575 is real Celery's)`;
    return measured * 100 < window.slowest ? `${said}: divide by simulated seconds (now() is in seconds, not milliseconds)` : `${said}: time only the batch, from before the first send to the last result`;
  };
}

/** The backlog of fire-and-forget no-ops: the worker's rate from its first start to its last finish. */
function drainCheck(key: "redis" | "rabbitmq", label: string) {
  return (r: LabRun) => {
    const tasks = r.tasksNamed(`${label}.noop_no_result`);
    const measured = returned(r).drain?.[key];
    const actual = tasksPerS(tasks, "started");
    if (actual === null) return `the ${label}.noop_no_result backlog did not run to completion`;
    if (actual > NO_COST_TPS) return IDEAL;
    if (typeof measured !== "number" || !(measured > 0)) return `main returned drain.${key} = ${fmt(measured)}, expected a rate in tasks/s`;
    if (near(measured, actual, AGREE)) return true;
    const said = `you reported ${fmt(measured, 0)} tasks/s, but ${label}'s worker ran ${tasks.length} tasks at ${fmt(actual, 0)} tasks/s (first start to last finish)`;
    const fromSend = tasksPerS(tasks, "sent");
    if (fromSend !== null && near(measured, fromSend, AGREE))
      return `${said}: you timed from the sends, so the worker's start-up is in your figure; time from the first task's start to the last task's finish`;
    return `${said}: compute it from the run, the backlog over the seconds from the first task-started to the last task-succeeded (firstStartS and lastEndS), not a figure from elsewhere`;
  };
}

export default defineChecks({
  seed: 1,
  untilS: 180,
  checks: [
    {
      id: "control-loses-messages",
      title: "Redis without persistence loses all its queued messages",
      explain:
        "The control keeps nothing on disk (`persistence: \"none\"`, like `--save \"\" --appendonly no`). When it stops, its queue is gone. Leave redis_none as it is: it is the baseline the other three are compared with.",
      run: expectRan("redis_none", "none", "the control must keep nothing on disk (persistence \"none\")"),
    },
    {
      id: "redis-aof-survives",
      title: "Redis with an append-only file keeps all its queued messages",
      explain:
        "A Redis broker only keeps queued tasks across a restart if the server persists them. Set `persistence: \"aof\"` for redis_aof (TODO 1): every write goes to the append-only file, so all the queued messages are there after the restart and run once a worker starts.",
      run: expectRan("redis_aof", "all", "Redis keeps queued messages across a restart only when it persists them (an append-only file)"),
    },
    {
      id: "rabbit-durable-survives",
      title: "RabbitMQ with Celery's defaults keeps all its queued messages",
      explain:
        "Celery declares the `celery` queue durable and publishes persistent messages (delivery_mode 2), so RabbitMQ writes them to disk. Keep rabbit_durable on `deliveryMode: \"persistent\"`.",
      run: expectRan("rabbit_durable", "all", "RabbitMQ writes a message to disk only when it is persistent (deliveryMode \"persistent\", Celery's default)"),
    },
    {
      id: "rabbit-transient-lost",
      title: "RabbitMQ with transient messages loses them (the queue itself survives)",
      explain:
        "Set `deliveryMode: \"transient\"` for rabbit_transient (TODO 2): Celery's `task_default_delivery_mode = 'transient'`. The durable queue is still there after the restart, but the messages in it were not persistent, so it comes back empty.",
      run: expectRan("rabbit_transient", "none", "transient messages (deliveryMode \"transient\") are not written to disk, so they do not survive"),
    },
    {
      id: "survivors-reported",
      title: "Your monitoring code reports how many messages survived each restart",
      explain:
        "After `restart()`, read `await lab.app.broker.queueLength(\"celery\")` and store it in `survived[label]` (TODO 3). The numbers must match what then ran: none, all, all and none of the messages queued (main queues 11 to 20 per broker, the seed decides).",
      run: (r) => {
        const survived = returned(r).survived ?? {};
        const wrong: string[] = [];
        for (const label of ["redis_none", "redis_aof", "rabbit_durable", "rabbit_transient"]) {
          const { ok } = ran(r, label);
          if (survived[label] !== ok) wrong.push(`${label}: reported ${fmt(survived[label], 0)}, ${ok} ran`);
        }
        return wrong.length === 0
          ? true
          : `survivor counts do not match the run (${wrong.join("; ")}): main queues 11 to 20 messages per broker, the seed decides, so read the queue length (queueLength("celery")) after the restart, before any worker starts`;
      },
    },
    {
      id: "drain-redis",
      title: "You measured how fast Redis's worker drains a backlog",
      explain:
        "Queue 1000 fire-and-forget no-ops (ignoreResult) while no worker runs, start the worker, and divide 1000 by the seconds from the first task's start to the last one's finish (TODO 5). It is the run's own clock, so the figure must agree with the run within 0.25 %: compute it, do not type it in.",
      run: drainCheck("redis", "redis_aof"),
    },
    {
      id: "drain-rabbitmq",
      title: "You measured how fast RabbitMQ's worker drains a backlog",
      explain: "The same measurement as for Redis, through the rabbit_durable app.",
      run: drainCheck("rabbitmq", "rabbit_durable"),
    },
    {
      id: "throughput-redis",
      title: "You measured Redis's throughput with results",
      explain:
        "In `testThroughput` (TODO 4), note `now()`, send the 1000 no-ops with `delay`, `await` every `get()`, and divide the count by the elapsed simulated seconds. The figure must agree within 0.25 % with the run: from the batch's first send to the moment main moved on.",
      run: throughputCheck("redis", "redis_aof"),
    },
    {
      id: "throughput-rabbitmq",
      title: "You measured RabbitMQ's throughput with results",
      explain: "The same measurement as for Redis, through the rabbit_durable app.",
      run: throughputCheck("rabbitmq", "rabbit_durable"),
    },
    {
      id: "lesson-brokers-and-results",
      title: "Your figures show the lesson: RabbitMQ drains faster, and get() on every result holds both brokers to the client's pace",
      explain:
        "A worker drains no-ops faster from RabbitMQ than from Redis: here ~1290 against ~870 tasks/s (1.5x; the check wants at least 1.4x), on real Celery ~2350 against ~1135 (M3). A client that waits for every result with get() is held to its own pace, ~560 tasks/s here from either broker, ~575 on real Celery (M6). With Celery's costs on, your four figures show the same.",
      run: (r) => {
        const redisDrain = tasksPerS(r.tasksNamed("redis_aof.noop_no_result"), "started");
        const rabbitDrain = tasksPerS(r.tasksNamed("rabbit_durable.noop_no_result"), "started");
        if (redisDrain === null || rabbitDrain === null) return "a backlog did not run to completion";
        if (Math.max(redisDrain, rabbitDrain) > NO_COST_TPS) return IDEAL;
        // main's get() figures, which the checks above hold to the run.
        const redisGet = Number(returned(r).throughput?.redis);
        const rabbitGet = Number(returned(r).throughput?.rabbitmq);
        const shown = `drain Redis ${fmt(redisDrain, 0)}, RabbitMQ ${fmt(rabbitDrain, 0)}; with get() Redis ${fmt(redisGet, 0)}, RabbitMQ ${fmt(rabbitGet, 0)} tasks/s`;
        if (rabbitDrain < 1.4 * redisDrain) return `${shown}: RabbitMQ's worker should drain at least 1.4x Redis's (push delivery vs polling): are the costs on, and did each worker drain its own backlog?`;
        if (!(redisGet < 0.7 * redisDrain && rabbitGet < 0.7 * rabbitDrain)) {
          const grouped = ["redis_aof", "rabbit_durable"].some((l) => {
            const ts = r.tasksNamed(`${l}.noop`);
            return ts.length > 0 && ts.every((t) => t.groupId !== null);
          });
          if (grouped)
            return `${shown}: your with-results batch was sent as a group and collected with the group's get(), which joins the results in bulk (Celery's join_native) instead of one get() per result, so the client's cost per result is not in your figure. That is a good answer to discussion question 5, but this lab measures the plain client (M6: ~575 tasks/s): send the tasks with delay() and await each result's get()`;
          return `${shown}: with get() on every result the rate should be well below the drain rate; did main fetch each result with get()? (Polling ready() does not fetch them)`;
        }
        if (!near(redisGet, rabbitGet, 0.2)) return `${shown}: with get() on every result both brokers should be held to the client's pace (within 20% of each other)`;
        return true;
      },
    },
  ],
});
