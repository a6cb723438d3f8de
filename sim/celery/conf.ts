import type { Serializer } from "./serialization";
import type { BeatEntry } from "./beat";

/** Celery's settings in camelCase, with Celery's defaults (and a few of the simulator's own). */
export type Route = string | { queue?: string; priority?: number; exchange?: string; routingKey?: string };
export type RouteFn = (name: string, args: unknown[], kwargs: Record<string, unknown>) => Route | null | undefined;

export interface Conf {
  taskAcksLate: boolean;
  taskRejectOnWorkerLost: boolean;
  taskTrackStarted: boolean;
  taskDefaultRetryDelay: number;
  taskDefaultQueue: string;
  taskRoutes: Record<string, Route> | RouteFn | (Record<string, Route> | RouteFn)[];
  taskTimeLimit: number | null;
  taskSoftTimeLimit: number | null;
  taskAlwaysEager: boolean;
  taskEagerPropagates: boolean;
  taskIgnoreResult: boolean;
  taskDefaultPriority: number | null;
  /** "persistent" (delivery_mode 2, Celery's default) or "transient". */
  taskDefaultDeliveryMode: "persistent" | "transient";
  workerPrefetchMultiplier: number;
  workerConcurrency: number;
  workerDisableRateLimits: boolean;
  /** Seconds between worker-heartbeat events (Celery: 2). */
  workerHeartbeatIntervalS: number;
  brokerTransportOptions: { visibilityTimeout?: number; [k: string]: unknown };
  /** Redis only: "none", "rdb" (Redis's default) or "aof". */
  brokerPersistence: "none" | "rdb" | "aof";
  /** Seconds a stored result lives in a Redis backend (Celery: 1 day); null or 0: forever. */
  resultExpires: number | null;
  /** kombu serializer of task messages: "json" (Celery's default) or "pickle". */
  taskSerializer: Serializer;
  /** Serializer of results in the backend. */
  resultSerializer: Serializer;
  /** What a worker agrees to decode (names or content types); Celery's default is ["json"]. */
  acceptContent: string[];
  /**
   * Celery's result_backend: "redis://…" (the simulator's default: a store every reader shares),
   * "rpc://" (results go back to the sender only) or null / "disabled://" (no backend: get() raises).
   */
  resultBackend: string | null;
  /** Celery's worker_send_task_events (-E): workers send task events (Flower sees tasks). Default false. */
  workerSendTaskEvents: boolean;
  /** Celery's task_send_sent_event: the publisher sends task-sent. Default false. */
  taskSendSentEvent: boolean;
  /** Celery's beat_schedule: entry name → { task, schedule (seconds or crontab()), args, kwargs, options }. */
  beatSchedule: Record<string, BeatEntry>;
  [key: string]: unknown;
}

/**
 * The settings as they stand now, for a process that imported the module at this point: plain
 * objects and arrays copied (a later `app.conf.brokerTransportOptions.visibilityTimeout = 5` in the
 * client must not reach it), anything else (a router function, a crontab) shared as it is. Only
 * settings: `update` is the client's method.
 */
export function copyConf(conf: Conf): Conf {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = copy(x);
      return out;
    }
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(conf)) if (k !== "update") out[k] = copy(v);
  return out as Conf;
}

export function defaultConf(): Conf {
  return {
    taskAcksLate: false,
    taskRejectOnWorkerLost: false,
    taskTrackStarted: false,
    taskDefaultRetryDelay: 180,
    taskDefaultQueue: "celery",
    taskRoutes: {},
    taskTimeLimit: null,
    taskSoftTimeLimit: null,
    taskAlwaysEager: false,
    taskEagerPropagates: false,
    taskIgnoreResult: false,
    taskDefaultPriority: null,
    taskDefaultDeliveryMode: "persistent",
    workerPrefetchMultiplier: 4,
    workerConcurrency: 4,
    workerDisableRateLimits: false,
    workerHeartbeatIntervalS: 2,
    brokerTransportOptions: { visibilityTimeout: 3600 },
    brokerPersistence: "rdb",
    resultExpires: 86400,
    taskSerializer: "json",
    resultSerializer: "json",
    acceptContent: ["json"],
    resultBackend: "redis://",
    workerSendTaskEvents: false,
    taskSendSentEvent: false,
    beatSchedule: {},
  };
}

/** Glob match as Celery's router does for task_routes keys ("tasks.*"). */
export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  const re = new RegExp("^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
  return re.test(name);
}

export function routeFor(conf: Conf, name: string, args: unknown[], kwargs: Record<string, unknown>): { queue?: string; priority?: number; exchange?: string; routingKey?: string } | null {
  const routers = Array.isArray(conf.taskRoutes) ? conf.taskRoutes : [conf.taskRoutes];
  for (const r of routers) {
    let route: Route | null | undefined = null;
    if (typeof r === "function") route = r(name, args, kwargs);
    else for (const key of Object.keys(r)) if (globMatch(key, name)) { route = r[key]; break; }
    if (route) return typeof route === "string" ? { queue: route } : route;
  }
  return null;
}
