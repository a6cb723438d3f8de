/**
 * The learner API's names (shared/spec/celery-api.md) offered as completions, with a one-line hint
 * each. The `"celery"` module's own names come from its one list (sim/celery/public-names.ts), so a
 * new export is offered without an edit here; methods, properties and options are listed below.
 */
import { CELERY_EXPORT_NAMES, type CeleryExportName } from "../../../sim/celery/public-names";

export interface ApiName {
  label: string;
  type: "class" | "function" | "method" | "property" | "variable" | "constant" | "keyword";
  info: string;
}

const methods: [string, string][] = [
  ["task", "app.task(fn) or app.task(options, fn)"],
  ["worker", "app.worker({ hostname, concurrency, queues, prefetchMultiplier, pool, autoscale })"],
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
/** Hints for the `"celery"` module's names; every export is offered, with "from \"celery\"" if it has none here. */
const exportHints: Partial<Record<CeleryExportName, string>> = {
  chain: "chain(...sigs): run one after another, each result passed on",
  group: "group(sigs): run in parallel",
  chord: "chord(header, body): a group, then one callback with all results",
  signature: 'signature("name", { args, kwargs })',
  sleep: "await sleep(seconds): simulated time passes",
  now: "now(): simulated seconds since the start",
  service: "service(name, { latency, failureRate, outages }): a simulated downstream API",
  Celery: 'new Celery("name", { broker: "redis" | "rabbitmq", backend })',
  Task: "base class for task hooks: onSuccess, onFailure, onRetry, afterReturn",
  Retry: "error thrown by self.retry",
  Reject: "reject the message (requeue or drop)",
  Ignore: "ignore the task: no state stored",
  MaxRetriesExceededError: "raised when retries run out",
  SoftTimeLimitExceeded: "raised inside the task at its soft time limit",
  TimeLimitExceeded: "the hard time limit killed the task",
  WorkerLostError: "the pool child running the task died",
  TaskRevokedError: "the task was revoked",
  ChordError: "a chord header task failed",
  TimeoutError: "result.get timed out",
  ConnectionError: "Python's ConnectionError",
  ValueError: "Python's ValueError",
  redis: "a simulated Redis: get, set, incr, expire, ttl, del",
  faults: "scheduled fault injection",
};
/** Exports that are values to read rather than functions to call (lower-case names are functions otherwise). */
const exportVariables = new Set<string>(["params", "redis", "faults", "states"]);

function exportKind(name: string): ApiName["type"] {
  if (/^[A-Z][A-Z_]*$/.test(name)) return "constant";
  if (/^[A-Z]/.test(name)) return "class";
  return exportVariables.has(name) ? "variable" : "function";
}

/** The signals, which scenarios reach through the app rather than import. */
const signals = ["taskPrerun", "taskPostrun", "taskSuccess", "taskFailure", "taskRetry", "workerReady"];
const options = [
  "bind", "name", "base", "maxRetries", "defaultRetryDelay", "autoretryFor", "retryKwargs", "retryBackoff",
  "retryBackoffMax", "retryJitter", "timeLimit", "softTimeLimit", "acksLate", "rejectOnWorkerLost", "ignoreResult",
  "queue", "priority", "trackStarted", "expires", "countdown", "eta", "timeout", "propagate", "hostname", "concurrency",
  "queues", "prefetchMultiplier", "autoscale", "taskAcksLate", "taskRejectOnWorkerLost", "taskTrackStarted",
  "taskDefaultRetryDelay", "taskDefaultQueue", "taskRoutes", "taskTimeLimit", "taskSoftTimeLimit", "taskAlwaysEager",
  "workerPrefetchMultiplier", "workerConcurrency", "brokerTransportOptions", "visibilityTimeout", "taskDefaultPriority",
  "resultExpires", "workerDisableRateLimits",
];

export const API_NAMES: readonly ApiName[] = [
  ...CELERY_EXPORT_NAMES.map((label) => ({ label, info: exportHints[label] ?? 'from "celery"', type: exportKind(label) })),
  ...methods.map(([label, info]) => ({ label, info, type: "method" as const })),
  ...props.map(([label, info]) => ({ label, info, type: "property" as const })),
  ...signals.map((label) => ({ label, info: "signal", type: "variable" as const })),
  ...options.map((label) => ({ label, info: "option", type: "property" as const })),
];
