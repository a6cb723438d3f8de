import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { Sim } from "../../engine/sim";
import { FlowerMetrics, type MetricsLookups } from "./flower";

const host = { yieldMacrotask: () => new Promise<void>((r) => setImmediate(r)) };

const NAMES = ["tasks.add", "tasks.mul", 'we"ird'];
const QUEUES = ["celery", "celery", "math"];
const HOSTS = ["celery@w1", "celery@w2"];
const lookups: MetricsLookups = { taskName: (i) => NAMES[i]!, workerHostname: (i) => HOSTS[i]!, queueOf: (i) => QUEUES[i]! };

/**
 * Two workers, three tasks. add and mul go to w1 (received 1.5; add runs 2..3, mul 3..3.5 and fails),
 * we"ird to w2 (received 2.2, runs 4..4.003). Heartbeats carry the number of active tasks. Their
 * messages (tags 1..3) are acknowledged late, when each task ends; we"ird's is on queue "math".
 */
function craftedRun(): Sim {
  const sim = new Sim(1, host);
  const at = (t: number, kind: Parameters<Sim["record"]>[0], task: number, worker: number, num = NaN, data?: unknown) =>
    sim.sched.scheduleAt(t, () => void sim.record(kind, task, worker, num, data));
  at(0, "worker-online", -1, 0);
  at(0, "worker-online", -1, 1);
  for (const t of [0, 1, 2]) {
    at(1, "message-published", t, -1, t + 1, { queue: QUEUES[t] });
    at(1, "task-sent", t, -1);
  }
  at(1.5, "message-delivered", 0, 0, 1);
  at(1.5, "message-delivered", 1, 0, 2);
  at(1.5, "task-received", 0, 0);
  at(1.5, "task-received", 1, 0);
  at(2.2, "message-delivered", 2, 1, 3);
  at(3, "message-acked", 0, 0, 1);
  at(3.5, "message-acked", 1, 0, 2);
  at(4.003, "message-acked", 2, 1, 3);
  at(2, "task-started", 0, 0);
  at(2, "worker-heartbeat", -1, 0, NaN, { active: 1 });
  at(2.2, "task-received", 2, 1);
  at(3, "task-succeeded", 0, 0, 1.0);
  at(3, "task-started", 1, 0);
  at(3.5, "task-failed", 1, 0, NaN, { exception: "ValueError('x')" });
  at(4, "task-started", 2, 1);
  at(4.003, "task-succeeded", 2, 1, 0.003);
  at(5, "worker-heartbeat", -1, 0, NaN, { active: 0 });
  at(5, "worker-heartbeat", -1, 1, NaN, { active: 0 });
  at(6, "worker-offline", -1, 1);
  return sim;
}

function runTo(sim: Sim, t: number): void {
  while (sim.sched.peekTime() <= t && sim.sched.step()) {
    /* fire */
  }
}

/** Every sample line, as the real parser reads it when no TYPE line groups them (it folds labelled histograms). */
function untypedSamples(text: string): { name: string; labels: Record<string, string>; value: string }[] {
  const families = parsePrometheusTextFormat(
    text
      .split("\n")
      .filter((l) => !l.startsWith("# TYPE "))
      .join("\n"),
  );
  return families.flatMap((f) => f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: m.value! })));
}

/** metric name -> "label=value,..." -> value, read back by the real parser. */
function table(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const x of untypedSamples(text)) {
    const key = Object.entries(x.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    (out[x.name] ??= {})[key] = x.value;
  }
  return out;
}

describe("FlowerMetrics", () => {
  it("mid-run: prefetched tasks, executing tasks and queue lengths as Flower would show them", () => {
    const sim = craftedRun();
    const fm = new FlowerMetrics(sim, lookups);
    fm.attach();
    runTo(sim, 1.2);
    const t0 = table(fm.render());
    expect([t0.celery_queue_length, t0.celery_queue_unacked]).toEqual([{ "queue=celery": "2", "queue=math": "1" }, { "queue=celery": "0", "queue=math": "0" }]);
    runTo(sim, 2.5);
    const t = table(fm.render());
    expect(t.flower_worker_prefetched_tasks).toEqual({
      "worker=celery@w1,task=tasks.add": "0",
      "worker=celery@w1,task=tasks.mul": "1",
      'worker=celery@w2,task=we"ird': "1",
    });
    expect(t.flower_task_prefetch_time_seconds).toEqual({ "worker=celery@w1,task=tasks.add": "0.5" });
    expect(t.flower_worker_number_of_currently_executing_tasks).toEqual({ "worker=celery@w1": "1" });
    expect(t.flower_worker_online).toEqual({ "worker=celery@w1": "1", "worker=celery@w2": "1" });
    expect(t.celery_queue_length).toEqual({ "queue=celery": "0", "queue=math": "0" });
    expect(t.celery_queue_unacked).toEqual({ "queue=celery": "2", "queue=math": "1" });
    runTo(sim, 3.2);
    const t2 = table(fm.render());
    expect(t2.flower_task_prefetch_time_seconds).toEqual({ "worker=celery@w1,task=tasks.add": "0", "worker=celery@w1,task=tasks.mul": "1.5" });
  });

  it("at the end: counters agree with the trace, runtimes and queue waits are in their buckets", () => {
    const sim = craftedRun();
    const fm = new FlowerMetrics(sim, lookups);
    fm.attach();
    runTo(sim, Infinity);
    const text = fm.render();
    expect(text.startsWith("# celery-playground metrics at simulated time 6 s\n")).toBe(true);
    const parsed = parsePrometheusTextFormat(text);
    expect(parsed.map((f) => `${f.name} ${f.type}`)).toEqual([
      "flower_events_total COUNTER",
      "flower_task_runtime_seconds HISTOGRAM",
      "flower_task_prefetch_time_seconds GAUGE",
      "flower_worker_prefetched_tasks GAUGE",
      "flower_worker_online GAUGE",
      "flower_worker_number_of_currently_executing_tasks GAUGE",
      "celery_queue_wait_seconds HISTOGRAM",
      "celery_queue_length GAUGE",
      "celery_queue_unacked GAUGE",
    ]);
    const t = table(text);
    expect(t.flower_events_total).toEqual({
      "worker=,type=task-sent,task=tasks.add": "1",
      "worker=,type=task-sent,task=tasks.mul": "1",
      'worker=,type=task-sent,task=we"ird': "1",
      "worker=celery@w1,type=task-received,task=tasks.add": "1",
      "worker=celery@w1,type=task-received,task=tasks.mul": "1",
      "worker=celery@w1,type=task-started,task=tasks.add": "1",
      'worker=celery@w2,type=task-received,task=we"ird': "1",
      "worker=celery@w1,type=task-succeeded,task=tasks.add": "1",
      "worker=celery@w1,type=task-started,task=tasks.mul": "1",
      "worker=celery@w1,type=task-failed,task=tasks.mul": "1",
      'worker=celery@w2,type=task-started,task=we"ird': "1",
      'worker=celery@w2,type=task-succeeded,task=we"ird': "1",
    });
    // The same counts, recomputed from the trace itself.
    const fromTrace: Record<string, number> = {};
    for (const ev of sim.trace)
      if (ev.kind.startsWith("task-")) {
        const key = `worker=${ev.worker >= 0 ? HOSTS[ev.worker] : ""},type=${ev.kind},task=${NAMES[ev.task]}`;
        fromTrace[key] = (fromTrace[key] ?? 0) + 1;
      }
    expect(Object.fromEntries(Object.entries(t.flower_events_total!).map(([k, v]) => [k, Number(v)]))).toEqual(fromTrace);

    const runtime = t.flower_task_runtime_seconds_bucket!;
    expect(runtime["worker=celery@w1,task=tasks.add,le=0.75"]).toBe("0");
    expect(runtime["worker=celery@w1,task=tasks.add,le=1.0"]).toBe("1");
    expect(runtime['worker=celery@w2,task=we"ird,le=0.0025']).toBeUndefined();
    expect(runtime['worker=celery@w2,task=we"ird,le=0.005']).toBe("1");
    expect(runtime['worker=celery@w2,task=we"ird,le=+Inf']).toBe("1");
    expect(t.flower_task_runtime_seconds_count).toEqual({ "worker=celery@w1,task=tasks.add": "1", 'worker=celery@w2,task=we"ird': "1" });
    expect(t.flower_task_runtime_seconds_sum).toEqual({ "worker=celery@w1,task=tasks.add": "1", 'worker=celery@w2,task=we"ird': "0.003" });
    // Sent at 1; started at 2, 3 and 4.
    expect(t.celery_queue_wait_seconds_sum).toEqual({ "task=tasks.add,queue=celery": "1", "task=tasks.mul,queue=celery": "2", 'task=we"ird,queue=math': "3" });
    expect(t.celery_queue_wait_seconds_bucket!["task=tasks.mul,queue=celery,le=2.5"]).toBe("1");
    expect(t.celery_queue_wait_seconds_bucket!["task=tasks.mul,queue=celery,le=1.0"]).toBe("0");
    expect(t.flower_task_prefetch_time_seconds).toEqual({
      "worker=celery@w1,task=tasks.add": "0",
      "worker=celery@w1,task=tasks.mul": "0",
      'worker=celery@w2,task=we"ird': "0",
    });
    expect(t.flower_worker_online).toEqual({ "worker=celery@w1": "1", "worker=celery@w2": "0" });
    expect(t.flower_worker_number_of_currently_executing_tasks).toEqual({ "worker=celery@w1": "0", "worker=celery@w2": "0" });
    expect([t.celery_queue_length, t.celery_queue_unacked]).toEqual([{ "queue=celery": "0", "queue=math": "0" }, { "queue=celery": "0", "queue=math": "0" }]);
  });

  it("attaching late takes in the trace so far; detaching stops counting", () => {
    const sim = craftedRun();
    runTo(sim, 1.5);
    const fm = new FlowerMetrics(sim, lookups);
    const detach = fm.attach();
    expect(fm.events.child({ worker: "celery@w1", type: "task-received", task: "tasks.add" }).value).toBe(1);
    runTo(sim, 3);
    detach();
    runTo(sim, Infinity);
    expect(fm.events.matching({ type: "task-succeeded" }).map((s) => s.value)).toEqual([1]); // add's, not we"ird's
  });

  it("knows an ETA task from its task-sent event's data", () => {
    const sim = new Sim(1, host);
    sim.sched.scheduleAt(1, () => void sim.record("task-sent", 0, -1, 0, { eta: 10 }));
    sim.sched.scheduleAt(1, () => void sim.record("task-sent", 1, -1, 0));
    sim.sched.scheduleAt(2, () => void sim.record("task-received", 0, 0, 0));
    sim.sched.scheduleAt(2, () => void sim.record("task-received", 1, 0, 0));
    const fm = new FlowerMetrics(sim, { taskName: (i) => NAMES[i]!, workerHostname: (i) => HOSTS[i]! });
    fm.attach();
    runTo(sim, Infinity);
    expect(fm.prefetched.matching({}).map((s) => [s.labels.task, s.value])).toEqual([["tasks.mul", 1]]);
  });

  it("leaves ETA tasks out of the prefetch metrics and queue wait; counts worker events when asked", () => {
    const sim = craftedRun();
    const fm = new FlowerMetrics(sim, { ...lookups, hasEta: (i) => i === 2, queueOf: undefined }, { countWorkerEvents: true });
    fm.attach();
    runTo(sim, Infinity);
    expect(fm.prefetched.matching({ task: 'we"ird' })).toEqual([]);
    expect(fm.queueWait.matching({ task: 'we"ird' })).toEqual([]);
    expect(fm.events.child({ worker: "celery@w1", type: "worker-heartbeat", task: "" }).value).toBe(2);
    expect(fm.events.child({ worker: "celery@w2", type: "worker-offline", task: "" }).value).toBe(1);
  });
});
