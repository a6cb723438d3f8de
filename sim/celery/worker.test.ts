/**
 * A Worker alone, against a stand-in for the app (issue 17 item 5): the worker depends on the
 * `WorkerApp` port (ports.ts), not on CeleryApp, so it runs here with no app, no session and no
 * scenario module — a broker, a backend and a task table are all it needs.
 */
import { describe, expect, it } from "vitest";
import { Sim } from "../engine/sim";
import { nodeHost } from "../testing/harness";
import { Broker, type TaskMessage } from "./broker";
import { ResultBackend } from "./backend";
import { defaultConf } from "./conf";
import { TaskTable, type TaskRecord } from "./records";
import { makeSignals } from "./signals";
import { encode } from "./serialization";
import { Task } from "./task";
import { Worker } from "./worker";
import type { CanvasFollowUps, TaskApp, WorkerApp } from "./ports";
import { ExecContext } from "../engine/sim";
import { CostModel } from "./cost-model";
import { Hosts } from "../world/host";
import { FAILURE, SUCCESS } from "./states";

function standIn() {
  const sim = new Sim(1, nodeHost);
  const tasks = new TaskTable();
  const events: string[] = [];
  const followUps: string[] = [];
  const canvas: CanvasFollowUps = {
    onSuccess: (rec) => void followUps.push(`success ${rec.id}`),
    onFailure: (rec) => void followUps.push(`failure ${rec.id}`),
    onRevoked: (rec) => void followUps.push(`revoked ${rec.id}`),
  };
  const notHere = (what: string) => () => {
    throw new Error(`${what} is not used by a worker`);
  };
  let pid = 100;
  const hosts = new Hosts(sim);
  const conf = defaultConf();
  const app: WorkerApp & TaskApp = {
    conf,
    _processConf: conf,
    signals: makeSignals((h, args) => h(args)),
    _registry: new Map(),
    _sim: sim,
    _broker: new Broker(sim, { transport: "redis", url: "redis://", visibilityTimeoutS: 3600, persistence: "rdb" }),
    _backend: new ResultBackend(sim, tasks),
    _tasks: tasks,
    _log: () => undefined,
    _canvas: canvas as TaskApp["_canvas"] & CanvasFollowUps,
    _world: { apps: [], workers: [], faults: { failureFor: () => null }, loadProcess: null, hosts, costs: new CostModel(sim, hosts), formatFrames: () => [], findTask: () => undefined },
    _emitTask: (type, rec) => void events.push(`${type} ${rec.id}`),
    _emitWorker: (type) => void events.push(type),
    _nextPid: () => ++pid,
    _hookContext: (ctx) => new ExecContext("task", ctx.label, ctx.taskIndex, ctx.request),
    _backendKind: "redis",
    control: { revoke: notHere("control.revoke") },
    _sendTask: notHere("_sendTask"),
    _sendAs: notHere("_sendAs"),
    _applyEager: notHere("_applyEager"),
    _publishRetry: notHere("_publishRetry"),
    _retryReachesBrokerAtS: new Map(),
    _updateState: notHere("_updateState"),
    _assertWillNotBlock: () => null,
    _resultOwner: { _oid: 1, _backendKind: "redis", _resultExpiresS: null },
    signature: notHere("signature"),
  };
  return { sim, app, tasks, events, followUps };
}

function define(app: TaskApp, name: string, fn: (...args: any[]) => unknown): Task {
  const t = new Task();
  t.app = app;
  t.name = name;
  t.fn = fn;
  app._registry.set(name, t);
  return t;
}

function publish(app: WorkerApp, tasks: TaskTable, id: string, name: string, args: unknown[]): TaskRecord {
  const payload = encode([args, {}], "json", name);
  const body: TaskMessage = {
    id, task: name, args, kwargs: {}, payload, retries: 0, eta: null, expires: null, parentId: null, rootId: id,
    groupId: null, groupIndex: null, link: [], linkError: [], chain: [], chord: null, softTimeLimit: null,
    hardTimeLimit: null, ignoreResult: false, origin: null,
  };
  const rec = tasks.create(id, name, { args });
  app._broker.publish(app._broker.newMessage(rec.index, body, "celery", null, true));
  return rec;
}

async function runAll(sim: Sim): Promise<void> {
  while (await sim.stepOne()) if (sim.nowS > 60) break;
}

describe("a Worker against the WorkerApp port alone", () => {
  it("consumes, runs each task in its pool, stores the results and sends the canvas its follow-ups", async () => {
    const { sim, app, tasks, events, followUps } = standIn();
    define(app, "double", (x: number) => x * 2);
    define(app, "boom", () => {
      throw new Error("boom");
    });
    const worker = new Worker(app, 0, { hostname: "w1", concurrency: 2 });
    const ok = publish(app, tasks, "t1", "double", [21]);
    const bad = publish(app, tasks, "t2", "boom", []);
    worker.start();
    await runAll(sim);
    expect(ok.state).toBe(SUCCESS);
    expect(app._backend.result("t1", app._resultOwner)).toBe(42);
    expect(bad.state).toBe(FAILURE);
    expect(events.filter((e) => e.startsWith("task-"))).toEqual(["task-received t1", "task-received t2", "task-started t1", "task-succeeded t1", "task-started t2", "task-failed t2"]);
    expect(followUps).toEqual(["success t1", "failure t2"]);
    expect(app._broker.unacked.size).toBe(0);
  });
});
