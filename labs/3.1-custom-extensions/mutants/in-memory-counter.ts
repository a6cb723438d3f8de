// mistake: a module-level counter instead of Redis — each worker process (each pool child) counts only its own calls.
// expect: module-level variable .*(per process|lives in one process)
/**
 * Lab 3.1, a wrong solution kept for the tests: the distributed limiter counts in a module-level Map.
 */
import { Celery, chain, sleep, now } from "celery";

const app = new Celery("extension_dev", { broker: "redis" });

// ---------------------------------------------------------------- 1. Token bucket

/** `rate` tokens per second, at most `capacity` saved up. */
export class TokenBucketRateLimiter {
  tokens: number;
  lastUpdate: number;

  constructor(
    readonly rate: number,
    readonly capacity: number,
  ) {
    this.tokens = capacity;
    this.lastUpdate = now();
  }

  consume(tokens = 1): boolean {
    const t = now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.lastUpdate) * this.rate);
    this.lastUpdate = t;
    if (this.tokens >= tokens) {
      this.tokens -= tokens;
      return true;
    }
    return false;
  }
}

// ---------------------------------------------------------------- 2. Distributed rate limiter

/** A fixed window per second, shared through Redis: INCR the window's key, EXPIRE it with the window. */
export class DistributedRateLimiter {
  /** The mistake: this Map lives in one process; every pool child has its own. */
  readonly counts = new Map<string, number>();
  constructor(
    readonly keyPrefix = "celery_rate_limit:",
    readonly defaultRate = 10,
    readonly windowS = 1,
  ) {}

  async isAllowed(identifier: string, limit = this.defaultRate): Promise<boolean> {
    const window = Math.floor(now() / this.windowS);
    const key = `${this.keyPrefix}${identifier}:${window}`;
    const current = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, current);
    return current <= limit;
  }

  /** Seconds until the next window opens. */
  retryAfterS(): number {
    return (Math.floor(now() / this.windowS) + 1) * this.windowS - now();
  }
}

const limiter = new DistributedRateLimiter("celery_rate_limit:", 5);

/** Limited to 5 calls per second per user, across every worker. */
export const apiCallTask = app.task(
  { bind: true, maxRetries: null },
  async function api_call_task(self, userId: string, endpoint: string) {
    const askedAt = now();
    if (!(await limiter.isAllowed(userId))) {
      throw self.retry({ countdown: limiter.retryAfterS() + Math.random() * 0.05 });
    }
    console.log(`→ API call for ${userId} at t=${askedAt.toFixed(3)}`);
    await sleep(0.05);
    return `Called ${endpoint} for user ${userId}`;
  },
);

// ---------------------------------------------------------------- 3. Dependency graph

export class DependencyGraph {
  deps: Record<string, string[]> = {};

  addTask(name: string, dependsOn: string[] = []) {
    this.deps[name] = dependsOn;
    for (const d of dependsOn) this.deps[d] ??= [];
    return this;
  }

  /** A valid execution order (Kahn's algorithm), or null when the graph has a cycle. */
  findExecutionOrder(): string[] | null {
    const indegree: Record<string, number> = {};
    const dependents: Record<string, string[]> = {};
    for (const [node, deps] of Object.entries(this.deps)) {
      indegree[node] = deps.length;
      for (const d of deps) (dependents[d] ??= []).push(node);
    }
    const ready = Object.keys(indegree).filter((n) => indegree[n] === 0);
    const order: string[] = [];
    while (ready.length) {
      const n = ready.shift()!;
      order.push(n);
      for (const m of dependents[n] ?? []) if (--indegree[m]! === 0) ready.push(m);
    }
    if (order.length !== Object.keys(indegree).length) {
      console.log("Dependency graph contains cycles!");
      return null;
    }
    return order;
  }
}

const step = (name: string) =>
  app.task({ name }, async function () {
    await sleep(0.5);
    console.log(`${name} done at t=${now().toFixed(2)}`);
    return name;
  });

const PIPELINE_TASKS = {
  fetch_data: step("fetch_data"),
  validate_input: step("validate_input"),
  process_data: step("process_data"),
  generate_report: step("generate_report"),
};

// ---------------------------------------------------------------- Driving it

export default async function main() {
  for (let i = 1; i <= 3; i++) app.worker({ hostname: `w${i}`, concurrency: 2 });

  // 1. The bucket: 5 tokens, refilled at 5 per second.
  const bucket = new TokenBucketRateLimiter(5, 5);
  const burst = Array.from({ length: 8 }, () => bucket.consume());
  await sleep(1);
  const afterOneSecond = Array.from({ length: 8 }, () => bucket.consume());
  console.log(`bucket: burst ${burst.filter(Boolean).length}/8, after 1 s ${afterOneSecond.filter(Boolean).length}/8`);

  // 2. 30 calls for one user, 10 for another, all at once, over three workers.
  const calls = [
    ...Array.from({ length: 30 }, (_, i) => apiCallTask.delay("alice", `/items/${i}`)),
    ...Array.from({ length: 10 }, (_, i) => apiCallTask.delay("bob", `/items/${i}`)),
  ];
  for (const c of calls) await c.get({ timeout: 120 });

  // 3. Dependencies, registered in an unhelpful order.
  const graph = new DependencyGraph()
    .addTask("generate_report", ["process_data"])
    .addTask("process_data", ["fetch_data", "validate_input"])
    .addTask("fetch_data")
    .addTask("validate_input");
  const order = graph.findExecutionOrder();
  console.log(`execution order: ${order?.join(" → ")}`);
  if (order) await chain(...order.map((n) => PIPELINE_TASKS[n as keyof typeof PIPELINE_TASKS].si())).applyAsync().get({ timeout: 30 });

  const cyclic = new DependencyGraph().addTask("a", ["c"]).addTask("b", ["a"]).addTask("c", ["b"]).addTask("d");
  const cyclicOrder = cyclic.findExecutionOrder();

  return { burst, afterOneSecond, order, cyclicOrder };
}
