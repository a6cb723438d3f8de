// Simulator half of retries_countdown_max.py.
import { Celery, now, ValueError } from "celery";
const app = new Celery("retries_countdown_max");
const runs: { t: number; retries: number }[] = [];
export const flaky = app.task({ name: "ref.flaky", bind: true, maxRetries: 2 }, function flaky(self: any) {
  runs.push({ t: now(), retries: self.request.retries });
  throw self.retry({ exc: new ValueError("boom"), countdown: 1 });
});
export default async function main() {
  await app.worker({ taskEvents: true, hostname: "w1" }).ready();
  const r = flaky.delay();
  let error: string | null = null;
  try {
    await r.get();
  } catch (e: any) {
    error = `${e.name} ${e.message}`;
  }
  return { executions: runs.length, retries_seen: runs.map((x) => x.retries), error, state: r.state, failed_at_s: now() - runs[0]!.t };
}
