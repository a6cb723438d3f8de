// mistake: the breaker opens only when failureCount exceeds the threshold (> instead of >=), so a 4th call reaches the down API
// expect: reaches failureThreshold
/**
 * Lab 1.3: Error handling workshop (reference solution).
 *
 * Four scenarios: a flaky task, exponential backoff, a dead-letter queue, and a circuit breaker
 * around an unreliable API.
 */
import { Celery, sleep, now, service, ConnectionError, Reject, ValueError } from "celery";

const app = new Celery("retry_demo", { broker: "redis" });

// ---------------------------------------------------------------- 1. Retry patterns explorer

/** Task that randomly fails (70% of attempts). */
export const flakyTask = app.task(
  { bind: true, maxRetries: 3, defaultRetryDelay: 1 },
  async function flaky_task(self, data: string) {
    await sleep(0.1);
    if (Math.random() < 0.7) {
      console.log(`Attempt ${self.request.retries + 1} failed`);
      throw self.retry({ exc: new Error("Random failure occurred") });
    }
    return `Success after ${self.request.retries} retries (${data})`;
  },
);

/** Task with exponential backoff around an API that is down 80% of the time. */
export const exponentialBackoffTask = app.task(
  { bind: true, maxRetries: 5 },
  async function exponential_backoff_task(self) {
    try {
      await sleep(0.05); // simulated API call
      if (Math.random() < 0.8) throw new ConnectionError("API unavailable");
      return "API call successful";
    } catch (exc) {
      const countdown = 2 ** self.request.retries;
      console.log(`Retrying in ${countdown} seconds...`);
      throw self.retry({ exc, countdown });
    }
  },
);

// ---------------------------------------------------------------- 2. Dead letter queue

interface Item {
  id: number;
  valid: boolean;
}

/** Process items from the dead letter queue. */
export const processFailedItem = app.task(async function process_failed_item(data: Item, error: string) {
  console.log(`Processing failed item: ${JSON.stringify(data)}`);
  console.log(`Original error: ${error}`);
  await sleep(0.1); // manual intervention or automatic recovery logic
  return `Recovered: ${data.id}`;
});

/** Task that sends failed items to the DLQ. */
export const processWithDlq = app.task({ bind: true }, async function process_with_dlq(self, data: Item) {
  try {
    if (!data.valid) throw new ValueError("Invalid data");
    return `Processed: ${data.id}`;
  } catch (exc) {
    processFailedItem.applyAsync([data, String(exc)], { queue: "dead_letter" });
    throw exc;
  }
});

// ---------------------------------------------------------------- 2b. The broker's own dead-lettering

/**
 * The same items on RabbitMQ, whose queues can dead-letter by themselves: a message a worker rejects
 * without requeueing goes to the queue's dead-letter exchange, with no code of yours in between.
 */
const rabbit = new Celery("dlx_demo", { broker: "rabbitmq" });
// A message can be rejected only while it is unacknowledged: acknowledge after the task.
rabbit.conf.update({ taskAcksLate: true });

export const processStrict = rabbit.task({ name: "process_strict" }, function process_strict(data: Item) {
  // Rejected without requeueing: RabbitMQ moves the message to the dead-letter exchange.
  if (!data.valid) throw new Reject(`invalid item ${data.id}`, { requeue: false });
  return `Processed: ${data.id}`;
});

// ---------------------------------------------------------------- 3. Circuit breaker

/** An external API: 50 ms per call, down for a moment at t=2 s (until t=3 s) and from t=5 s to t=20 s. */
const api = service("external-api", { latency: 0.05, outages: [{ fromS: 2, toS: 3 }, { fromS: 5, toS: 20 }] });

export class CircuitOpenError extends Error {}

/** CLOSED → (failureThreshold failures) → OPEN → (timeoutS later) → HALF_OPEN → one trial call. */
class CircuitBreaker {
  state: "CLOSED" | "OPEN" | "HALF_OPEN" = "CLOSED";
  failureCount = 0;
  lastFailureTime = 0;

  constructor(
    readonly failureThreshold = 5,
    readonly timeoutS = 60,
  ) {}

  async call<T>(fn: () => Promise<T>): Promise<T> {
    const t = now();
    if (this.state === "OPEN") {
      if (t - this.lastFailureTime > this.timeoutS) this.state = "HALF_OPEN";
      else throw new CircuitOpenError("Circuit breaker is OPEN");
    }
    try {
      const result = await fn();
      if (this.state === "HALF_OPEN") {
        this.state = "CLOSED";
        console.log(`Circuit breaker CLOSED again at t=${t}`);
      }
      this.failureCount = 0;
      return result;
    } catch (e) {
      this.failureCount++;
      this.lastFailureTime = t;
      if (this.failureCount > this.failureThreshold) {
        this.state = "OPEN";
        console.log(`Circuit breaker OPEN after ${this.failureCount} failures at t=${t}`);
      }
      throw e;
    }
  }
}

// One breaker per process: each pool child imports this module and gets its own. The API task runs
// on one worker of concurrency 1 (one pool process), so one breaker sees every call. With more
// children each has its own breaker, opening only after its own 3 failures (a shared one lives in Redis).
const breaker = new CircuitBreaker(3, 10);

export const externalApiCall = app.task(
  { queue: "api" },
  async function external_api_call(endpoint: string) {
    return breaker.call(async () => {
      await api.call();
      return `Data from ${endpoint}`;
    });
  },
);

// ---------------------------------------------------------------- Driving it

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  app.worker({ hostname: "api-w1", concurrency: 1, queues: ["api"] });
  app.worker({ hostname: "dlq-w1", concurrency: 1, queues: ["dead_letter"] });

  console.log("Testing flaky task:");
  const flaky = Array.from({ length: 20 }, (_, i) => flakyTask.delay(`test data ${i}`));

  console.log("Testing exponential backoff:");
  const backoff = Array.from({ length: 5 }, () => exponentialBackoffTask.delay());

  const items: Item[] = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, valid: i % 3 !== 1 }));
  const processed = items.map((item) => processWithDlq.delay(item));

  // The broker's dead-lettering: queue "strict" dead-letters into exchange "dlx", bound to "rejected".
  rabbit.broker.declareExchange("dlx", "direct");
  rabbit.broker.bindQueue("rejected", "dlx", "strict");
  rabbit.broker.declareQueue("strict", { deadLetterExchange: "dlx" });
  const strictWorker = rabbit.worker({ hostname: "strict-w1", concurrency: 1, queues: ["strict"] });
  // A rejected task stores no result: count what reached the dead-letter queue instead of awaiting them.
  for (const item of items) processStrict.applyAsync([item], { queue: "strict" });

  // One API call every 0.5 s for 40 s.
  const apiCalls = Array.from({ length: 80 }, (_, i) => externalApiCall.applyAsync([`/orders/${i}`], { countdown: i * 0.5 }));

  // The 8 strict items take milliseconds. Stop their worker after 3 s: a message rejected with
  // requeue: true would otherwise come back and be rejected again until the end of the run.
  await sleep(3);
  strictWorker.shutdown();

  const outcome = async (r: { get(o: { timeout: number }): Promise<unknown> }) => {
    try {
      return { ok: true, value: await r.get({ timeout: 120 }) };
    } catch (e) {
      return { ok: false, value: `${(e as Error).name}: ${(e as Error).message}` };
    }
  };
  const flakyOut = await Promise.all(flaky.map(outcome));
  const backoffOut = await Promise.all(backoff.map(outcome));
  const processedOut = await Promise.all(processed.map(outcome));
  const apiOut = await Promise.all(apiCalls.map(outcome));
  await sleep(2);

  console.log(`flaky: ${flakyOut.filter((o) => o.ok).length}/20 succeeded`);
  console.log(`backoff: ${backoffOut.filter((o) => o.ok).length}/5 succeeded`);
  console.log(`api: ${apiOut.filter((o) => o.ok).length}/80 succeeded, breaker ${breaker.state} at t=${now()}`);

  return {
    flakySucceeded: flakyOut.filter((o) => o.ok).length,
    backoffSucceeded: backoffOut.filter((o) => o.ok).length,
    processedOk: processedOut.filter((o) => o.ok).length,
    deadLettered: rabbit.broker.queues().rejected ?? 0,
    apiSucceeded: apiOut.filter((o) => o.ok).length,
    breakerState: breaker.state,
  };
}
