/** Celery's signals: `taskPrerun.connect(handler)`; handlers run where Celery runs them, in the worker. */
export type SignalHandler = (args: Record<string, unknown>) => void;

export class Signal {
  private handlers: SignalHandler[] = [];
  constructor(
    readonly name: string,
    private readonly call: (h: SignalHandler, args: Record<string, unknown>) => void,
  ) {}

  connect(handler: SignalHandler): SignalHandler {
    this.handlers.push(handler);
    return handler;
  }

  disconnect(handler: SignalHandler): void {
    this.handlers = this.handlers.filter((h) => h !== handler);
  }

  send(_sender: unknown, args: Record<string, unknown>): void {
    for (const h of this.handlers) this.call(h, args);
  }
}

export function makeSignals(call: (h: SignalHandler, args: Record<string, unknown>, name: string) => void) {
  const s = (name: string) => new Signal(name, (h, a) => call(h, a, name));
  return {
    taskPrerun: s("task_prerun"),
    taskPostrun: s("task_postrun"),
    taskSuccess: s("task_success"),
    taskFailure: s("task_failure"),
    taskRetry: s("task_retry"),
    taskRevoked: s("task_revoked"),
    taskRejected: s("task_rejected"),
    workerReady: s("worker_ready"),
  };
}
