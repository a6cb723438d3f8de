import { defineChecks } from "../../sim/check/define";
import { chordBodyProblem, fmt, makespanS, returned, stateSummary, waitedOnChildrenProblem } from "../check-helpers";

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "no-task-waits",
      title: "No task waits for another task's result",
      explain:
        "A task that sends subtasks and then waits for them holds a worker slot doing nothing; with every slot held that way, the subtasks can never start (a deadlock). Raising concurrency only hides it. Send the whole report as a workflow from main, and let the worker that finishes the last fetch start summarize.",
      run: (r) => waitedOnChildrenProblem(r) ?? true,
    },
    {
      id: "reports-built",
      title: "Both reports are built: totals 150 and 400",
      explain:
        "Calling `get()` inside a task makes a worker slot wait for another task. Real Celery refuses outright (RuntimeError: Never call result.get() within a task!); with the guard disabled, two such tasks fill both slots and the subtasks they wait for can never start. Build each report as `chord(group(...ids.map((id) => fetchUser.s(id))), summarize.s())`, sent from main.",
      run: (r) => {
        const totals = returned(r).totals ?? [];
        return JSON.stringify(totals) === "[150,400]" ? true : `main got totals ${JSON.stringify(totals)}, expected [150, 400]`;
      },
    },
    {
      id: "summarized-on-worker",
      title: "summarize runs on a worker, once per report, after its fetches",
      explain: "The chord's body runs once, with the list of the header's results, when the last fetch has finished.",
      run: (r) => {
        const problem = chordBodyProblem(r, "summarize", ["fetch_user"], 2);
        if (problem) return problem;
        const sums = r.tasksNamed("summarize").filter((t) => t.state === "SUCCESS");
        const totals = sums.map((t) => (t.result as { total?: number } | null)?.total).sort((a, b) => (a ?? 0) - (b ?? 0));
        return JSON.stringify(totals) === "[150,400]" ? true : `summarize succeeded on a worker ${sums.length} times with totals [${totals.join(", ")}], expected [150, 400]`;
      },
    },
    {
      id: "nothing-failed",
      title: "No task fails or times out",
      explain: "No RuntimeError from a blocked get(), no TimeoutError from a worker waiting on itself.",
      run: (r) => {
        const bad = r.report.tasks.filter((t) => t.state === "FAILURE");
        return bad.length === 0 ? true : `${bad.length} tasks failed (${stateSummary(bad)}), e.g. ${bad[0]!.name}: ${bad[0]!.exception?.type} ${bad[0]!.exception?.message ?? ""}`;
      },
    },
    {
      id: "fast",
      title: "Both reports are ready within 3 s",
      explain: "Ten 0.2 s fetches on two slots take about 1 s; nothing should wait for a timeout.",
      run: (r) => {
        const span = makespanS(r.report.tasks);
        if (span === null) return `not every task finished (${stateSummary(r.report.tasks)})`;
        return span <= 3 ? true : `the tasks took ${fmt(span)} s from first send to last finish`;
      },
    },
  ],
});
