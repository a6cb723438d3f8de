/**
 * The dashboard's time series, folded from the trace on the simulated clock. Pure and incremental
 * (O(events) per frame), like the timeline: the same events in the same order give the same series.
 *
 * Time is cut into buckets of `stepS`: bucket k holds the events with k·step <= atS < (k+1)·step and
 * is plotted at its end, x = (k+1)·step. A bucket is closed (and plotted) once the simulated clock
 * has reached its end, so no later event can still fall in it.
 *
 * Per closed bucket:
 * - `states`: tasks per monitor state (Flower's, from task events) after the bucket's events.
 * - `succeeded`, `failed`: task-succeeded / task-failed events in the bucket.
 * - `depth`, `unacked`: per queue, messages waiting in it, and delivered to a worker and not yet
 *   acknowledged, at the end: the broker's own counts, replayed from the trace's message events
 *   (BrokerDepth), so a message requeued after a worker died, restored after Redis's visibility
 *   timeout, dead-lettered or lost in a broker restart shows as it does in the broker.
 * - `waits`, `runtimes`: observations in the bucket: queue wait = task-started − the task's last
 *   task-sent; runtime = task-succeeded/failed − its task-started.
 * - `busy`/`capacity` per worker: executing tasks (started, not yet finished) and pool size, at the
 *   end, over workers that are online. The pool size comes from the latest worker views.
 */
import { BrokerDepth } from "../../../../sim/world/metrics/broker-depth";
import type { TaskView, TraceEvent, WorkerView } from "../../../workers/protocol";
import { percentile, percentileOfSorted } from "../../../../sim/kernel/percentile";

export const STATES = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED", "REJECTED"] as const;
export const LIVE_STATES = ["PENDING", "RECEIVED", "STARTED", "RETRY"] as const;

const STATE_OF: Partial<Record<TraceEvent["kind"], string>> = {
  "task-sent": "PENDING",
  "task-received": "RECEIVED",
  "task-started": "STARTED",
  "task-succeeded": "SUCCESS",
  "task-failed": "FAILURE",
  "task-retried": "RETRY",
  "task-revoked": "REVOKED",
  "task-rejected": "REJECTED",
};

const ENDS = new Set<TraceEvent["kind"]>(["task-succeeded", "task-failed", "task-retried", "task-rejected", "task-revoked"]);

export const MAX_BUCKETS = 7200;

export interface Bucket {
  /** The bucket's nominal end, (k + 1)·step; its index is derived from it. */
  endS: number;
  /** Where it is plotted: its end, or for the run's last, partial bucket, the run's end. */
  plotS: number;
  states: Record<string, number>;
  succeeded: number;
  failed: number;
  depth: Record<string, number>;
  unacked: Record<string, number>;
  waits: number[];
  runtimes: number[];
  /** Per worker hostname: [busy, capacity]; only workers online at the end. */
  pools: Record<string, [number, number]>;
  /**
   * Per simulated host: [CPU seconds burnt by cpu() in the bucket, the host's cores]. A cpu() is known
   * when it ends (the trace's "cpu" event), so its seconds are spread then over the buckets it spanned,
   * closed ones included: the only field a closed bucket may still gain.
   */
  cpu: Record<string, [number, number]>;
}

export interface AlertMark {
  atS: number;
  rule: string;
  state: string;
  value: number;
  threshold: number;
  reason: string;
}

export interface ControlMark {
  atS: number;
  command: string;
  detail: string;
}

export interface WorkerTrack {
  online: boolean;
  onlineAtS: number | null;
  offlineAtS: number | null;
  killedAtS: number | null;
  lastHeartbeatS: number | null;
  /** Gap between the last two heartbeats (or the announced freq). */
  heartbeatEveryS: number | null;
}

export interface DashboardModel {
  stepS: number;
  /** Trace index of the next event to fold (events below it were folded already). */
  nextI: number;
  /** Bucket being filled. */
  cur: Bucket;
  buckets: Bucket[];
  dropped: number;
  /** By task index (arrays, not maps: a 100k-task burst folds 800k events, ~3 lookups each). */
  taskState: (string | undefined)[];
  taskName: Map<number, string>;
  counts: Record<string, number>;
  broker: BrokerDepth;
  sentAtS: (number | undefined)[];
  startedAtS: (number | undefined)[];
  /** Task index → worker index of its open execution. */
  running: Map<number, number>;
  busy: Map<number, number>;
  hostnames: Map<number, string>;
  concurrency: Map<number, number>;
  /** Worker index → it sends task events (Celery's -E); Flower sees tasks only from those that do. */
  taskEvents: Map<number, boolean>;
  workers: Map<number, WorkerTrack>;
  alerts: AlertMark[];
  controls: ControlMark[];
  nowS: number;
  /** The run's last frame was folded (its last bucket closed at the run's end). */
  finished: boolean;
}

function newBucket(k: number, stepS: number): Bucket {
  return { endS: (k + 1) * stepS, plotS: (k + 1) * stepS, states: {}, succeeded: 0, failed: 0, depth: {}, unacked: {}, waits: [], runtimes: [], pools: {}, cpu: {} };
}

export function emptyDashboard(stepS = 1): DashboardModel {
  return {
    stepS,
    nextI: 0,
    cur: newBucket(0, stepS),
    buckets: [],
    dropped: 0,
    taskState: [],
    taskName: new Map(),
    counts: {},
    broker: new BrokerDepth(),
    sentAtS: [],
    startedAtS: [],
    running: new Map(),
    busy: new Map(),
    hostnames: new Map(),
    concurrency: new Map(),
    taskEvents: new Map(),
    workers: new Map(),
    alerts: [],
    controls: [],
    nowS: 0,
    finished: false,
  };
}

function bucketIndex(m: DashboardModel, atS: number): number {
  return Math.max(0, Math.floor(atS / m.stepS));
}

/** Close the current bucket (snapshot the gauges) and start the next one. */
function closeBucket(m: DashboardModel): void {
  const b = m.cur;
  b.states = { ...m.counts };
  for (const q of m.broker.queues()) {
    b.depth[q] = m.broker.ready(q);
    b.unacked[q] = m.broker.unacked(q);
  }
  for (const [w, tr] of m.workers) {
    if (!tr.online) continue;
    const host = m.hostnames.get(w) ?? `worker ${w}`;
    b.pools[host] = [m.busy.get(w) ?? 0, m.concurrency.get(w) ?? 0];
  }
  m.buckets.push(b);
  m.cur = newBucket(Math.round(b.endS / m.stepS), m.stepS);
}

/**
 * Close the run's last bucket at the run's end `endS`, plotted there rather than at the end of its
 * second (lines ran on past the end of the run). A run ending exactly on a bucket's start (its last
 * events at that instant) adds them to the bucket before, which ends there: no bucket of no width.
 */
function finish(m: DashboardModel, endS: number): void {
  const startS = m.cur.endS - m.stepS;
  const prev = m.buckets[m.buckets.length - 1];
  if (endS > startS || !prev) {
    m.cur.plotS = Math.max(startS, Math.min(m.cur.endS, endS));
    closeBucket(m);
    return;
  }
  const cur = m.cur;
  closeBucket(m);
  m.buckets.pop();
  prev.succeeded += cur.succeeded;
  prev.failed += cur.failed;
  for (const w of cur.waits) prev.waits.push(w);
  for (const r of cur.runtimes) prev.runtimes.push(r);
  // The gauges as they are at the end.
  prev.states = cur.states;
  prev.depth = cur.depth;
  prev.unacked = cur.unacked;
  prev.pools = cur.pools;
  for (const [h, [s, cores]] of Object.entries(cur.cpu)) prev.cpu[h] = [(prev.cpu[h]?.[0] ?? 0) + s, cores];
}

/** Spread a cpu()'s seconds evenly over [fromS, toS] across the buckets (open and closed) it covers. */
function addCpu(m: DashboardModel, host: string, cores: number, cpuS: number, fromS: number, toS: number): void {
  const spanS = toS - fromS;
  if (!(cpuS > 0) || !(spanS > 0)) return;
  // Newest first (the open bucket, then the closed ones back to the cpu()'s start), no copy.
  for (let i = m.buckets.length; i >= 0; i--) {
    const b = i === m.buckets.length ? m.cur : m.buckets[i]!;
    if (b.endS <= fromS) break;
    const overlapS = Math.min(b.endS, toS) - Math.max(b.endS - m.stepS, fromS);
    if (overlapS > 0) b.cpu[host] = [(b.cpu[host]?.[0] ?? 0) + (cpuS * overlapS) / spanS, cores];
  }
}

/** Close buckets until the one being filled is bucket k. */
function advanceTo(m: DashboardModel, k: number): void {
  while (Math.round(m.cur.endS / m.stepS) - 1 < k) closeBucket(m);
}

function setState(m: DashboardModel, task: number, state: string): void {
  const prev = m.taskState[task];
  if (prev === state) return;
  if (prev) m.counts[prev] = (m.counts[prev] ?? 1) - 1;
  m.taskState[task] = state;
  m.counts[state] = (m.counts[state] ?? 0) + 1;
}

function track(m: DashboardModel, w: number): WorkerTrack {
  let t = m.workers.get(w);
  if (!t) m.workers.set(w, (t = { online: false, onlineAtS: null, offlineAtS: null, killedAtS: null, lastHeartbeatS: null, heartbeatEveryS: null }));
  return t;
}

function closeExecution(m: DashboardModel, task: number): void {
  const w = m.running.get(task);
  if (w === undefined) return;
  m.running.delete(task);
  m.busy.set(w, Math.max(0, (m.busy.get(w) ?? 1) - 1));
  m.startedAtS[task] = undefined;
}

function foldEvent(m: DashboardModel, ev: TraceEvent): void {
  advanceTo(m, bucketIndex(m, ev.atS));
  const b = m.cur;
  const state = STATE_OF[ev.kind];
  if (state && ev.task >= 0) {
    const t = ev.task;
    if (ev.kind === "task-sent") m.sentAtS[t] = ev.atS;
    if (ev.kind === "task-started") {
      if (m.running.has(t)) closeExecution(m, t);
      const sent = m.sentAtS[t];
      if (sent !== undefined) b.waits.push(ev.atS - sent);
      m.running.set(t, ev.worker);
      m.busy.set(ev.worker, (m.busy.get(ev.worker) ?? 0) + 1);
      m.startedAtS[t] = ev.atS;
    }
    if (ENDS.has(ev.kind)) {
      const started = m.startedAtS[t];
      if ((ev.kind === "task-succeeded" || ev.kind === "task-failed") && started !== undefined) b.runtimes.push(ev.atS - started);
      closeExecution(m, t);
      if (ev.kind === "task-succeeded") b.succeeded++;
      if (ev.kind === "task-failed") b.failed++;
    }
    setState(m, t, state);
    return;
  }
  if (m.broker.fold(ev) !== null) return;
  switch (ev.kind) {
    case "worker-online": {
      const tr = track(m, ev.worker);
      tr.online = true;
      tr.onlineAtS = ev.atS;
      tr.lastHeartbeatS = ev.atS;
      tr.killedAtS = null;
      tr.offlineAtS = null;
      const freq = (ev.data as { freq?: unknown } | undefined)?.freq;
      if (typeof freq === "number") tr.heartbeatEveryS = freq;
      return;
    }
    case "worker-heartbeat": {
      const tr = track(m, ev.worker);
      if (tr.lastHeartbeatS !== null && ev.atS > tr.lastHeartbeatS) tr.heartbeatEveryS = ev.atS - tr.lastHeartbeatS;
      tr.lastHeartbeatS = ev.atS;
      return;
    }
    case "worker-offline":
    case "worker-killed": {
      const tr = track(m, ev.worker);
      tr.online = false;
      if (ev.kind === "worker-killed") tr.killedAtS = ev.atS;
      else tr.offlineAtS = ev.atS;
      for (const [t, w] of [...m.running]) if (w === ev.worker) closeExecution(m, t);
      return;
    }
    case "worker-lost":
      if (ev.task >= 0) closeExecution(m, ev.task);
      return;
    case "cpu": {
      const d = (ev.data ?? {}) as { host?: string; cores?: number; cpuS?: number; wallS?: number };
      addCpu(m, String(d.host ?? "localhost"), Number(d.cores ?? 1), Number(d.cpuS ?? 0), ev.atS - Number(d.wallS ?? 0), ev.atS);
      return;
    }
    case "alert": {
      const d = (ev.data ?? {}) as Partial<AlertMark>;
      m.alerts.push({ atS: ev.atS, rule: String(d.rule ?? ""), state: String(d.state ?? ""), value: Number(d.value ?? ev.num), threshold: Number(d.threshold ?? NaN), reason: String(d.reason ?? "") });
      return;
    }
    case "control": {
      const d = (ev.data ?? {}) as Record<string, unknown>;
      if (d.from !== "page") return;
      const { command, from: _from, kind: _kind, ...rest } = d;
      m.controls.push({ atS: ev.atS, command: String(command ?? ""), detail: Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") });
      return;
    }
    default:
      return;
  }
}

/**
 * Fold a frame's events (in trace order) into the model; mutates and returns it. Events already
 * folded (index below `nextI`) are skipped. `tasks` and `workers` are the frame's views: task names
 * and queues, worker hostnames and pool sizes. `nowS` closes the buckets the clock has passed.
 */
export function foldDashboard(
  m: DashboardModel,
  events: readonly TraceEvent[],
  tasks: readonly TaskView[],
  workers: readonly WorkerView[],
  nowS: number,
  /** False when the frame was cut short: more events up to `nowS` are still to come. */
  complete = true,
  /**
   * The run has ended (its last frame): nothing more can fall in the bucket being filled, so it is
   * closed too. Without this the events of the run's last partial second (often its last failure)
   * never reached the charts while the counts above them showed them.
   */
  finished = false,
): DashboardModel {
  for (const t of tasks) {
    if (!m.taskName.has(t.index)) m.taskName.set(t.index, t.name);
  }
  for (const w of workers) {
    m.hostnames.set(w.index, w.hostname);
    m.concurrency.set(w.index, w.concurrency);
    m.taskEvents.set(w.index, w.taskEvents);
  }
  let last = -Infinity;
  for (const ev of events) {
    if (ev.i < m.nextI) continue;
    foldEvent(m, ev);
    m.nextI = ev.i + 1;
    last = ev.atS;
  }
  const clock = complete ? Math.max(last, nowS) : last;
  m.nowS = Math.max(m.nowS, clock);
  if (clock > -Infinity && !m.finished) {
    advanceTo(m, bucketIndex(m, clock));
    if (finished && complete) {
      finish(m, clock);
      m.finished = true;
    }
  }
  if (m.buckets.length > MAX_BUCKETS) {
    const cut = m.buckets.length - MAX_BUCKETS;
    m.buckets.splice(0, cut);
    m.dropped += cut;
  }
  return m;
}

// ---------------------------------------------------------------- chart data

/** uPlot's aligned data: x first, then one array per series; null is a gap. */
export interface ChartData {
  series: string[];
  data: (number | null)[][];
  /** Per series, how to draw it: the palette colour to use (default its position) and whether dashed. */
  styles?: { color: number; dashed: boolean }[];
}

export { percentile };

const xs = (m: DashboardModel) => m.buckets.map((b) => b.plotS);

export function stateChart(m: DashboardModel, states: readonly string[] = LIVE_STATES): ChartData {
  return { series: [...states], data: [xs(m), ...states.map((s) => m.buckets.map((b) => b.states[s] ?? 0))] };
}

/** Succeeded and failed per second, averaged over the last `windowS` (whole buckets; the run's last one may be part of one). */
export function throughputChart(m: DashboardModel, windowS = 1): ChartData {
  const n = Math.max(1, Math.round(windowS / m.stepS));
  const per = (pick: (b: Bucket) => number) =>
    m.buckets.map((_, i) => {
      let sum = 0;
      const from = Math.max(0, i - n + 1);
      for (let j = from; j <= i; j++) sum += pick(m.buckets[j]!);
      const widthS = m.buckets[i]!.plotS - (m.buckets[from]!.endS - m.stepS);
      return widthS > 0 ? sum / widthS : 0;
    });
  return { series: ["succeeded/s", "failed/s"], data: [xs(m), per((b) => b.succeeded), per((b) => b.failed)] };
}

/** Per queue: messages waiting ("celery"), then delivered and not acknowledged ("celery unacked"). */
export function queueDepthChart(m: DashboardModel): ChartData {
  const queues = new Set<string>();
  for (const b of m.buckets) for (const q of Object.keys(b.depth)) queues.add(q);
  const names = [...queues].sort();
  return {
    series: [...names, ...names.map((q) => `${q} unacked`)],
    // A queue's unacked line in its own colour, dashed.
    styles: [...names.map((_, i) => ({ color: i, dashed: false })), ...names.map((_, i) => ({ color: i, dashed: true }))],
    data: [xs(m), ...names.map((q) => m.buckets.map((b) => b.depth[q] ?? 0)), ...names.map((q) => m.buckets.map((b) => b.unacked[q] ?? 0))],
  };
}

/**
 * Percentiles already computed for buckets whose window can no longer change. Observations only
 * ever land in the newest bucket (events come in time order), so every bucket but the last is
 * final; without this, each redraw re-sorted every window of the run (O(buckets x window)), tens of
 * ms per chart in a 10k-task run. Keyed by the model, so a seek (a fresh model) starts over.
 */
const settled = new WeakMap<DashboardModel, Map<string, { dropped: number; cols: (number | null)[][] }>>();

/** p50/p95/p99 over the observations of the last `windowS` (whole buckets), per bucket. */
export function percentileChart(m: DashboardModel, what: "waits" | "runtimes", windowS = 10, ps: readonly number[] = [50, 95, 99]): ChartData {
  const n = Math.max(1, Math.round(windowS / m.stepS));
  let byKey = settled.get(m);
  if (!byKey) settled.set(m, (byKey = new Map()));
  const key = `${what}\u0000${n}\u0000${ps.join(",")}`;
  let entry = byKey.get(key);
  if (!entry) byKey.set(key, (entry = { dropped: m.dropped, cols: ps.map(() => []) }));
  // The model drops its oldest buckets past MAX_BUCKETS: drop theirs too.
  if (m.dropped > entry.dropped) for (const c of entry.cols) c.splice(0, m.dropped - entry.dropped);
  entry.dropped = m.dropped;
  const done = entry.cols;
  const cols = done.map((c) => c.slice());
  for (let i = done[0]!.length; i < m.buckets.length; i++) {
    const obs: number[] = [];
    for (let j = Math.max(0, i - n + 1); j <= i; j++) for (const v of m.buckets[j]![what]) obs.push(v);
    obs.sort((a, b) => a - b);
    ps.forEach((p, c) => {
      const v = percentileOfSorted(obs, p);
      cols[c]!.push(v);
      if (i < m.buckets.length - 1) done[c]!.push(v);
    });
  }
  return { series: ps.map((p) => `p${p}`), data: [xs(m), ...cols] };
}

/**
 * Busy share of the pool, 0..100 %: all online workers together, then each worker; then, where the
 * run burns CPU (cpu()), each host's CPU: the share of its cores busy in the bucket.
 */
export function utilisationChart(m: DashboardModel): ChartData {
  const hosts = new Set<string>();
  for (const b of m.buckets) for (const h of Object.keys(b.pools)) hosts.add(h);
  const names = [...hosts].sort();
  const all = m.buckets.map((b) => {
    let busy = 0;
    let cap = 0;
    for (const [u, c] of Object.values(b.pools)) {
      busy += u;
      cap += c;
    }
    return cap > 0 ? (100 * busy) / cap : null;
  });
  const per = names.map((h) =>
    m.buckets.map((b) => {
      const p = b.pools[h];
      return p && p[1] > 0 ? (100 * p[0]) / p[1] : null;
    }),
  );
  const cpuHosts = new Set<string>();
  for (const b of m.buckets) for (const h of Object.keys(b.cpu)) cpuHosts.add(h);
  const hostNames = [...cpuHosts].sort();
  const width = (b: Bucket) => Math.max(1e-9, b.plotS - (b.endS - m.stepS));
  const cpu = hostNames.map((h) =>
    m.buckets.map((b) => {
      const c = b.cpu[h];
      return c ? Math.min(100, (100 * c[0]) / (width(b) * c[1])) : 0;
    }),
  );
  return { series: ["all workers", ...names, ...hostNames.map((h) => `CPU ${h}`)], data: [xs(m), all, ...per, ...cpu] };
}
