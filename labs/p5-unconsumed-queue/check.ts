import { defineChecks } from "../../sim/check/define";
import { returned, stateSummary } from "../check-helpers";

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
        "Implement `unconsumedQueues(routes, workers)` (TODO 2): the route queues, each once and sorted, that no worker's `queues` contains. On the sample config it must report [\"reports\"], and on your fixed config nothing.",
      run: (r) => {
        const lint = returned(r).lint;
        const orphans = returned(r).orphans;
        if (JSON.stringify(lint) !== JSON.stringify(["reports"])) return `the guard reported ${JSON.stringify(lint)} for the sample config, expected ["reports"]: it must list the queues routes send to (each route's \`queue\`, not the task names) that no worker's \`queues\` contains`;
        return JSON.stringify(orphans) === "[]" ? true : `your config still routes to unconsumed queues: ${JSON.stringify(orphans)}`;
      },
    },
  ],
});
