/**
 * Lab 1.1: Interactive broker comparison.
 *
 * Four simulated brokers, each with its own app, ten tasks each, sent while no worker runs.
 * Every broker is stopped, stays down for 5 s and starts again. Which messages survive?
 * Then: how many tasks per second does each broker move?
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

  const cpuBoundTask = app.task({ name: `${cfg.label}.cpu_bound_task` }, async function cpu_bound_task(i: number) {
    await sleep(0.01);
    return i * i;
  });

  return { cfg, app, simpleTask, cpuBoundTask };
}

type Lab = ReturnType<typeof makeLab>;
const labs: Lab[] = CONFIGS.map(makeLab);

/** Exercise 2: tasks per simulated second through one broker. */
async function testThroughput(lab: Lab, numTasks: number): Promise<number> {
  // TODO 4: send `numTasks` cpu_bound_task messages, wait for every result with get(),
  //         and return numTasks / (elapsed simulated seconds). Use now() for the clock.
  void lab;
  void numTasks;
  return 0;
}

export default async function main() {
  // Exercise 1: message persistence.
  const survived: Record<string, number> = {};
  for (const lab of labs) {
    for (let i = 0; i < 10; i++) lab.simpleTask.delay(`${lab.cfg.label}-${i}`);
    console.log(`${lab.cfg.label}: ${await lab.app.broker.queueLength("celery")} messages queued; stopping the broker`);

    // Like `docker-compose stop`, 5 s down, `docker-compose start`: a graceful stop.
    lab.app.broker.restart({ graceful: true, downtimeS: 5 });
    await sleep(6);

    // TODO 3: monitoring code. How many of the 10 messages are still queued after the restart?
    //         Record it in survived[lab.cfg.label] and log it.
  }

  // Start one worker per broker and let whatever survived run.
  for (const lab of labs) lab.app.worker({ hostname: `${lab.cfg.label}-w1`, concurrency: 4 });
  await sleep(5);

  // Exercise 2: throughput comparison.
  const redisRate = await testThroughput(labs[1]!, 200);
  const rabbitRate = await testThroughput(labs[2]!, 200);
  console.log(`Redis: ${redisRate.toFixed(2)} tasks/sec`);
  console.log(`RabbitMQ: ${rabbitRate.toFixed(2)} tasks/sec`);

  return { survived, throughput: { redis: redisRate, rabbitmq: rabbitRate }, at: now() };
}
