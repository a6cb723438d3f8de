import { defineChecks } from "../../sim/check/define";
import { fmt, onlineOverTime, stateSummary } from "../check-helpers";

const ROUTES: Record<string, { queue: string; deployment: string }> = {
  "app.tasks.cpu_intensive": { queue: "cpu_queue", deployment: "cpu-" },
  "app.tasks.io_intensive": { queue: "io_queue", deployment: "io-" },
  "app.tasks.urgent": { queue: "urgent_queue", deployment: "urgent-" },
};

export default defineChecks({
  seed: 1,
  untilS: 420,
  checks: [
    {
      id: "routes",
      title: "Each kind of task goes to its own queue and its own Deployment",
      explain:
        "Set `taskRoutes` (TODO 1), e.g. `\"app.tasks.cpu_intensive\": { queue: \"cpu_queue\" }`, and give each Deployment `queues: [\"cpu_queue\"]` and so on (TODO 2). Then a flood of I/O work cannot delay CPU or urgent work.",
      run: (r) => {
        for (const [name, want] of Object.entries(ROUTES)) {
          const tasks = r.tasksNamed(name);
          if (tasks.length === 0) return `no ${name} tasks were sent`;
          const offQueue = tasks.filter((t) => t.queue !== want.queue);
          if (offQueue.length) return `${offQueue.length} ${name} tasks went to queue ${offQueue[0]!.queue}, expected ${want.queue}`;
          const offWorker = tasks.filter((t) => t.worker !== null && !t.worker.startsWith(want.deployment));
          if (offWorker.length) return `${name} ran on ${offWorker[0]!.worker}, expected a ${want.deployment}* replica`;
        }
        return true;
      },
    },
    {
      id: "urgent-latency",
      title: "Urgent tasks start within 1 s of being sent, even during the burst",
      explain:
        "With everything in one queue, an urgent task waits behind 200 I/O tasks. On its own queue with its own replica, it starts at once.",
      run: (r) => {
        const waits = r.tasksNamed("app.tasks.urgent").map((t) => (t.startedAt ?? Infinity) - (t.sentAt ?? 0));
        if (waits.length === 0) return "no urgent tasks were sent";
        const worst = Math.max(...waits);
        return worst <= 1 ? true : `the slowest urgent task waited ${fmt(worst)} s before starting`;
      },
    },
    {
      id: "hpa-scales-up",
      title: "The HPA scales the io Deployment up for the burst (at least 5 replicas, at most 10)",
      explain:
        "Implement `desiredReplicas` (TODO 3): ceil(queue length / 10), clamped to [2, 10], growing by at most max(×2, +4) per 15 s period. 200 queued tasks call for the maximum.",
      run: (r) => {
        const { max } = onlineOverTime(r, "io-");
        if (max > 10) return `${max} io replicas were online at once, above maxReplicas 10`;
        return max >= 5 ? true : `at most ${max} io replicas were online at once, expected 5 or more during the burst`;
      },
    },
    {
      id: "hpa-scales-down",
      title: "After the burst the io Deployment scales back to 2 replicas",
      explain:
        "When the queue is empty the recommendation drops to minReplicas; after the 30 s stabilization window the HPA removes the extra replicas. Two io workers should be online at the end, and never fewer than two before that.",
      run: (r) => {
        const online = r.report.workers.filter((w) => w.hostname.startsWith("io-") && w.status === "online").length;
        const { min } = onlineOverTime(r, "io-");
        if (min < 2) return `the io Deployment dropped to ${min} replicas`;
        return online === 2 ? true : `${online} io replicas were online at the end, expected 2`;
      },
    },
    {
      id: "nothing-lost",
      title: "No task is lost when the scale-down kills busy replicas",
      explain:
        "Removed replicas get 3 s to finish (SIGTERM), then are killed (SIGKILL) with 6 s tasks still running. With early acks those messages were already acknowledged and the tasks are lost. With `taskAcksLate: true` (TODO 4) RabbitMQ redelivers them to a remaining replica. Tasks that may run twice must be idempotent.",
      run: (r) => {
        const notDone = r.report.tasks.filter((t) => t.state !== "SUCCESS");
        if (r.report.stats.lost > 0) return `${r.report.stats.lost} tasks were lost (${stateSummary(notDone)} not finished)`;
        return notDone.length === 0 ? true : `${notDone.length} tasks did not succeed: ${stateSummary(notDone)}`;
      },
    },
  ],
});
