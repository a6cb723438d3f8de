/**
 * The simulator's table of tasks: one record per task id (a retry keeps its id), holding what the
 * result backend stores and what a monitor sees from events. Views and reports read it; the trace
 * points into it by index.
 */
import type { ResultOwner } from "./backend-kind";
import type { Encoded } from "./serialization";
import type { SignatureData } from "./signature-data";
import { PENDING } from "./states";

export interface TaskRecord {
  index: number;
  id: string;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  queue: string;
  /** Backend state: what AsyncResult.state reads. PENDING until something is stored. */
  state: string;
  /** Backend result or meta (the return value, the exception, a custom state's meta). */
  result: unknown;
  /** The stored result as the result serializer encoded it (SUCCESS only): each reader decodes a copy. */
  resultPayload: Encoded | null;
  traceback: string | null;
  /** The app that sent the task (Celery's reply_to): whose backend stores its states, who may read them. */
  resultOwner: ResultOwner | null;
  /** When the stored result leaves a Redis backend (result_expires after its last store); Infinity: never. */
  resultExpiresAtS: number;
  /** The state Flower shows, from events. */
  eventState: string;
  retries: number;
  executions: number;
  worker: string | null;
  sentAt: number | null;
  receivedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  runtime: number | null;
  eta: number | null;
  expires: number | null;
  parentId: string | null;
  rootId: string;
  groupId: string | null;
  /** Ids of the tasks it sent (add them with TaskTable.addChild: most tasks have none and share one empty list). */
  children: readonly string[];
  ignoreResult: boolean;
  /** Run by apply() (or taskAlwaysEager): no message, no worker. */
  eager: boolean;
  /** The id it was sent again as from the page ("retry"), if it was. */
  retriedAs?: string;
  /** Set when the task can never finish, with why (message acked early and the worker died…). */
  lostReason: string | null;
  /** Canvas: the signature this task was sent from, when it came from one. */
  signature: SignatureData | null;
}

/** The children of every task that sent none: one frozen empty list rather than one per task. */
const NO_CHILDREN: readonly string[] = Object.freeze([]);

export class TaskTable {
  readonly all: TaskRecord[] = [];
  private byId = new Map<string, TaskRecord>();
  get(id: string): TaskRecord | undefined {
    return this.byId.get(id);
  }

  at(index: number): TaskRecord | undefined {
    return this.all[index];
  }

  create(id: string, name: string, fields: Pick<Partial<TaskRecord>, "args" | "kwargs" | "queue" | "parentId" | "rootId" | "groupId"> = {}): TaskRecord {
    const existing = this.byId.get(id);
    if (existing) return existing;
    const rec: TaskRecord = {
      index: this.all.length,
      id,
      name,
      args: fields.args ?? [],
      kwargs: fields.kwargs ?? {},
      queue: fields.queue ?? "celery",
      state: PENDING,
      result: null,
      resultPayload: null,
      traceback: null,
      resultOwner: null,
      resultExpiresAtS: Infinity,
      eventState: PENDING,
      retries: 0,
      executions: 0,
      worker: null,
      sentAt: null,
      receivedAt: null,
      startedAt: null,
      finishedAt: null,
      runtime: null,
      eta: null,
      expires: null,
      parentId: fields.parentId ?? null,
      rootId: fields.rootId ?? id,
      groupId: fields.groupId ?? null,
      children: NO_CHILDREN,
      ignoreResult: false,
      eager: false,
      lostReason: null,
      signature: null,
    };
    this.all.push(rec);
    this.byId.set(id, rec);
    return rec;
  }

  /** Record that task `parentId` sent task `childId` (a task's first child gets it a list of its own). */
  addChild(parentId: string, childId: string): void {
    const parent = this.byId.get(parentId);
    if (!parent) return;
    if (parent.children === NO_CHILDREN) parent.children = [childId];
    else (parent.children as string[]).push(childId); // a list of its own, made above
  }
}

