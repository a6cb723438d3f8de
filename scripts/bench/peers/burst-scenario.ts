/** The sim-throughput burst: one worker c=8, Redis, results on, `n` trivial tasks sent in one loop at t=0. */
export function burstScenario(n: number): string {
  return `
import { Celery } from "celery";
const app = new Celery("bench", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < ${n}; i++) add.delay(i, i);
}`;
}
