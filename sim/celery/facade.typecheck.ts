/**
 * Type-level test of the learner's façade (issue 17), checked by `npm run typecheck` (nothing here
 * runs): a scenario's app has Celery's API and none of the simulator's `_`-internals, which the
 * parts of the model reach through ports.ts instead. A `@ts-expect-error` that stops erroring fails
 * the typecheck.
 */
import type { Celery } from "celery";

export function facadeHasCeleryApi(app: Celery): unknown[] {
  return [app.conf.update, app.task, app.worker, app.control.inspect, app.events.on, app.signals.taskPrerun, app.broker.queueLength, app.AsyncResult, app.sendTask, app.signature];
}

export function facadeHidesInternals(app: Celery): unknown[] {
  return [
    // @ts-expect-error the broker is the simulator's: a learner reaches it through app.broker
    app._broker,
    // @ts-expect-error the world (the core shared by every process) is not part of Celery's API
    app._world,
    // @ts-expect-error sending goes through task.delay/applyAsync or app.sendTask
    app._send,
  ];
}
