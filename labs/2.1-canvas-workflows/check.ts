import { defineChecks, type LabRun } from "../../sim/check/define";
import type { TaskView } from "../../sim/engine/types";
import { chordBodyProblem, fmt, returned, sequentialProblem, stateSummary, tasksNamedAny } from "../check-helpers";

/** Tasks of the chain started by fetch_data("empty"). */
function brokenChain(r: LabRun): TaskView[] | null {
  const head = r.tasksNamed("fetch_data").find((t) => t.args[0] === "empty");
  return head ? r.report.tasks.filter((t) => t.rootId === head.rootId) : null;
}

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "pipeline",
      title: "The pipeline fetches, validates, transforms, loads, then notifies",
      explain:
        "Chain all five steps (TODO 1): `designer.chainTasks(\"fetch\", \"validate\", \"transform\", \"load\", \"notify\")`. Each step receives the previous step's result as its first argument, so the notification gets load's message.",
      run: (r) => {
        const want = "Notified: Loaded 5 records into database";
        const got = returned(r).pipeline;
        if (got !== want) return `the pipeline returned ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
        const load = r.tasksNamed("load_data").find((t) => t.state === "SUCCESS");
        const notify = r.tasksNamed("send_notification").find((t) => t.state === "SUCCESS");
        if (!load || !notify) return "load_data and send_notification did not both succeed";
        // In a chain, the worker that finishes a step sends the next one: its parent is that step.
        if (notify.parentId !== load.id)
          return "send_notification was sent by main after it waited for the chain, not chained after load_data: a chain's worker sends each next step itself";
        return (notify.startedAt ?? 0) >= (load.finishedAt ?? Infinity) ? true : "send_notification started before load_data finished";
      },
    },
    {
      id: "map-reduce",
      title: "MapReduce: a chord sums the squares of 0..99 on a worker (328350)",
      explain:
        "Use a chord (TODO 2): `chord(group(...items.map((i) => mapTask.s(i))), reduceTask.s())`. The header's 100 square tasks run in parallel; Celery calls sum_results once, with the list of all 100 results, after the last one finishes.",
      run: (r) => {
        const squares = r.tasksNamed("square");
        if (squares.length !== 100) return `${squares.length} square tasks ran, expected 100`;
        const problem = chordBodyProblem(r, "sum_results", ["square"]);
        if (problem) return problem;
        const sums = r.tasksNamed("sum_results");
        if (sums[0]!.result !== 328350) return `sum_results returned ${fmt(Number(sums[0]!.result), 0)} (${stateSummary(sums)}), expected 328350`;
        return returned(r).mapReduce === 328350 ? true : `map-reduce returned ${fmt(returned(r).mapReduce, 0)}, expected 328350`;
      },
    },
    {
      id: "fan-out-fan-in",
      title: "Fan-out/fan-in: three processors in parallel, one aggregation of all three",
      explain:
        "A chain runs the processors one after the other and hands the aggregator only the last result. Use `chord(group(...processors.map((p) => p.s(data))), aggregator.s())` (TODO 3): group results come back in submission order.",
      run: (r) => {
        const procs = tasksNamedAny(r, "process_a", "process_b", "process_c");
        const problem = sequentialProblem(procs) ?? chordBodyProblem(r, "aggregate_results", ["process_a", "process_b", "process_c"]);
        if (problem) return problem;
        const want = "a(data) + b(data) + c(data)";
        return returned(r).fanOut === want ? true : `fan-out/fan-in returned ${JSON.stringify(returned(r).fanOut)}, expected ${JSON.stringify(want)}`;
      },
    },
    {
      id: "diamond",
      title: "Diamond: split, two parallel branches, join",
      explain:
        "Build it in `PatternExplorer.diamond` (TODO 4): a group of `t1.s(data)` and `t2.s(data)`, joined by `join.s()` in a chord, and return its `applyAsync()`.",
      run: (r) => {
        const problem = sequentialProblem(tasksNamedAny(r, "transform_a", "transform_b")) ?? chordBodyProblem(r, "merge_transforms", ["transform_a", "transform_b"]);
        if (problem) return problem;
        const want = "input→A & input→B";
        return returned(r).diamond === want ? true : `the diamond returned ${JSON.stringify(returned(r).diamond)}, expected ${JSON.stringify(want)}`;
      },
    },
    {
      id: "error-stops-chain",
      title: "A failing step stops the chain: the steps after it never run",
      explain:
        "validate_data raises ValueError for the empty source. Celery marks every later step of the chain FAILURE with the same error without running it, and `get()` on the chain raises that original ValueError.",
      run: (r) => {
        const tasks = brokenChain(r);
        if (!tasks) return "fetch_data(\"empty\") was never sent";
        const validate = tasks.find((t) => t.name === "validate_data");
        if (validate && validate.state !== "FAILURE")
          return `validate_data did not fail for the empty source (it returned ${JSON.stringify(validate.result)}, ${validate.state}): it must raise ValueError so Celery stops the chain, not return a flag the next steps ignore`;
        const ranAfter = tasks.filter((t) => ["transform_data", "load_data", "send_notification"].includes(t.name) && t.executions > 0);
        if (ranAfter.length) return `${ranAfter.map((t) => t.name).join(", ")} ran after validate_data failed`;
        const err = String(returned(r).brokenError ?? "");
        return err.startsWith("ValueError") ? true : `get() on the broken chain raised ${JSON.stringify(err) || "nothing"}, expected the original ValueError`;
      },
    },
    {
      id: "errback-once",
      title: "The chain's error callback runs exactly once",
      explain:
        "Attach it with `broken.linkError(onPipelineError.s())` (TODO 5). Celery calls it once, for the task that failed, with (request, exc, traceback); not once per skipped step.",
      run: (r) => {
        // An errback taking (request, exc, traceback) is called inline by the worker, not sent as a
        // task (FINDINGS §3), so it shows as the line it prints, not as a task.
        const calls = r.logsContaining("✗ step ");
        return calls.length === 1 ? true : `on_pipeline_error ran ${calls.length} times, expected once`;
      },
    },
  ],
});
