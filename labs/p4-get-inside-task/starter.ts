/**
 * Pitfall 4: result.get() inside a task.
 *
 * build_report fetches each user with a subtask and waits for it. Two reports, one worker of
 * concurrency 2. What happens?
 */
import { Celery, sleep, now } from "celery";

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

// TODO: never wait for a task inside a task. Build the report as a workflow instead: the fetches in
//       parallel, then summarize once with all of them (a chord), sent from main.
export const buildReport = app.task(async function build_report(userIds: number[]) {
  const users: User[] = [];
  for (const id of userIds) users.push((await fetchUser.delay(id).get({ timeout: 10 })) as User);
  return summarize.run(users);
});

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  await sleep(2); // the worker comes online
  const start = now();
  const batches = [
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ];
  const reports = batches.map((ids) => buildReport.delay(ids));
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
