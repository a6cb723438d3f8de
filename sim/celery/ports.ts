/**
 * The ports: what each part of the Celery model needs from the app it serves, declared here and
 * nowhere else. `CeleryApp` (app.ts) is the learner's object, one per app per simulated process, over
 * the one core every process shares (`World`: broker, result backend, task table, workers, clock).
 * Workers, executions, results, tasks, signatures, the canvas, control and events depend on these
 * narrow interfaces, never on app.ts, so each can be built and tested with a stand-in for the app
 * (`worker.test.ts` runs a Worker against one) and the hub's other members stay out of their reach.
 *
 * Members keep the `_` prefix the app gives its internals: a learner's editor hides them (see the
 * façade type `Celery` in public-api.ts), and they read as "not part of Celery's API" in traces.
 */
import type { ExecContext, Sim } from "../engine/sim";
import type { Broker } from "./broker";
import type { ResultBackend } from "./backend";
import type { Conf } from "./conf";
import type { makeSignals } from "./signals";
import type { TaskRecord, TaskTable } from "./records";
import type { ApplyOptions, Request, Task } from "./task";
import type { AsyncResult, EagerResult, GetOptions } from "./result";
import type { CeleryEventName } from "./events";
import type { Control } from "./control";
import type { CanvasRuntime } from "./canvas-runtime";
import type { Worker } from "./worker";
import type { ProcessLoader } from "./process";
import type { Faults } from "../world/faults";
import type { BackendKind, ResultOwner } from "./backend-kind";
import type { Signature } from "./signature";
import type { SignatureDict } from "./signature-data";
import type { Hosts } from "../world/host";
import type { CostModel } from "./cost-model";

export type Signals = ReturnType<typeof makeSignals>;
export type LogLevel = "log" | "info" | "warn" | "error";

/** What every part reads: configuration, signals, the process's task registry, the shared core. */
export interface AppCore {
  readonly conf: Conf;
  readonly signals: Signals;
  /** The tasks this process's copy of the app registered. */
  readonly _registry: Map<string, Task>;
  readonly _sim: Sim;
  readonly _broker: Broker;
  readonly _backend: ResultBackend;
  readonly _tasks: TaskTable;
  _log(level: LogLevel, text: string, source: string): void;
}

/** The core's parts that the workers and the canvas look up (the World, narrowed). */
export interface WorldPort {
  readonly apps: readonly AppCore[];
  readonly workers: readonly Worker[];
  readonly faults: Pick<Faults, "failureFor">;
  readonly loadProcess: ProcessLoader | null;
  readonly hosts: Hosts;
  readonly costs: CostModel;
  formatFrames(stack: string): string[];
  findTask(name: string): Task | undefined;
}

/** What a task, its signatures and its results need: sending, eager application, the backend. */
export interface TaskApp extends AppCore {
  /** This app as a result reader and sender (rpc:// results come back to their sender alone). */
  readonly _resultOwner: ResultOwner;
  readonly _world: Pick<WorldPort, "costs">;
  signature(varies: string | Task | Signature | SignatureDict, opts?: { args?: unknown[]; kwargs?: Record<string, unknown>; options?: Record<string, unknown>; immutable?: boolean }): Signature;
  readonly control: Pick<Control, "revoke">;
  readonly _canvas: CanvasRuntime;
  _sendTask(task: Task, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions): AsyncResult;
  /** Run `send` as the process of `req`: what it publishes is that process's cost (a worker's next canvas step). */
  _sendAs(req: Request | null | undefined, send: () => void): void;
  _applyEager(task: Task, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions): EagerResult;
  _publishRetry(task: Task, req: Request, o: { retries: number; args: unknown[]; kwargs: Record<string, unknown>; countdown?: number; eta?: number; queue?: string }): void;
  _updateState(id: string, state: string, meta: unknown, name: string): void;
  _assertWillNotBlock(opts: GetOptions): Error | null;
}

/** What the canvas needs to send the tasks of a chain, group or chord, wherever they are sent from. */
export interface CanvasApp extends TaskApp {
  /** The settings a send for `forRequest` goes out with (a worker's process's, or the client's): CeleryApp._senderConf. */
  _senderConf(forRequest: Request | null | undefined): Conf;
  readonly _backendKind: BackendKind;
  readonly _world: Pick<WorldPort, "findTask" | "costs">;
  _send(name: string, task: Task | null, args: unknown[], kwargs: Record<string, unknown>, options: ApplyOptions, parent?: Request | null): AsyncResult;
  _callHandler(label: string, fn: () => void): void;
}

/** What follows a task on a worker: its links, the next chain step, the chord counter. */
export type CanvasFollowUps = Pick<CanvasRuntime, "onSuccess" | "onFailure" | "onRevoked">;

/** What a worker and its pool's executions need. */
export interface WorkerApp extends AppCore {
  /** The settings the worker's own processes have: the module's, not what the client's `main` changed. */
  readonly _processConf: Conf;
  /** By task index: when a child's retry publish reaches the broker (App._publishRetry). */
  readonly _retryReachesBrokerAtS: Map<number, number>;
  readonly _canvas: CanvasFollowUps;
  readonly _world: WorldPort;
  /** Which result backend the app has (a prefork child's first Redis store connects first). */
  readonly _backendKind: BackendKind;
  _emitTask(type: CeleryEventName, rec: TaskRecord, worker: Worker | null, num?: number, data?: Record<string, unknown>): void;
  _emitWorker(type: CeleryEventName, worker: Worker): void;
  _nextPid(): number;
  _hookContext(ctx: ExecContext): ExecContext;
}

/** What `app.control` needs: the workers online, to broadcast to. */
export interface ControlApp extends AppCore {
  readonly _world: Pick<WorldPort, "workers">;
}

/** What a beat process needs: the schedule in conf, the clock, and sending by name. */
export interface BeatApp extends AppCore {
  /** Beat's own settings (`beatSchedule`): the module's, as `celery beat -A mod` imports it. */
  readonly _processConf: Conf;
  sendTask(name: string, args?: unknown[], options?: ApplyOptions): AsyncResult;
  _callHandler(label: string, fn: () => void): void;
}
