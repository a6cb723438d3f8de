/**
 * The canvas at run time: freezing ids, applying chains, groups and chords, and what a worker does
 * after a task that belongs to one — links, the next chain step, the chord counter — and how errors
 * travel (FINDINGS §3):
 * - a failing chain step marks every remaining step FAILURE with the same error, running none;
 * - errbacks with three parameters are called inline with (request, exc, traceback), others are
 *   sent as tasks with the failed task's id;
 * - a failing chord header member: once the header is complete the body is stored as FAILURE with
 *   ChordError("Dependency <id> raised …"), never runs, and the body's errbacks get the ChordError;
 * - `get()` checks the parents first, so a chord's or chain's get() raises the original error.
 */
import type { AppCore, CanvasApp } from "./ports";
import { ChordError, reprError } from "./errors";
import { AsyncResult, GroupResult } from "./result";
import type { SignatureData, SignatureOptions } from "./signature-data";
import { Signature, sigDataList, type AnyResult, type SigsIn } from "./signature";
import type { TaskRecord } from "./records";
import { Task, emptyRequest, type Request } from "./task";
import { FAILURE, REVOKED } from "./states";
import { isThenable } from "../engine/sim";
import { ensureChordsAllowed } from "./backend-kind";

interface ChordState {
  body: SignatureData;
  size: number;
  memberIds: string[];
  done: number;
  /** Chain steps that follow the chord's body. */
  chain: SignatureData[];
  tail: Tail;
}

/** Options that belong to the last task of whatever is applied (group membership, chord, chain rest). */
interface Tail {
  groupId?: string;
  groupIndex?: number;
  chord?: SignatureData | null;
  chain?: SignatureData[];
}

function clone(d: SignatureData): SignatureData {
  return JSON.parse(JSON.stringify(d)) as SignatureData;
}

/** Where a worker's follow-up sends look their tasks up: the registry of the process that ran the task. */
type Sender = Pick<AppCore, "_registry">;

export class CanvasRuntime {
  private chords = new Map<string, ChordState>();
  constructor(private readonly app: CanvasApp) {}

  private uuid(): string {
    return this.app._sim.rng.stream("task-ids").uuid();
  }

  private sig(d: SignatureData): Signature {
    return new Signature(this.app, d);
  }

  // ---- construction ---------------------------------------------------------------------------

  pipe(a: Signature, b: Signature): Signature {
    const A = a.toData();
    const B = b.toData();
    if (A.subtaskType === "group" && B.subtaskType !== "group") return this.sig(makeChord(A, B));
    if (A.subtaskType === "chord" && B.subtaskType !== "group" && B.subtaskType !== "chain") {
      const c = clone(A);
      c.body = c.body ? this.pipe(this.sig(c.body), b).toData() : B;
      return this.sig(c);
    }
    const left = A.subtaskType === "chain" ? A.tasks ?? [] : [A];
    const right = B.subtaskType === "chain" ? B.tasks ?? [] : [B];
    return this.sig(makeChain([...left, ...right]));
  }

  map(task: Task, items: unknown[]): Signature {
    return this.sig({ task: "celery.map", args: [task.s().toData(), items], kwargs: {}, options: {}, immutable: true, subtaskType: "xmap" });
  }

  starmap(task: Task, items: unknown[][]): Signature {
    return this.sig({ task: "celery.starmap", args: [task.s().toData(), items], kwargs: {}, options: {}, immutable: true, subtaskType: "xstarmap" });
  }

  chunks(task: Task, items: unknown[][], n: number): Signature {
    return this.sig({ task: "celery.chunks", args: [task.s().toData(), items, n], kwargs: {}, options: {}, immutable: true, subtaskType: "chunks" });
  }

  /** chunks → a group of starmap tasks over slices of n. */
  private chunksToGroup(d: SignatureData): SignatureData {
    const [taskSig, items, n] = d.args as [SignatureData, unknown[][], number];
    const members: SignatureData[] = [];
    for (let i = 0; i < items.length; i += n) {
      members.push({ task: "celery.starmap", args: [taskSig, items.slice(i, i + n)], kwargs: {}, options: {}, immutable: true, subtaskType: "xstarmap" });
    }
    return { ...makeGroup(members), options: { ...d.options } };
  }

  /** Celery's prepare_steps: chunks become groups, then makeChain flattens and upgrades. */
  private steps(d: SignatureData): SignatureData[] {
    return makeChain((d.tasks ?? []).map((t) => (t.subtaskType === "chunks" ? this.chunksToGroup(t) : t))).tasks!;
  }

  // ---- freezing ------------------------------------------------------------------------------

  /** Assign ids (keeping any already there) and return the result applying will produce. */
  freeze(d: SignatureData): AnyResult {
    switch (d.subtaskType) {
      case "chain": {
        d.tasks = this.steps(d);
        let prev: AnyResult | null = null;
        for (const s of d.tasks) {
          const r = this.freeze(s);
          if (prev && !r.parent) r.parent = prev;
          prev = r;
        }
        return prev ?? new AsyncResult(this.uuid(), this.app);
      }
      case "chunks":
        Object.assign(d, this.chunksToGroup(d));
        return this.freeze(d);
      case "group": {
        d.options.groupId ??= this.uuid();
        const results = (d.tasks ?? []).map((t) => this.freeze(t));
        return new GroupResult(d.options.groupId, results.map((r) => (r instanceof GroupResult ? new AsyncResult(r.id, this.app) : r)), this.app);
      }
      case "chord": {
        const header = d.tasks![0]!;
        const hr = this.freeze(header) as GroupResult;
        const br = this.freeze(d.body!);
        d.options.taskId = br.id;
        br.parent = hr;
        return br;
      }
      default: {
        d.options.taskId ??= this.uuid();
        return new AsyncResult(d.options.taskId, this.app);
      }
    }
  }

  // ---- applying ------------------------------------------------------------------------------

  apply(d0: SignatureData, args: unknown[], kwargs: Record<string, unknown>, options: SignatureOptions, parent?: Request | null): AnyResult {
    const d = clone(d0);
    const { link, linkError, ...rest } = options;
    // Celery 5.2's group.apply_async refuses callbacks given with the call (a group's own, set with
    // .set(), go to each of its tasks, as _apply_tasks passes them on).
    if (d.subtaskType === "group" && link) throw new TypeError("Cannot add link to group: use a chord");
    if (d.subtaskType === "group" && linkError) throw new TypeError("Cannot add link to group: do that on individual tasks");
    Object.assign(d.options, rest);
    if (link) (d.options.link ??= []).push(...sigDataList(link as SigsIn));
    if (linkError) (d.options.linkError ??= []).push(...sigDataList(linkError as SigsIn));
    const result = this.freeze(d);
    // chord.run asks the backend first (ensure_chords_allowed): rpc and no backend refuse, before
    // anything is sent (a group chained into a task is a chord by now: freeze made it one).
    if (hasChord(d)) ensureChordsAllowed(this.app._backendKind);
    if (d.subtaskType !== null) this.app._sim.record("canvas", -1, -1, NaN, { root: describeTree(d) });
    this.applyFrozen(d, args, kwargs, {}, parent);
    return result;
  }

  private applyFrozen(d: SignatureData, args: unknown[], kwargs: Record<string, unknown>, tail: Tail, parent?: Request | null): void {
    switch (d.subtaskType) {
      case "chain": {
        const steps = d.tasks!;
        if (!steps.length) return;
        // A chain's own link_error goes to every step, its link to the last (Celery's chain.run). A chord
        // step passes it to its body (chord.link_error), where a failing body calls it (reference pair
        // canvas_chain_chord_body_fails_link_error).
        for (const s of steps) {
          if (!d.options.linkError?.length) break;
          const target = s.subtaskType === "chord" ? s.body! : s;
          target.options.linkError = [...(target.options.linkError ?? []), ...d.options.linkError];
        }
        if (d.options.link?.length) steps[steps.length - 1]!.options.link = [...(steps[steps.length - 1]!.options.link ?? []), ...d.options.link];
        const last = steps[steps.length - 1]!;
        const restReversed = steps.slice(1).reverse();
        const chainRest = [...(tail.chain ?? []), ...restReversed];
        // Group membership and chord go to the chain's last task.
        if (tail.groupId !== undefined || tail.chord) this.setTail(last, tail);
        this.applyFrozen(steps[0]!, args, kwargs, steps.length === 1 ? tail : { chain: chainRest }, parent);
        return;
      }
      case "group": {
        const gid = d.options.groupId!;
        // The group's own options replace its members' (Signature._merge: dict(self.options, **options)).
        for (const m of d.tasks ?? []) {
          if (d.options.link?.length) m.options.link = [...d.options.link];
          if (d.options.linkError?.length) m.options.linkError = [...d.options.linkError];
        }
        (d.tasks ?? []).forEach((m, i) => this.applyFrozen(m, args, kwargs, { ...tail, groupId: gid, groupIndex: i, chain: undefined }, parent));
        return;
      }
      case "chord": {
        const header = d.tasks![0]!;
        const body = d.body!;
        const memberIds = (header.tasks ?? []).map((t) => lastTaskId(t));
        this.chords.set(header.options.groupId!, { body, size: memberIds.length, memberIds, done: 0, chain: tail.chain ?? [], tail });
        this.app._backend.chordCounters.set(header.options.groupId!, 0);
        if (!memberIds.length) {
          this.applyFrozen(body, [[]], {}, tail, parent);
          return;
        }
        this.applyFrozen(header, args, kwargs, { chord: body }, parent);
        return;
      }
      default: {
        const merged = d.immutable ? d.args : [...args, ...d.args];
        const mergedKw = d.immutable ? d.kwargs : { ...kwargs, ...d.kwargs };
        const task = this.taskFor(d.task);
        const opts: Record<string, unknown> = { ...d.options, signature: d };
        if (tail.groupId !== undefined) {
          opts.groupId = tail.groupId;
          opts.groupIndex = tail.groupIndex;
        }
        if (tail.chord) opts.chord = tail.chord;
        if (tail.chain?.length) opts.chain = tail.chain;
        if (task && task.applyAsync !== Task.prototype.applyAsync) {
          // Celery's Signature.apply_async calls the task's own apply_async: a base class overriding
          // it sees every send, the canvas's and a worker's next chain step included.
          if (parent) Object.assign(opts, { parentId: parent.id, rootId: parent.rootId ?? parent.id });
          task.app._sendAs(parent, () => task.applyAsync(merged, { ...opts, kwargs: mergedKw }));
          return;
        }
        if (task && this.app._senderConf(parent).taskAlwaysEager) {
          this.app._applyEager(task, merged, mergedKw, opts);
          return;
        }
        this.app._send(d.task, task, merged, mergedKw, opts, parent);
      }
    }
  }

  private setTail(d: SignatureData, tail: Tail): void {
    if (d.subtaskType === "chain") return this.setTail(d.tasks![d.tasks!.length - 1]!, tail);
    if (d.subtaskType === "chord") return this.setTail(d.body!, tail);
    if (tail.groupId !== undefined) {
      d.options.groupId = tail.groupId;
      d.options.groupIndex = tail.groupIndex;
    }
    if (tail.chord) d.options.chord = tail.chord;
  }

  /** Python's `sig()`: the task's body inline (map and starmap run every item inline). */
  callInline(d: SignatureData, args: unknown[]): unknown {
    if (d.subtaskType === "xmap" || d.subtaskType === "xstarmap") {
      const [taskSig, items] = d.args as [SignatureData, unknown[]];
      return this.runMap(taskSig, items, d.subtaskType === "xstarmap");
    }
    if (d.subtaskType === "chunks") return this.callInline(this.chunksToGroup(d), args);
    if (d.subtaskType !== null) return this.apply(d, args, {}, {});
    const task = this.app._registry.get(d.task);
    if (!task) throw new Error(`task ${d.task} is not registered`);
    const merged = d.immutable ? d.args : [...args, ...d.args];
    return task.run(...merged);
  }

  /** celery.map / celery.starmap: every item through the task's body, inline, in one task. */
  runMap(taskSig: SignatureData, items: unknown[], star: boolean): unknown {
    const task = this.app._registry.get(taskSig.task);
    if (!task) throw new Error(`task ${taskSig.task} is not registered`);
    const out = items.map((it) => task.run(...(star ? (it as unknown[]) : [it])));
    return out.some(isThenable) ? Promise.all(out) : out;
  }

  // ---- after a task ends on a worker ---------------------------------------------------------

  /**
   * The task as the sending process has it: a worker sends the next step from the child that ran the
   * task (its module state, its base class's applyAsync), the client from its own module.
   */
  private taskFor(name: string): Task | null {
    return this.sender?._registry.get(name) ?? this.app._registry.get(name) ?? this.app._world.findTask(name) ?? null;
  }

  private sender: Sender | null = null;

  /** Run `follow` with `process` (the app of the pool child that ran the task) as the sender. */
  private sentFrom(process: Sender | null, follow: () => void): void {
    const outer = this.sender;
    this.sender = process;
    try {
      follow();
    } finally {
      this.sender = outer;
    }
  }

  /** A task succeeded on a worker: its links, the next chain step, its chord's counter, sent from `process`. */
  onSuccess(rec: TaskRecord, req: Request, value: unknown, process: Sender | null = null): void {
    // Most tasks have nothing to follow: no closure, no sender switch on that path.
    if (!req.callbacks.length && !req.chain?.length && !(req.chord && req.groupId)) return;
    this.sentFrom(process, () => {
      for (const cb of req.callbacks) this.apply(cb, [value], {}, {}, req);
      if (req.chain?.length) {
        const rest = [...req.chain];
        const next = rest.pop()!;
        const tail: Tail = { chain: rest };
        this.applyNext(next, value, tail, req);
      }
      if (req.chord && req.groupId) this.chordPartReturn(req.groupId, rec);
    });
  }

  private applyNext(next: SignatureData, value: unknown, tail: Tail, req: Request): void {
    // The next step keeps the ids it was frozen with: the chain's results point at them.
    this.applyFrozen(next, [value], {}, tail, req);
  }

  /** A task failed on a worker: the rest of its chain, its chord's counter, its errbacks, sent from `process`. */
  onFailure(rec: TaskRecord, req: Request, exc: Error, process: Sender | null = null): void {
    this.sentFrom(process, () => {
      for (const step of req.chain ?? []) this.markStepFailed(step, exc, rec);
      if (req.chord && req.groupId) this.chordPartReturn(req.groupId, rec);
      this.callErrbacks(req.errbacks, req, exc, rec.traceback, rec.id);
    });
  }

  onRevoked(rec: TaskRecord, req: Request, _reason: string): void {
    if (req.chord && req.groupId) this.chordPartReturn(req.groupId, rec);
  }

  /** A chain step after a failure: stored as FAILURE with the same error, never run. */
  private markStepFailed(step: SignatureData, exc: Error, culprit: TaskRecord): void {
    const id = step.subtaskType === "chord" ? step.body?.options.taskId : step.options.taskId;
    if (!id) return;
    // A chord step stands for its body (its id is the body's): the body's name and arguments.
    const target = step.subtaskType === "chord" ? step.body! : step;
    const rec = this.app._tasks.create(id, target.task, { args: target.args, parentId: culprit.id, rootId: culprit.rootId });
    this.app._backend.store(rec, FAILURE, exc, culprit.traceback);
    rec.eventState = FAILURE;
    if (step.options.chord && step.options.groupId) this.chordPartReturn(step.options.groupId, rec);
  }

  private chordPartReturn(groupId: string, rec: TaskRecord): void {
    const st = this.chords.get(groupId);
    if (!st) return;
    st.done++;
    this.app._backend.chordCounters.set(groupId, st.done);
    if (st.done < st.size) return;
    this.chords.delete(groupId);
    const members = st.memberIds.map((id) => this.app._tasks.get(id));
    const culprit = members.find((m) => m && (m.state === FAILURE || m.state === REVOKED));
    const bodyId = st.body.options.taskId!;
    if (culprit) {
      const err = new ChordError(`Dependency ${culprit.id} raised ${reprError(culprit.result)}`);
      const bodyRec = this.app._tasks.create(bodyId, st.body.task, { args: st.body.args, kwargs: st.body.kwargs, parentId: rec.id, rootId: rec.rootId });
      this.app._backend.store(bodyRec, FAILURE, err, null);
      bodyRec.eventState = FAILURE;
      const bodyReq: Request = { ...emptyRequest(st.body.task), id: bodyId, args: st.body.args, kwargs: st.body.kwargs, calledDirectly: false, rootId: rec.rootId, parentId: rec.id };
      for (const step of st.chain) this.markStepFailed(step, err, bodyRec);
      this.callErrbacks(st.body.options.linkError ?? [], bodyReq, err, null, bodyId);
      return;
    }
    const values = members.map((m) => m?.result);
    const parentReq: Request = { ...emptyRequest(rec.name), id: rec.id, rootId: rec.rootId, calledDirectly: false };
    this.applyFrozen(st.body, [values], {}, { ...st.tail, chain: st.chain }, parentReq);
  }

  /** New-style errbacks (request, exc, traceback) run inline; old-style ones are sent with the id. */
  private callErrbacks(errbacks: SignatureData[], req: Request, exc: Error, traceback: string | null, failedId: string): void {
    for (const eb of errbacks) {
      const task = this.app._registry.get(eb.task) ?? this.app._world.findTask(eb.task);
      const arity = task ? task.fn.length - (task.bind ? 1 : 0) : 0;
      if (task && !eb.immutable && arity >= 3) {
        this.app._callHandler(`errback ${eb.task}`, () => {
          const out = task.run(req, exc, traceback, ...eb.args);
          if (isThenable(out)) (out as Promise<unknown>).catch(() => undefined);
        });
      } else {
        this.apply(eb, eb.immutable ? [] : [failedId], {}, {}, req);
      }
    }
  }

  describe(d: SignatureData): string {
    const args = (a: unknown[]) => a.map((x) => JSON.stringify(x)).join(", ");
    switch (d.subtaskType) {
      case "chain":
        return (d.tasks ?? []).map((t) => this.describe(t)).join(" | ");
      case "group":
        return `group([${(d.tasks ?? []).map((t) => this.describe(t)).join(", ")}])`;
      case "chord":
        return `chord(${this.describe(d.tasks![0]!)}, ${this.describe(d.body!)})`;
      default:
        return `${d.task}(${args(d.args)})${d.immutable ? "!" : ""}`;
    }
  }
}

/** A chain, built as Celery builds one: nested chains flattened, "group then a step" made a chord. */
export function makeChain(tasks: SignatureData[]): SignatureData {
  const flat = tasks.flatMap((t) => (t.subtaskType === "chain" ? (t.tasks ?? []) : [t]));
  const steps: SignatureData[] = [];
  for (let i = 0; i < flat.length; i++) {
    const t = flat[i]!;
    if (t.subtaskType === "group" && i + 1 < flat.length) {
      steps.push(makeChord(t, flat[i + 1]!));
      i++;
    } else steps.push(t);
  }
  return { task: "celery.chain", args: [], kwargs: {}, options: {}, immutable: false, subtaskType: "chain", tasks: steps };
}
export function makeGroup(tasks: SignatureData[]): SignatureData {
  return { task: "celery.group", args: [], kwargs: {}, options: {}, immutable: false, subtaskType: "group", tasks };
}
export function makeChord(header: SignatureData, body: SignatureData): SignatureData {
  const h = header.subtaskType === "group" ? header : makeGroup([header]);
  return { task: "celery.chord", args: [], kwargs: {}, options: {}, immutable: false, subtaskType: "chord", tasks: [h], body };
}

function lastTaskId(d: SignatureData): string {
  if (d.subtaskType === "chain") return lastTaskId(d.tasks![d.tasks!.length - 1]!);
  if (d.subtaskType === "chord") return lastTaskId(d.body!);
  return d.options.taskId!;
}

/** The structure of a frozen canvas for the trace: enough for a graph view to draw it. */
export interface CanvasNode {
  kind: "task" | "chain" | "group" | "chord";
  id: string | null;
  task: string | null;
  args?: unknown[];
  /** `.si()`: the task ignores its parent's result. */
  immutable?: boolean;
  /** Options set on the signature that shape the run (queue, countdown, priority, retries). */
  options?: { queue?: string; countdown?: number; priority?: number; retries?: number };
  children?: CanvasNode[];
  body?: CanvasNode;
}

export function describeTree(d: SignatureData): CanvasNode {
  switch (d.subtaskType) {
    case "chain":
      return { kind: "chain", id: null, task: null, children: (d.tasks ?? []).map(describeTree) };
    case "group":
      return { kind: "group", id: d.options.groupId ?? null, task: null, children: (d.tasks ?? []).map(describeTree) };
    case "chord":
      return { kind: "chord", id: d.tasks![0]!.options.groupId ?? null, task: null, children: [describeTree(d.tasks![0]!)], body: describeTree(d.body!) };
    default: {
      const node: CanvasNode = { kind: "task", id: d.options.taskId ?? null, task: d.task, args: d.args };
      if (d.immutable) node.immutable = true;
      const o: NonNullable<CanvasNode["options"]> = {};
      if (d.options.queue !== undefined) o.queue = d.options.queue;
      if (d.options.countdown !== undefined) o.countdown = d.options.countdown;
      if (d.options.priority !== undefined) o.priority = d.options.priority;
      if (typeof d.options.retries === "number") o.retries = d.options.retries;
      if (Object.keys(o).length) node.options = o;
      return node;
    }
  }
}

function hasChord(d: SignatureData): boolean {
  return d.subtaskType === "chord" || (d.tasks ?? []).some(hasChord) || (d.body ? hasChord(d.body) : false);
}
