/**
 * Lab 1.1: Interactive broker comparison.
 *
 * Four simulated brokers, each with its own app, ten tasks each, sent while no worker runs.
 * Every broker is stopped, stays down for 5 s and starts again. Which messages survive?
 * Then: how many no-op tasks per second does each broker's worker drain, and how many reach a
 * client that waits for every result?
 */
import { Celery, now, sleep } from "celery";

/** A broker URL: redis://… is Redis, amqp://… is RabbitMQ; each URL is its own broker. */
type BrokerKind = `redis://${string}` | `amqp://${string}`;

interface BrokerConfig {
  label: string;
  broker: BrokerKind;
  /** Redis only: what the server writes to disk. "none" = --save "" --appendonly no,
   *  "rdb" = periodic snapshots (Redis's default), "aof" = append-only file, fsync always. */
  persistence?: "none" | "rdb" | "aof";
  /** RabbitMQ only: Celery's task_default_delivery_mode. */
  deliveryMode?: "persistent" | "transient";
}

const CONFIGS: BrokerConfig[] = [
  // The control: a Redis that keeps nothing on disk (a common "cache" setup). Leave it as is.
  { label: "redis_none", broker: "redis://redis-none:6379/0", persistence: "none" },
  // TODO 1: make this Redis write every command to an append-only file ("aof").
  { label: "redis_aof", broker: "redis://redis-aof:6379/0", persistence: "none" },
  // RabbitMQ with Celery's defaults: durable queue, persistent messages.
  { label: "rabbit_durable", broker: "amqp://rabbit-durable//", deliveryMode: "persistent" },
  // TODO 2: send this app's messages as transient (non-persistent) messages.
  { label: "rabbit_transient", broker: "amqp://rabbit-transient//", deliveryMode: "persistent" },
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
  // TODO 4: send `numTasks` noop messages, wait for every result with get(),
  //         and return numTasks / (elapsed simulated seconds). Use now() for the clock.
  void lab;
  void numTasks;
  return 0;
}

export default async function main() {
  // Exercise 1: message persistence.
  const survived: Record<string, number> = {};
  for (const lab of labs) {
    // How many messages: drawn per broker (11 to 20, the seed decides), so count them, do not assume.
    const queued = 11 + Math.floor(Math.random() * 10);
    for (let i = 0; i < queued; i++) lab.simpleTask.delay(`${lab.cfg.label}-${i}`);
    console.log(`${lab.cfg.label}: ${await lab.app.broker.queueLength("celery")} messages queued; stopping the broker`);

    // Like `docker-compose stop`, 5 s down, `docker-compose start`: a graceful stop.
    lab.app.broker.restart({ graceful: true, downtimeS: 5 });
    await sleep(6);

    // TODO 3: monitoring code. How many of the queued messages are still there after the restart?
    //         Record it in survived[lab.cfg.label] and log it.
  }

  // Exercise 2: how fast does each broker's worker drain 1000 queued no-ops? One worker at a
  // time, as real Celery was measured (on one machine two workers share its 2 cores).
  const drain: Record<string, number> = {};
  for (const [key, lab] of [["redis", labs[1]!], ["rabbitmq", labs[2]!]] as const) {
    const batch = queueBacklog(lab, BACKLOG);
    lab.app.worker({ hostname: `${lab.cfg.label}-w1`, concurrency: 4, taskEvents: true });
    while (batch.left() > 0) await sleep(0.1);
    const { firstStartS, lastEndS } = batch;
    // TODO 5: the worker's drain rate: BACKLOG tasks over the seconds from the first task's start
    //         to the last task's finish (not from the sends: the worker was still starting).
    void firstStartS;
    void lastEndS;
    drain[key] = 0;
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
