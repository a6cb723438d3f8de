// mistake: the reduce step is done in main with Array.reduce over the group's results, not by a task
// expect: never sent as a task|client-side join
/**
 * Lab 2.1: Canvas workflow builder (reference solution).
 */
import { Celery, chain, group, chord, sleep, ValueError } from "celery";

const app = new Celery("canvas_workshop", { broker: "redis" });

interface Batch {
  source: string;
  records: number[];
  valid?: boolean;
}

// ---------------------------------------------------------------- Tasks

export const fetchData = app.task(async function fetch_data(source: string): Promise<Batch> {
  await sleep(0.3);
  const n = source === "empty" ? 0 : 5;
  return { source, records: Array.from({ length: n }, (_, i) => i + 1) };
});

export const validateData = app.task(async function validate_data(data: Batch): Promise<Batch> {
  await sleep(0.1);
  if (data.records.length === 0) throw new ValueError(`no records from ${data.source}`);
  return { ...data, valid: true };
});

export const transformData = app.task(async function transform_data(data: Batch): Promise<Batch> {
  await sleep(0.2);
  return { ...data, records: data.records.map((x) => x * 10) };
});

export const loadData = app.task(async function load_data(data: Batch, target: string) {
  await sleep(0.2);
  return `Loaded ${data.records.length} records into ${target}`;
});

export const sendNotification = app.task(function send_notification(message: string) {
  return `Notified: ${message}`;
});

export const onPipelineError = app.task(function on_pipeline_error(request: any, exc: any, traceback: any) {
  console.log(`✗ step ${request.task} [${request.id}] failed: ${exc}`);
  return String(request.id);
});

export const squareTask = app.task(function square(x: number) {
  return x * x;
});

export const sumResults = app.task(function sum_results(values: number[]) {
  return values.reduce((a, b) => a + b, 0);
});

const processor = (label: string) =>
  app.task({ name: `process_${label}` }, async function (data: string) {
    await sleep(1);
    return `${label}(${data})`;
  });
export const processA = processor("a");
export const processB = processor("b");
export const processC = processor("c");

export const aggregateResults = app.task(function aggregate_results(results: string[] | string) {
  return (Array.isArray(results) ? results : [results]).join(" + ");
});

export const transformA = app.task(async function transform_a(data: string) {
  await sleep(0.5);
  return `${data}→A`;
});
export const transformB = app.task(async function transform_b(data: string) {
  await sleep(0.8);
  return `${data}→B`;
});
export const mergeTransforms = app.task(function merge_transforms(results: string[]) {
  return results.join(" & ");
});

// ---------------------------------------------------------------- Workflow designer

class WorkflowDesigner {
  tasks: Record<string, any> = {};
  workflow: any = null;
  kind: "chain" | "group" | "chord" | null = null;
  structure: unknown = null;

  addTask(name: string, sig: any) {
    this.tasks[name] = sig;
    return this;
  }

  chainTasks(...names: string[]) {
    this.workflow = chain(...names.map((n) => this.tasks[n]));
    this.kind = "chain";
    this.structure = names;
    return this;
  }

  groupTasks(...names: string[]) {
    this.workflow = group(...names.map((n) => this.tasks[n]));
    this.kind = "group";
    this.structure = names;
    return this;
  }

  chordWorkflow(groupNames: string[], callback: string) {
    this.workflow = chord(group(...groupNames.map((n) => this.tasks[n])), this.tasks[callback]);
    this.kind = "chord";
    this.structure = { header: groupNames, body: callback };
    return this;
  }

  execute() {
    if (!this.workflow) throw new ValueError("No workflow defined");
    return this.workflow.applyAsync();
  }

  visualize() {
    return { tasks: Object.keys(this.tasks), workflowType: this.kind, structure: this.structure };
  }
}

// ---------------------------------------------------------------- Patterns

const PatternExplorer = {
  /** Map in parallel, reduce once every map task is done. */
  async mapReduce(items: number[], mapTask: typeof squareTask, _reduceTask: typeof sumResults): Promise<number> {
    const squares: number[] = await group(...items.map((i) => mapTask.s(i))).applyAsync().get({ timeout: 60 });
    return squares.reduce((a, b) => a + b, 0);
  },
  /** The same data to several processors, then one aggregator. */
  fanOutFanIn(data: string, processors: (typeof processA)[], aggregator: typeof aggregateResults) {
    return chord(group(...processors.map((p) => p.s(data))), aggregator.s()).applyAsync();
  },
  /** Split, two parallel branches, join. */
  diamond(data: string, t1: typeof transformA, t2: typeof transformB, join: typeof mergeTransforms) {
    return chord(group(t1.s(data), t2.s(data)), join.s()).applyAsync();
  },
};

// ---------------------------------------------------------------- Driving it

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  app.worker({ hostname: "w2", concurrency: 4 });

  // 1. The data pipeline, built with the designer, with the notification at the end.
  const designer = new WorkflowDesigner()
    .addTask("fetch", fetchData.s("api"))
    .addTask("validate", validateData.s())
    .addTask("transform", transformData.s())
    .addTask("load", loadData.s("database"))
    .addTask("notify", sendNotification.s());
  designer.chainTasks("fetch", "validate", "transform", "load", "notify");
  console.log("designer:", JSON.stringify(designer.visualize()));
  const pipeline = await designer.execute().get({ timeout: 30 });
  console.log(`pipeline → ${pipeline}`);

  // 2. Errors travel down a chain: the steps after a failure never run; the errback runs once.
  const broken = chain(fetchData.s("empty"), validateData.s(), transformData.s(), loadData.s("database"), sendNotification.s());
  broken.linkError(onPipelineError.s());
  let brokenError: string | null = null;
  try {
    await broken.applyAsync().get({ timeout: 30 });
  } catch (e) {
    brokenError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  console.log(`broken pipeline raised ${brokenError}`);

  // 3. MapReduce: the sum of the squares of 0..99.
  const mapReduce = await PatternExplorer.mapReduce(
    Array.from({ length: 100 }, (_, i) => i),
    squareTask,
    sumResults,
  );
  console.log(`map-reduce → ${mapReduce}`);

  // 4. Fan-out / fan-in over three processors.
  const fanOut = await PatternExplorer.fanOutFanIn("data", [processA, processB, processC], aggregateResults).get({ timeout: 30 });
  console.log(`fan-out/fan-in → ${fanOut}`);

  // 5. The diamond.
  const diamondResult = PatternExplorer.diamond("input", transformA, transformB, mergeTransforms);
  const diamond = diamondResult ? await diamondResult.get({ timeout: 30 }) : null;
  console.log(`diamond → ${diamond}`);

  return { pipeline, brokenError, mapReduce, fanOut, diamond };
}
