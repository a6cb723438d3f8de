import type { TaskPatch, TaskView } from "./types";

/**
 * A task's whole view from what never changes about it (TaskStaticField) and its patch, key for key
 * in taskPatch's order; the page merges a patch into the view it has with it too. Written out rather
 * than spread: `{...patch}` adds the patch's 18 keys one by one to an 8-key object, which then keeps
 * them in a second, out-of-object array (a report of a million tasks holds a million views), and
 * spreading two objects costs several times this.
 */
export function joinView(id: string, name: string, args: unknown[], kwargs: Record<string, unknown>, links: Pick<TaskView, "parentId" | "rootId" | "groupId" | "eager">, p: TaskPatch): TaskView {
  return {
    id,
    name,
    args,
    kwargs,
    parentId: links.parentId,
    rootId: links.rootId,
    groupId: links.groupId,
    eager: links.eager,
    index: p.index,
    state: p.state,
    eventState: p.eventState,
    result: p.result,
    exception: p.exception,
    retries: p.retries,
    executions: p.executions,
    worker: p.worker,
    queue: p.queue,
    sentAt: p.sentAt,
    receivedAt: p.receivedAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    runtime: p.runtime,
    eta: p.eta,
    expires: p.expires,
    children: p.children,
    lostReason: p.lostReason,
  };
}
