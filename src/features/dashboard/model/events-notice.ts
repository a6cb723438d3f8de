/**
 * Flower shows tasks only from the events workers send, and Celery's workers send task events only
 * with -E (worker_send_task_events). When none of the run's workers does, the panel says so and how
 * to turn them on; its charts come from the simulator's trace, which records everything.
 */
import type { DashboardModel } from "./series";

export function taskEventsNotice(m: Pick<DashboardModel, "taskEvents" | "hostnames">): string | null {
  if (m.taskEvents.size === 0) return null;
  const off = [...m.taskEvents].filter(([, on]) => !on).map(([i]) => m.hostnames.get(i) ?? `worker ${i}`);
  if (off.length === 0) return null;
  const who = off.length === m.taskEvents.size ? "No worker sends task events" : `${off.join(", ")} send${off.length === 1 ? "s" : ""} no task events`;
  return (
    `${who}: Flower (and app.events) would see no tasks from ${off.length === 1 && off.length !== m.taskEvents.size ? "it" : "them"}. ` +
    "Turn them on with app.conf.update({ workerSendTaskEvents: true }) (celery worker -E) or app.worker({ taskEvents: true }); " +
    "taskSendSentEvent: true adds task-sent. The charts here read the simulator's trace, which records every task either way."
  );
}
