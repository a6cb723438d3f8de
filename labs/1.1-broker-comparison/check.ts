import { defineChecks, type LabRun } from "../../sim/check/define";
import { fmt, makespanS, near, returned, stateSummary } from "../check-helpers";

function ran(r: LabRun, label: string): { sent: number; ok: number; summary: string } {
  const tasks = r.tasksNamed(`${label}.simple_task`);
  return { sent: tasks.length, ok: tasks.filter((t) => t.state === "SUCCESS").length, summary: stateSummary(tasks) };
}

/** `why`: what decides the outcome, said when it is wrong. */
function expectRan(label: string, expected: number, why: string) {
  return (r: LabRun) => {
    const { sent, ok, summary } = ran(r, label);
    if (sent !== 10) return `${sent} ${label}.simple_task messages were sent, expected 10`;
    return ok === expected ? true : `${ok} of 10 ${label} tasks ran after the restart (${summary}), expected ${expected}: ${why}`;
  };
}

/** Tasks per second through `label`'s broker as the report shows it. */
function reportRate(r: LabRun, label: string): number | null {
  const tasks = r.tasksNamed(`${label}.cpu_bound_task`);
  const span = makespanS(tasks);
  return span && span > 0 ? tasks.length / span : null;
}

function throughputCheck(key: "redis" | "rabbitmq", label: string) {
  return (r: LabRun) => {
    const measured = returned(r).throughput?.[key];
    const actual = reportRate(r, label);
    if (actual === null) return `the ${label}.cpu_bound_task batch did not run to completion`;
    if (typeof measured !== "number" || !(measured > 0)) return `main returned throughput.${key} = ${fmt(measured)}, expected a rate in tasks/s`;
    if (near(measured, actual, 0.3)) return true;
    const said = `you measured ${fmt(measured)} tasks/s, but the run shows ${fmt(actual)} tasks/s (${r.tasksNamed(`${label}.cpu_bound_task`).length} tasks from first send to last finish)`;
    if (measured > actual) return `${said}: stop the clock when every result is in (await each get()), not when the sends return`;
    return measured * 100 < actual ? `${said}: divide by simulated seconds (now() is in seconds, not milliseconds)` : `${said}: time only the batch, from before the first send to the last result`;
  };
}

export default defineChecks({
  seed: 1,
  untilS: 180,
  checks: [
    {
      id: "control-loses-messages",
      title: "Redis without persistence loses all 10 queued messages",
      explain:
        "The control keeps nothing on disk (`persistence: \"none\"`, like `--save \"\" --appendonly no`). When it stops, its queue is gone. Leave redis_none as it is: it is the baseline the other three are compared with.",
      run: expectRan("redis_none", 0, "the control must keep nothing on disk (persistence \"none\")"),
    },
    {
      id: "redis-aof-survives",
      title: "Redis with an append-only file keeps all 10 messages",
      explain:
        "A Redis broker only keeps queued tasks across a restart if the server persists them. Set `persistence: \"aof\"` for redis_aof (TODO 1): every write goes to the append-only file, so all 10 messages are there after the restart and run once a worker starts.",
      run: expectRan("redis_aof", 10, "Redis keeps queued messages across a restart only when it persists them (an append-only file)"),
    },
    {
      id: "rabbit-durable-survives",
      title: "RabbitMQ with Celery's defaults keeps all 10 messages",
      explain:
        "Celery declares the `celery` queue durable and publishes persistent messages (delivery_mode 2), so RabbitMQ writes them to disk. Keep rabbit_durable on `deliveryMode: \"persistent\"`.",
      run: expectRan("rabbit_durable", 10, "RabbitMQ writes a message to disk only when it is persistent (deliveryMode \"persistent\", Celery's default)"),
    },
    {
      id: "rabbit-transient-lost",
      title: "RabbitMQ with transient messages loses them (the queue itself survives)",
      explain:
        "Set `deliveryMode: \"transient\"` for rabbit_transient (TODO 2): Celery's `task_default_delivery_mode = 'transient'`. The durable queue is still there after the restart, but the messages in it were not persistent, so it comes back empty.",
      run: expectRan("rabbit_transient", 0, "transient messages (deliveryMode \"transient\") are not written to disk, so they do not survive"),
    },
    {
      id: "survivors-reported",
      title: "Your monitoring code reports how many messages survived each restart",
      explain:
        "After `restart()`, read `await lab.app.broker.queueLength(\"celery\")` and store it in `survived[label]` (TODO 3). The numbers must match what then ran: 0, 10, 10, 0 for the four configurations.",
      run: (r) => {
        const survived = returned(r).survived ?? {};
        const wrong: string[] = [];
        for (const label of ["redis_none", "redis_aof", "rabbit_durable", "rabbit_transient"]) {
          const { ok } = ran(r, label);
          if (survived[label] !== ok) wrong.push(`${label}: reported ${fmt(survived[label], 0)}, ${ok} ran`);
        }
        return wrong.length === 0
          ? true
          : `survivor counts do not match the run (${wrong.join("; ")}): read the queue length after the restart, before any worker starts`;
      },
    },
    {
      id: "throughput-redis",
      title: "You measured Redis's throughput",
      explain:
        "In `testThroughput` (TODO 4), note `now()`, send the 200 tasks with `delay`, `await` every `get()`, and divide the count by the elapsed simulated seconds. The figure must agree (within 30%) with the batch's first send and last finish in the run.",
      run: throughputCheck("redis", "redis_aof"),
    },
    {
      id: "throughput-rabbitmq",
      title: "You measured RabbitMQ's throughput",
      explain: "The same measurement as for Redis, through the rabbit_durable app.",
      run: throughputCheck("rabbitmq", "rabbit_durable"),
    },
  ],
});
