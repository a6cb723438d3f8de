/**
 * The simulator's public face: what the browser workers, the headless runner and the tests use.
 * Everything here is plain TypeScript with no DOM and no Node APIs.
 */
export { createSession, runScenario, DEFAULT_UNTIL_S } from "./engine/session";
export type { ScenarioSession } from "./engine/session";
export { compileScenario, formatDiagnostic, RUNTIME_MODULES, type CompileResult, type Diagnostic, type EsbuildLike } from "./engine/compile";
export type { Host, EndReason, ContextKind } from "./engine/sim";
export type { Frame, Report, Session, SessionOptions, TaskView, WorkerView, QueueView, LogLine, RunStats, SerializedError, CeleryEventView } from "./engine/types";
export { runCommand, type ControlCommand } from "./engine/commands";
export { TRACE_KINDS, type TraceEvent, type TraceKind } from "./kernel/trace";
export { defineChecks, makeLabRun, runChecks, type Check, type CheckResult, type CheckSuite, type LabRun } from "./check/define";
export type { CanvasNode } from "./celery/canvas-runtime";
export type { FaultSpec, PlannedFault, Trigger } from "./world/faults";
