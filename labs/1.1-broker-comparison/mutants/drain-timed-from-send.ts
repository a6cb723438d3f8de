// mistake: the drain rate is timed from the sends, so the worker's start-up is counted as if it were work
// expect: start-up
/**
 * Lab 1.1: Interactive broker comparison (reference solution).
 */
import { Celery, now, sleep } from "celery";

/** A broker URL: redis://… is Redis, amqp://… is RabbitMQ; each URL is its own broker. */
type BrokerKind = `redis://${string}` | `amqp://${string}`;

interface BrokerConfig {
  label: string;
  broker: BrokerKind;
  persistence?: "none" | "rdb" | "aof";
  deliveryMode?: "persistent" | "transient";
}

const CONFIGS: BrokerConfig[] = [
  { label: "redis_none", broker: "redis://redis-none:6379/0", persistence: "none" },
  { label: "redis_aof", broker: "redis://redis-aof:6379/0", persistence: "aof" },
  { label: "rabbit_durable", broker: "amqp://rabbit-durable//", deliveryMode: "persistent" },
  { label: "rabbit_transient", broker: "amqp://rabbit-transient//", deliveryMode: "transient" },
];

function makeLab(cfg: BrokerConfig) {
  const app = new Celery(cfg.label, { broker: cfg.broker, brokerPersistence: cfg.persistence });
  if (cfg.deliveryMode) app.conf.update({ taskDefaultDeliveryMode: cfg.deliveryMode });

  const simpleTask = app.task({ name: `${cfg.label}.simple_task` }, async function simple_task(payload: string) {
    await sleep(0.05);
    return `processed ${payload}`;
  });

  // No-op tasks: what is measured is Celery's own work per task, not the task's.
  const noop = app.task({ name: `${cfg.label}.noop` }, async function noop(i: number) {
    return i;
  });
  const noopNoResult = app.task({ name: `${cfg.label}.noop_no_result`, ignoreResult: true }, async function noop_no_result(_i: number) {});

  return { cfg, app, simpleTask, noop, noopNoResult };
}

type Lab = ReturnType<typeof makeLab>;
const labs: Lab[] = CONFIGS.map(makeLab);

const BACKLOG = 1000;
const BATCH = 1000;

interface Watch {
  /** When the first of the tasks started and the last finished, from the worker's task events. */
  firstStartS: number;
  lastEndS: number;
  /** How many have not finished yet. */
  left: () => number;
}

/** Watches the tasks `ids` through the worker's task events (main polls `left()`). */
function watchTasks(lab: Lab, ids: string[]): Watch {
  const waiting = new Set(ids);
  const watch: Watch = { firstStartS: Infinity, lastEndS: -Infinity, left: () => waiting.size };
  lab.app.events.on("task-started", (e) => {
    if (waiting.has(String(e.uuid))) watch.firstStartS = Math.min(watch.firstStartS, e.timestamp);
  });
  lab.app.events.on("task-succeeded", (e) => {
    if (waiting.delete(String(e.uuid))) watch.lastEndS = Math.max(watch.lastEndS, e.timestamp);
  });
  return watch;
}

/** Exercise 2: a backlog of fire-and-forget no-ops, queued while no worker runs. */
function queueBacklog(lab: Lab, numTasks: number): Watch {
  const ids: string[] = [];
  for (let i = 0; i < numTasks; i++) ids.push(lab.noopNoResult.delay(i).id);
  return watchTasks(lab, ids);
}

/** Exercise 3: tasks per simulated second, from the first send until every result is in. */
async function testThroughput(lab: Lab, numTasks: number): Promise<number> {
  const start = now();
  const results = [];
  for (let i = 0; i < numTasks; i++) results.push(lab.noop.delay(i));
  for (const result of results) await result.get({ timeout: 60 });
  const duration = now() - start;
  return numTasks / duration;
}

export default async function main() {
  const survived: Record<string, number> = {};
  for (const lab of labs) {
    // How many messages: drawn per broker (11 to 20, the seed decides), so count them, do not assume.
    const queued = 11 + Math.floor(Math.random() * 10);
    for (let i = 0; i < queued; i++) lab.simpleTask.delay(`${lab.cfg.label}-${i}`);
    console.log(`${lab.cfg.label}: ${await lab.app.broker.queueLength("celery")} messages queued; stopping the broker`);

    lab.app.broker.restart({ graceful: true, downtimeS: 5 });
    await sleep(6);

    const left = await lab.app.broker.queueLength("celery");
    survived[lab.cfg.label] = left;
    console.log(`${lab.cfg.label}: ${left} of ${queued} messages survived the restart`);
  }

  // Exercise 2: how fast does each broker's worker drain 1000 queued no-ops? One worker at a
  // time, as real Celery was measured (on one machine two workers share its 2 cores).
  const drain: Record<string, number> = {};
  for (const [key, lab] of [["redis", labs[1]!], ["rabbitmq", labs[2]!]] as const) {
    const sentS = now();
    const batch = queueBacklog(lab, BACKLOG);
    lab.app.worker({ hostname: `${lab.cfg.label}-w1`, concurrency: 4, taskEvents: true });
    while (batch.left() > 0) await sleep(0.1);
    const { lastEndS } = batch;
    drain[key] = BACKLOG / (lastEndS - sentS);
    console.log(`${lab.cfg.label}: drained ${BACKLOG} fire-and-forget no-ops at ${drain[key]!.toFixed(0)} tasks/sec`);
  }
  for (const lab of [labs[0]!, labs[3]!]) lab.app.worker({ hostname: `${lab.cfg.label}-w1`, concurrency: 4 });
  await sleep(2);

  // Exercise 3: the same no-ops, now with a result that main waits for.
  const redisRate = await testThroughput(labs[1]!, BATCH);
  const rabbitRate = await testThroughput(labs[2]!, BATCH);
  console.log(`Redis: ${redisRate.toFixed(0)} tasks/sec with get()`);
  console.log(`RabbitMQ: ${rabbitRate.toFixed(0)} tasks/sec with get()`);

  return { survived, drain, throughput: { redis: redisRate, rabbitmq: rabbitRate }, at: now() };
}
