/**
 * The learner API's names (shared/spec/celery-api.md) offered as completions, with a one-line hint
 * each. Plain data, so the list is easy to keep in step with the spec.
 */
import { CELERY_MODULE } from "../../../sim/celery/exports";

export interface ApiName {
  label: string;
  type: "class" | "function" | "method" | "property" | "variable" | "constant" | "keyword";
  info: string;
}

const methods: [string, string][] = [
  ["task", "app.task(fn) or app.task(options, fn)"],
  ["worker", "app.worker({ hostname, concurrency, queues, prefetchMultiplier, pool, autoscale, taskEvents })"],
  ["beat", "app.beat(): a beat process sending conf.beatSchedule (stop, kill, restart)"],
  ["replace", "self.replace(sig): replace this task, keeping its id"],
  ["delay", "task.delay(...args): send it; returns an AsyncResult"],
  ["applyAsync", "task.applyAsync(args, { countdown, eta, queue, priority, link, linkError, expires, taskId })"],
  ["apply", "task.apply(args): run eagerly, no broker"],
  ["run", "task.run(...args): call the function directly"],
  ["s", "task.s(...args): a signature"],
  ["si", "task.si(...args): an immutable signature"],
  ["retry", "throw self.retry({ exc, countdown, eta, maxRetries })"],
  ["updateState", "self.updateState({ state, meta })"],
  ["get", "await result.get({ timeout, propagate })"],
  ["ready", "result.ready()"],
  ["successful", "result.successful()"],
  ["failed", "result.failed()"],
  ["revoke", "result.revoke({ terminate })"],
  ["kill", "worker.kill(): SIGKILL, in-flight work lost or redelivered"],
  ["shutdown", "worker.shutdown(): warm shutdown"],
  ["restart", "worker.restart()"],
  ["update", "app.conf.update({ ... })"],
  ["inspect", "app.control.inspect().active() / reserved() / scheduled() / stats() / ping()"],
  ["rateLimit", 'app.control.rateLimit(taskName, "5/s")'],
  ["queueLength", "app.broker.queueLength(name)"],
  ["chunks", "sig.chunks(items, n)"],
  ["map", "sig.map(items)"],
  ["starmap", "sig.starmap(items)"],
  ["link", "sig.link(other)"],
  ["linkError", "sig.linkError(other)"],
  ["pipe", "a.s().pipe(b.s()): Python's a | b"],
  ["connect", "signal.connect(handler)"],
  ["on", "app.events.on(type, handler)"],
];
const props: [string, string][] = [
  ["request", "self.request: id, retries, args, kwargs, hostname, deliveryInfo, isEager, eta, parentId, rootId, groupId"],
  ["retries", "self.request.retries: how many times this task was retried"],
  ["conf", "app.conf"],
  ["control", "app.control"],
  ["broker", "app.broker"],
  ["events", "app.events"],
  ["state", "result.state"],
  ["result", "result.result"],
  ["traceback", "result.traceback"],
];
/** Members reached through the app (app.signals.…), not names of the module. */
const vars: [string, string][] = [
  ["taskPrerun", "signal"],
  ["taskPostrun", "signal"],
  ["taskSuccess", "signal"],
  ["taskFailure", "signal"],
  ["taskRetry", "signal"],
  ["taskRevoked", "signal"],
  ["taskRejected", "signal"],
  ["taskUnknown", "signal"],
  ["taskReceived", "signal"],
  ["beforeTaskPublish", "signal"],
  ["afterTaskPublish", "signal"],
  ["workerProcessInit", "signal"],
  ["workerReady", "signal"],
  ["workerShutdown", "signal"],
];
const options = [
  "bind", "name", "base", "maxRetries", "defaultRetryDelay", "autoretryFor", "retryKwargs", "retryBackoff",
  "retryBackoffMax", "retryJitter", "timeLimit", "softTimeLimit", "acksLate", "rejectOnWorkerLost", "ignoreResult",
  "queue", "priority", "trackStarted", "expires", "countdown", "eta", "timeout", "propagate", "hostname", "concurrency",
  "queues", "prefetchMultiplier", "autoscale", "taskAcksLate", "taskRejectOnWorkerLost", "taskTrackStarted",
  "taskDefaultRetryDelay", "taskDefaultQueue", "taskRoutes", "taskTimeLimit", "taskSoftTimeLimit", "taskAlwaysEager",
  "workerPrefetchMultiplier", "workerConcurrency", "brokerTransportOptions", "visibilityTimeout", "taskDefaultPriority",
  "resultExpires", "workerDisableRateLimits", "resultBackend", "backend", "workerSendTaskEvents", "taskSendSentEvent",
  "taskEvents", "beatSchedule", "schedule", "minute", "hour", "dayOfWeek", "dayOfMonth", "monthOfYear",
];
export const API_NAMES: readonly ApiName[] = [
  // The module's own names come from its one list (sim/celery/exports.ts).
  ...CELERY_MODULE.map(([label, type, info]) => ({ label, info, type })),
  ...methods.map(([label, info]) => ({ label, info, type: "method" as const })),
  ...props.map(([label, info]) => ({ label, info, type: "property" as const })),
  ...vars.map(([label, info]) => ({ label, info, type: "variable" as const })),
  ...options.map((label) => ({ label, info: "option", type: "property" as const })),
];
