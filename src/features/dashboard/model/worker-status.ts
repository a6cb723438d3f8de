/**
 * A worker's status as a monitor sees it, and why, in words (Flower's "offline but active=1" is a
 * classic confusion, mher/flower#1007). A monitor only knows what events tell it: a killed worker sends
 * no worker-offline, so it looks online until its heartbeats are overdue. As Celery's events State
 * does, a worker counts as alive while its last heartbeat is younger than 2 × the heartbeat interval.
 */
import type { WorkerView } from "../../../workers/protocol";
import type { WorkerTrack } from "./series";

export type MonitorStatus = "online" | "busy" | "offline" | "starting";

export interface WorkerStatus {
  status: MonitorStatus;
  why: string;
}

/** Celery's heartbeat_expires window: 200 % of the interval. */
export const EXPIRE_FACTOR = 2;
const DEFAULT_HEARTBEAT_S = 2;

const s1 = (x: number) => `${Number(x.toFixed(1))} s`;

export function explainWorker(w: Pick<WorkerView, "status" | "active" | "concurrency" | "lastHeartbeatS">, track: WorkerTrack | undefined, nowS: number): WorkerStatus {
  const every = track?.heartbeatEveryS ?? DEFAULT_HEARTBEAT_S;
  const last = track?.lastHeartbeatS ?? w.lastHeartbeatS;
  const age = last === null ? null : Math.max(0, nowS - last);
  if (track?.offlineAtS != null && !track.online) return { status: "offline", why: `shut down: sent worker-offline at ${s1(track.offlineAtS)}` };
  if (track?.killedAtS != null && !track.online) {
    const silent = age === null ? "" : `; no heartbeat for ${s1(age)}`;
    const seen = age !== null && age <= EXPIRE_FACTOR * every ? ` (a monitor still shows it online until ${s1(last! + EXPIRE_FACTOR * every)})` : "";
    return { status: "offline", why: `killed at ${s1(track.killedAtS)}: no worker-offline event was sent${silent}${seen}` };
  }
  if (w.status === "starting" || (!track && w.status !== "offline")) return { status: "starting", why: "starting: no worker-online event yet" };
  if (w.status === "offline") return { status: "offline", why: age === null ? "offline" : `offline: no heartbeat for ${s1(age)}` };
  if (age !== null && age > EXPIRE_FACTOR * every)
    return { status: "offline", why: `no heartbeat for ${s1(age)} (expected every ${s1(every)}; a monitor gives up after ${s1(EXPIRE_FACTOR * every)})` };
  const hb = age === null ? "" : `; last heartbeat ${s1(age)} ago`;
  if (w.active > 0) return { status: "busy", why: `busy: ${w.active} of ${w.concurrency} pool processes running tasks${hb}` };
  return { status: "online", why: `online, idle: 0 of ${w.concurrency} processes busy${hb}` };
}
