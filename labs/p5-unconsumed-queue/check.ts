import { defineChecks } from "../../sim/check/define";
import { returned, stateSummary } from "../check-helpers";

interface GuardCase {
  routes: Record<string, { queue: string }>;
  workers: { queues: string[] }[];
  found: unknown;
}

function isGuardCase(c: unknown): c is GuardCase {
  const g = c as GuardCase;
  return (
    !!g && typeof g.routes === "object" && g.routes !== null && Object.values(g.routes).every((v) => typeof v?.queue === "string") &&
    Array.isArray(g.workers) && g.workers.every((w) => Array.isArray(w?.queues))
  );
}

/** The driver's first trial: routes out of order with one queue twice, no workers. */
function isFirstTrial(c: GuardCase): boolean {
  return JSON.stringify(Object.values(c.routes).map((v) => v.queue)) === JSON.stringify(["search", "reports", "billing", "reports"]) && c.workers.length === 0;
}

/** What the guard got wrong on one config, in words, or null when it answered right. */
function guardProblem(c: GuardCase): string | null {
  const consumed = new Set(c.workers.flatMap((w) => w.queues));
  const routed = Object.values(c.routes).map((v) => v.queue);
  const want = [...new Set(routed)].filter((q) => !consumed.has(q)).sort();
  const got = c.found;
  if (JSON.stringify(got) === JSON.stringify(want)) return null;
  const on = `on routes ${JSON.stringify(Object.fromEntries(Object.entries(c.routes).map(([t, v]) => [t, v.queue])))} with workers consuming ${JSON.stringify(c.workers.map((w) => w.queues))}, the guard reported ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
  if (!Array.isArray(got)) return `${on}: it must return a list of queue names`;
  const list = got.map(String);
  const tasks = list.filter((q) => q in c.routes);
  if (tasks.length) return `${on}: ${tasks[0]} is a task name; report each route's \`queue\`, not the task names`;
  const consumedReported = list.filter((q) => consumed.has(q));
  if (consumedReported.length) return `${on}: ${consumedReported[0]} is consumed by a worker of this config; read the \`workers\` argument (every worker's \`queues\`), not the lab's own workers or a fixed list`;
  const notRouted = list.filter((q) => !routed.includes(q));
  if (notRouted.length) return `${on}: no route sends to ${notRouted[0]}; report the queues the routes send to (each route's \`queue\`) that no worker consumes`;
  const missed = want.filter((q) => !list.includes(q));
  const labConsumes = missed.length && missed.every((q) => q === "billing" || q === "celery") ? missed[0] : undefined;
  if (labConsumes) return `${on}: it missed ${labConsumes}, which a route sends to and no worker of this config consumes (the lab's own workers do); read the \`workers\` argument, every worker's \`queues\`, not a fixed list of consumed queues`;
  if (missed.length) return `${on}: it missed ${missed[0]}, which a route sends to and no worker consumes; work it out from the \`routes\` and \`workers\` arguments, not from the sample config`;
  if (new Set(list).size !== list.length) return `${on}: it reports a queue once per route that sends to it; report each queue once`;
  return `${on}: the same queues, not sorted; sort the result`;
}

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "invoices-sent",
      title: "All 10 invoices are sent",
      explain:
        "`taskRoutes` sends send_invoice to the `billing` queue, but the only worker consumes `celery`. The messages wait in Redis forever, the tasks stay PENDING, and nothing reports an error. Give `billing` a consumer (TODO 1): a worker with `queues: [\"celery\", \"billing\"]`, or a dedicated billing worker.",
      run: (r) => {
        const tasks = r.tasksNamed("send_invoice");
        const ok = tasks.filter((t) => t.state === "SUCCESS").length;
        return tasks.length === 10 && ok === 10 ? true : `send_invoice: ${stateSummary(tasks)}, expected 10 SUCCESS`;
      },
    },
    {
      id: "invoices-on-billing",
      title: "Invoices still go through the billing queue",
      explain:
        "The fix is a consumer for `billing`, not removing the route: billing work keeps its own queue (and can get its own workers, limits and priorities).",
      run: (r) => {
        const off = r.tasksNamed("send_invoice").filter((t) => t.queue !== "billing");
        return off.length === 0 ? true : `${off.length} send_invoice tasks went to queue ${off[0]!.queue}, not billing: the route to billing was dropped instead of giving billing a consumer`;
      },
    },
    {
      id: "no-backlog",
      title: "No queue is left with messages",
      explain: "At the end of the run every queue is empty: check the queues view, or `app.broker.queueLength(\"billing\")`.",
      run: (r) => {
        const full = r.report.queues.filter((q) => q.depth > 0);
        // Which queues some worker consumed, from the workers' own queue lists.
        const consumed = new Set(r.report.workers.flatMap((w) => w.queues));
        return full.length === 0
          ? true
          : full.map((q) => `${q.name} still holds ${q.depth} messages${consumed.has(q.name) ? "" : ": no worker consumes it"}`).join("; ");
      },
    },
    {
      id: "guard",
      title: "The deploy-time guard finds queues nobody consumes",
      explain:
        "Implement `unconsumedQueues(routes, workers)` (TODO 2): the queues routes send to (each route's `queue`) that no worker's `queues` contains, each once and sorted. main tries it on the sample config (it must report [\"reports\"]), on your fixed config (nothing), and on twelve configs made up afresh on every run, so it must work it out from its arguments.",
      run: (r) => {
        const lint = returned(r).lint;
        const orphans = returned(r).orphans;
        if (JSON.stringify(lint) !== JSON.stringify(["reports"])) return `the guard reported ${JSON.stringify(lint)} for the sample config, expected ["reports"]: it must list the queues routes send to (each route's \`queue\`, not the task names) that no worker's \`queues\` contains`;
        const cases = returned(r).guardCases;
        if (!Array.isArray(cases) || cases.length < 12 || !cases.every(isGuardCase) || !cases.some(isFirstTrial))
          return `main did not return the guard's answers on the twelve made-up configs (guardCases): keep main's driver as it is (did the guard throw on one of them?)`;
        for (const c of cases) {
          const problem = guardProblem(c);
          if (problem) return problem;
        }
        return JSON.stringify(orphans) === "[]" ? true : `your config still routes to unconsumed queues: ${JSON.stringify(orphans)}`;
      },
    },
  ],
});
