/**
 * `self.replace(sig)`: Celery 5.2.6's Task.replace (celery/app/task.py). The replacement inherits the
 * task's id (frozen with it: the AsyncResult the caller holds gets the replacement's result), its
 * callbacks and errbacks, its chord and group membership and the rest of its chain; the replaced
 * execution ends with Ignore("Replaced by new task"), so it stores no state of its own and calls no
 * callbacks. Eagerly (apply()), the replacement runs inline and its value is returned.
 */
import { Ignore, ImproperlyConfigured, RuntimeError } from "./errors";
import type { Request, Task } from "./task";
import { Signature } from "./signature";
import type { SignatureData } from "./signature-data";

/** The task that carries a canvas's result: its id is the one `freeze(id)` gives. */
function resultTask(d: SignatureData): SignatureData {
  if (d.subtaskType === "chain") return resultTask(d.tasks![d.tasks!.length - 1]!);
  if (d.subtaskType === "chord") return resultTask(d.body!);
  return d;
}

export function replaceTask(self: Task, req: Request, replacement: Signature): Promise<unknown> {
  if (req.calledDirectly || !req.id) throw new RuntimeError("replace() needs a task request: call it inside a task that was sent or applied");
  if ("chord" in replacement.options) throw new ImproperlyConfigured("A signature replacing a task must not be part of a chord");
  if (replacement.subtaskType === "chain" && !replacement.tasks.length) throw new ImproperlyConfigured("Cannot replace with an empty chain");
  const app = self.app;
  let sig = replacement.clone();
  // A group is uplifted to a chord so that callbacks can be linked onto its body.
  if (sig.subtaskType === "group") sig = sig.pipe(app.signature("celery.accumulate", { kwargs: { index: 0 } }));
  for (const cb of req.callbacks) sig.data.options.link = [...(sig.data.options.link ?? []), cb];
  for (const eb of req.errbacks) sig.linkError(new Signature(app, eb));
  // freeze(self.request.id), then the options of the original that must carry over.
  app._canvas.freeze(sig.data);
  const carrier = resultTask(sig.data);
  carrier.options.taskId = req.id;
  // One record per id: from now on it is the replacement's (a worker runs the task its record names;
  // Flower, too, shows the name of the latest task-received for the id).
  const rec = app._tasks.get(req.id);
  if (rec) rec.name = carrier.task;
  if (req.chord) carrier.options.chord = req.chord;
  if (req.groupId !== null) Object.assign(carrier.options, { groupId: req.groupId, groupIndex: req.groupIndex });
  if (req.rootId) carrier.options.rootId = req.rootId;
  // The rest of the original chain follows the replacement (those steps keep their ids).
  for (const step of [...(req.chain ?? [])].reverse()) sig = sig.pipe(new Signature(app, step));
  if (req.isEager) {
    if (sig.subtaskType !== null) throw new RuntimeError("replace() with a canvas inside apply() is not modelled by the simulator: replace with a single task's signature");
    const task = app._registry.get(sig.task);
    if (!task) throw new RuntimeError(`replace(): no task named ${sig.task}`);
    return task.apply(sig.args, { kwargs: sig.kwargs }).get();
  }
  sig.delay();
  throw new Ignore("Replaced by new task");
}
