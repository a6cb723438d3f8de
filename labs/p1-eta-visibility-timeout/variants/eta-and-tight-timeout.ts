// variant: an absolute eta instead of a countdown, and a visibility timeout just above it (90 s)
/**
 * Pitfall 1: an ETA longer than Redis's visibility timeout runs the task twice (reference solution).
 *
 * A reminder is scheduled a minute ahead. With Redis, the worker takes the message at once and
 * holds it, unacknowledged, until the ETA. If that is longer than the visibility timeout, Redis
 * considers the message lost and hands it out again.
 */
import { Celery, sleep, now, redis } from "celery";

const app = new Celery("reminders", { broker: "redis" });

// Real Redis default is 3600 s (one hour) with reminders scheduled days ahead; scaled down here.
// Longer than the longest countdown/ETA this app uses.
app.conf.update({ brokerTransportOptions: { visibilityTimeout: 90 } });

/** The side effect we must not repeat. Counts emails per user in Redis. */
async function sendEmail(userId: string) {
  const n = await redis.incr(`emails_sent:${userId}`);
  console.log(`📧 reminder sent to ${userId} at t=${now().toFixed(1)} (#${n})`);
}

export const sendReminder = app.task({ bind: true }, async function send_reminder(self, userId: string) {
  // Idempotent: the first execution of this task id claims it; any redelivery skips the email.
  const claimed = await redis.set(`reminder:${self.request.id}`, "1", { NX: true, EX: 86400 });
  if (!claimed) return `duplicate delivery of ${self.request.id} skipped`;
  await sendEmail(userId);
  return `reminded ${userId} (${self.request.id})`;
});

export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const reminder = sendReminder.applyAsync(["user-42"], { eta: now() + 60 });
  console.log(`reminder ${reminder.id} scheduled for t=60`);
  // The client's publish timed out and it retried: the same message (same task id) is sent again.
  // Nothing in the broker can tell them apart; only an idempotent task sends one email.
  sendReminder.applyAsync(["user-42"], { countdown: 60, taskId: reminder.id });

  await sleep(30);
  app.worker({ hostname: "w2", concurrency: 2 }); // a deploy adds a worker
  console.log("w2 started at t=30");
  await sleep(20);
  app.worker({ hostname: "w3", concurrency: 2 }); // and another, 10 s before the reminder is due
  console.log("w3 started at t=50");

  await reminder.get({ timeout: 200 });
  await sleep(150); // long enough for the broker's periodic restore as well
  const emailsSent = Number((await redis.get("emails_sent:user-42")) ?? 0);
  console.log(`emails sent: ${emailsSent}`);
  return { emailsSent };
}
