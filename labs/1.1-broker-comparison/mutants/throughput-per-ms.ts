// mistake: the throughput divides by milliseconds (duration × 1000), as if now() were Date.now()
// expect: seconds
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

  const cpuBoundTask = app.task({ name: `${cfg.label}.cpu_bound_task` }, async function cpu_bound_task(i: number) {
    await sleep(0.01);
    return i * i;
  });

  return { cfg, app, simpleTask, cpuBoundTask };
}

type Lab = ReturnType<typeof makeLab>;
const labs: Lab[] = CONFIGS.map(makeLab);

async function testThroughput(lab: Lab, numTasks: number): Promise<number> {
  const start = now();
  const results = [];
  for (let i = 0; i < numTasks; i++) results.push(lab.cpuBoundTask.delay(i));
  for (const result of results) await result.get({ timeout: 60 });
  const duration = (now() - start) * 1000;
  return numTasks / duration;
}

export default async function main() {
  const survived: Record<string, number> = {};
  for (const lab of labs) {
    for (let i = 0; i < 10; i++) lab.simpleTask.delay(`${lab.cfg.label}-${i}`);
    console.log(`${lab.cfg.label}: ${await lab.app.broker.queueLength("celery")} messages queued; stopping the broker`);

    lab.app.broker.restart({ graceful: true, downtimeS: 5 });
    await sleep(6);

    const left = await lab.app.broker.queueLength("celery");
    survived[lab.cfg.label] = left;
    console.log(`${lab.cfg.label}: ${left} of 10 messages survived the restart`);
  }

  for (const lab of labs) lab.app.worker({ hostname: `${lab.cfg.label}-w1`, concurrency: 4 });
  await sleep(5);

  const redisRate = await testThroughput(labs[1]!, 200);
  const rabbitRate = await testThroughput(labs[2]!, 200);
  console.log(`Redis: ${redisRate.toFixed(2)} tasks/sec`);
  console.log(`RabbitMQ: ${rabbitRate.toFixed(2)} tasks/sec`);

  return { survived, throughput: { redis: redisRate, rabbitmq: rabbitRate }, at: now() };
}
