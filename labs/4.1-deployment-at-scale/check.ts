import { defineChecks, type LabRun } from "../../sim/check/define";
import { fmt, onlineOverTime, queueReadyAt, stateSummary } from "../check-helpers";

/** The HPA's spec in the lab: min 2, max 10, decisions every 15 s, a 30 s scale-down stabilisation window. */
const MIN_REPLICAS = 2;
const MAX_REPLICAS = 10;
const PERIOD_S = 15;
const WINDOW_S = 30;

/** Every change of the io Deployment's size after its initial replicas, from the trace's autoscale events. */
function ioScalings(r: LabRun): { atS: number; from: number; to: number }[] {
  return r.trace
    .filter((e) => e.kind === "autoscale" && (e.data as any)?.target === "deployment/io" && (e.data as any)?.from > 0)
    .map((e) => ({ atS: e.atS, from: Number((e.data as any).from), to: Number((e.data as any).to) }));
}

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
      title: "The HPA scales the io Deployment up for the burst (at least 5 replicas, at most 10), within its scale-up policy",
      explain:
        "Implement `desiredReplicas` (TODO 3): ceil(queue length / 10), clamped to [2, 10], growing by at most max(×2, +4) per 15 s period. 200 queued tasks call for the maximum, reached over two periods.",
      run: (r) => {
        const steps = ioScalings(r);
        for (let i = 1; i < steps.length; i++) {
          const gap = steps[i]!.atS - steps[i - 1]!.atS;
          if (gap < PERIOD_S - 1e-9)
            return `io was scaled at t=${fmt(steps[i - 1]!.atS, 1)} s and again at t=${fmt(steps[i]!.atS, 1)} s: the HPA decides once per ${PERIOD_S} s period, so each decision can see the effect of the last`;
        }
        for (const s of steps) {
          const limit = Math.max(s.from * 2, s.from + 4);
          if (s.to > limit)
            return `io went from ${s.from} to ${s.to} replicas in one decision at t=${fmt(s.atS, 1)} s: the scale-up policy allows at most max(×2, +4) = ${limit} per period`;
        }
        const { max } = onlineOverTime(r, "io-");
        if (max > MAX_REPLICAS) return `${max} io replicas were online at once, above maxReplicas ${MAX_REPLICAS}`;
        return max >= 5 ? true : `at most ${max} io replicas were online at once, expected 5 or more during the burst: desired replicas = ceil(queue length / 10)`;
      },
    },
    {
      id: "hpa-follows-queue",
      title: "Each scale-up follows the queue: ceil(queue length / 10) replicas, within the policy",
      explain:
        "At every 15 s evaluation the HPA wants ceil(io_queue length / 10) replicas, clamped to [2, 10], and may add at most max(×2, +4) per period. Divide the queue by the target per replica only: the target is already an average per replica.",
      run: (r) => {
        const steps = ioScalings(r);
        const first = steps[0];
        if (!first) return "the io Deployment was never scaled";
        const end = r.report.simTime;
        // Evaluations are one period apart from the first decision on (whatever the loop's phase).
        const evals: number[] = [];
        for (let t = first.atS; t <= end + 1e-9; t += PERIOD_S) evals.push(t);
        // The queue as the HPA read it: just before its decision when it made one (the new pods fetch
        // at once); else before or after what else happened at that instant.
        const decisionAt = (t: number) => r.trace.find((e) => e.kind === "autoscale" && (e.data as any)?.target === "deployment/io" && Math.abs(e.atS - t) < 1e-6);
        const lo = queueReadyAt(r, "io_queue", evals.map((t) => ({ atS: t - 1e-6 })));
        const hi = queueReadyAt(r, "io_queue", evals.map((t) => ({ atS: t, before: decisionAt(t)?.i })));
        let size = first.from;
        for (const [k, t] of evals.entries()) {
          const made = steps.find((s) => Math.abs(s.atS - t) < 1e-6);
          const read = made ? [hi[k]!] : [lo[k]!, hi[k]!];
          const want = read.map((q) => Math.min(Math.max(size * 2, size + 4), Math.min(MAX_REPLICAS, Math.max(MIN_REPLICAS, Math.ceil(q / 10)))));
          const to = made?.to ?? size;
          // Only scale-ups are graded here (scale-downs are the stabilisation window's business).
          if (want.every((w) => w > size) && !want.includes(to))
            return `at t=${fmt(t, 1)} s io_queue held ${read[0]} messages, which calls for ${want[0]} replicas (ceil(${read[0]} / 10), within the policy), but io went from ${size} to ${to}`;
          if (made) size = made.to;
        }
        return true;
      },
    },
    {
      id: "hpa-stabilised",
      title: "Every scale-down waits out the 30 s stabilisation window",
      explain:
        "The HPA scales down only to the highest recommendation of the last 30 s (`behavior.scaleDown.stabilizationWindowSeconds`). One evaluation with an empty queue, right after the burst called for more replicas, must not remove them: the next burst would need them back.",
      run: (r) => {
        const steps = ioScalings(r);
        const downs = steps.filter((s) => s.to < s.from);
        if (downs.length === 0) return "the io Deployment never scaled down";
        for (const d of downs) {
          const recentUp = steps.find((u) => u.to > u.from && u.to > d.to && u.atS < d.atS && d.atS - u.atS < WINDOW_S - 1e-9);
          if (recentUp)
            return `io scaled down from ${d.from} to ${d.to} replicas at t=${fmt(d.atS, 1)} s, only ${fmt(d.atS - recentUp.atS, 1)} s after the HPA scaled it up to ${recentUp.to} (t=${fmt(recentUp.atS, 1)} s): without the ${WINDOW_S} s stabilisation window a brief lull removes replicas`;
        }
        return true;
      },
    },
    {
      id: "hpa-scales-down",
      title: "After the burst the io Deployment scales back to 2 replicas",
      explain:
        "When the queue is empty the recommendation drops to minReplicas; after the 30 s stabilization window the HPA removes the extra replicas. Two io workers should be online at the end, and never fewer than two before that.",
      run: (r) => {
        const online = r.report.workers.filter((w) => w.hostname.startsWith("io-") && w.status === "online").length;
        // The size the HPA asked for (a killed pod sends no worker-offline, so count decisions).
        const min = Math.min(MIN_REPLICAS, ...ioScalings(r).map((s) => s.to));
        if (min < MIN_REPLICAS) return `the io Deployment dropped to ${min} replicas, below minReplicas ${MIN_REPLICAS}: clamp the desired count to [min, max]`;
        if (online === 2) return true;
        const downs = ioScalings(r).filter((s) => s.to < s.from);
        return downs.length === 0
          ? `${online} io replicas were online at the end and the HPA never scaled io down after the burst: once the last ${WINDOW_S} s (stabilizationWindowS, in seconds) of recommendations are all lower, scale down to the highest of them`
          : `${online} io replicas were online at the end, expected 2`;
      },
    },
    {
      id: "nothing-lost",
      title: "No task is lost when the scale-down kills busy replicas",
      explain:
        "Removed replicas get 3 s to finish (SIGTERM), then are killed (SIGKILL) with 6 s tasks still running. With early acks those messages were already acknowledged and the tasks are lost. With `taskAcksLate: true` (TODO 4) RabbitMQ redelivers them to a remaining replica. Tasks that may run twice must be idempotent.",
      run: (r) => {
        const notDone = r.report.tasks.filter((t) => t.state !== "SUCCESS");
        if (r.report.stats.lost > 0)
          return `${r.report.stats.lost} tasks were lost (${stateSummary(notDone)} not finished): their messages were acknowledged when they started (early acks), so killing the replica lost them`;
        return notDone.length === 0 ? true : `${notDone.length} tasks did not succeed: ${stateSummary(notDone)}`;
      },
    },
  ],
});
