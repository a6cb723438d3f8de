// Simulator half of results_ignore_result.py.
import { Celery, sleep } from "celery";
const app = new Celery("results_ignore_result");
let executions = 0;
export const quiet = app.task({ name: "ref.quiet", ignoreResult: true }, function quiet() { executions++; return 42; });
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = quiet.delay();
  while (!executions) await sleep(0.05);
  await sleep(1);
  return { executions, state: r.state, result: r.result };
}
