// mistake: the reports are summed in main from the fetch results; summarize never runs on a worker
// expect: never sent as a task
/**
 * Pitfall 4: result.get() inside a task (reference solution).
 *
 * No task waits for another: each report is a chord, the fetches in parallel, then one summarize.
 */
import { Celery, group, sleep, now } from "celery";

const app = new Celery("reports", { broker: "redis" });

interface User {
  id: number;
  score: number;
}

export const fetchUser = app.task(async function fetch_user(userId: number): Promise<User> {
  await sleep(0.2);
  return { id: userId, score: userId * 10 };
});

export const summarize = app.task(function summarize(users: User[]) {
  return { users: users.length, total: users.reduce((a, u) => a + u.score, 0) };
});

/** The report as a workflow: nothing blocks a worker slot while waiting. */
function buildReport(userIds: number[]) {
  const fetches = group(...userIds.map((id) => fetchUser.s(id))).applyAsync();
  return {
    async get(o: { timeout: number }) {
      const users = (await fetches.get(o)) as User[];
      return { users: users.length, total: users.reduce((a, u) => a + u.score, 0) };
    },
  };
}

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  await sleep(2); // the worker comes online
  const start = now();
  const batches = [
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ];
  const reports = batches.map((ids) => buildReport(ids));
  const totals: (number | null)[] = [];
  for (const r of reports) {
    try {
      const report = (await r.get({ timeout: 30 })) as { total: number };
      totals.push(report.total);
    } catch (e) {
      console.log(`report failed: ${(e as Error).name}: ${(e as Error).message}`);
      totals.push(null);
    }
  }
  console.log(`totals ${JSON.stringify(totals)} after ${(now() - start).toFixed(1)} s`);
  return { totals };
}
