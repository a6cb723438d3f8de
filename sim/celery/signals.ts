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

  /** Someone listens (the publisher builds a signal's arguments only then: it is on every send's path). */
  get hasReceivers(): boolean {
    return this.handlers.length > 0;
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
    /** Consumer.on_invalid_task: { sender, message, exc }. */
    taskRejected: s("task_rejected"),
    /** Consumer.on_unknown_task, in the worker's main process: { sender, name, id, message, exc }. */
    taskUnknown: s("task_unknown"),
    /** strategy.task_message_handler, in the worker's main process, once a request is accepted: { sender, request }. */
    taskReceived: s("task_received"),
    /** amqp.send_task_message, in the publisher: { sender (task name), body, exchange, routingKey, headers, properties, declare, retryPolicy }. */
    beforeTaskPublish: s("before_task_publish"),
    /** After the publish, in the publisher: { sender, body, exchange, routingKey, headers }. */
    afterTaskPublish: s("after_task_publish"),
    /** In each pool child (and a solo or threads worker's process) once it has imported the module: { sender: null }. */
    workerProcessInit: s("worker_process_init"),
    /** In the worker's main process once it consumes: { sender }. */
    workerReady: s("worker_ready"),
    /** WorkController._send_worker_shutdown, in the main process on a warm shutdown (not on SIGKILL): { sender }. */
    workerShutdown: s("worker_shutdown"),
  };
}
