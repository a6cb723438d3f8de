import { defineChecks } from "../../sim/check/define";
import { fmt, returned } from "../check-helpers";

export default defineChecks({
  seed: 1,
  untilS: 300,
  checks: [
    {
      id: "email-once",
      title: "The reminder email goes out exactly once",
      explain:
        "With a visibility timeout (10 s) shorter than the countdown (60 s), Redis restores the unacknowledged message when w2 starts, w2 reserves it too, and both workers send the email at t=60. Raise `visibilityTimeout` above the longest ETA (TODO 1), and make the task idempotent (TODO 2).",
      run: (r) => {
        const lines = r.logsContaining("📧 reminder sent to user-42");
        const n = returned(r).emailsSent;
        if (lines.length === 1 && n === 1) return true;
        const t = r.tasksNamed("send_reminder")[0];
        const runs = t ? t.executions : 0;
        return `${lines.length} reminder emails were logged (emails_sent counter: ${fmt(n, 0)}), expected 1${lines.length > 1 ? `: the task ran ${runs} times and is not idempotent; claim the task id in Redis (SET NX) before sending, and skip when the claim fails` : ""}`;
      },
    },
    {
      id: "delivered-once",
      title: "The broker does not hand the reminder out again by itself",
      explain:
        "Idempotency hides the duplicate; the visibility timeout prevents it. Set `brokerTransportOptions: { visibilityTimeout: 3600 }` (anything above 60 s) so Redis does not restore the message while a worker holds it for its ETA. (The client's retried publish is a second message: only idempotency helps there.)",
      run: (r) => {
        const t = r.tasksNamed("send_reminder")[0];
        if (!t) return "send_reminder was never sent";
        // Who handed it out again: Redis restoring an unacked message after the visibility timeout.
        const restored = r.trace.filter((e) => e.kind === "message-restored" && e.task === t.index);
        if (restored.length === 0) return true;
        const workers = [...new Set(r.events("task-started").filter((e) => e.uuid === t.id).map((e) => e.hostname))].join(", ");
        return `Redis restored send_reminder's unacknowledged message at t=${fmt(restored[0]!.atS, 1)} s, before its ETA (t=${fmt(t.eta, 0)} s), because the visibility timeout is shorter than the time a worker holds it (it ran ${t.executions} times, on ${workers}); make the visibility timeout longer than the longest countdown/ETA`;
      },
    },
    {
      id: "on-time",
      title: "The reminder still runs at its ETA and succeeds",
      explain: "The fix must not delay or drop the reminder: it starts at t=60 s and succeeds.",
      run: (r) => {
        const t = r.tasksNamed("send_reminder")[0];
        if (!t) return "send_reminder was never sent";
        // The ETA the message carried: a countdown is in seconds, and it is an option of applyAsync.
        if (t.eta === null)
          return `send_reminder was not scheduled: its message has no ETA, so it started at t=${fmt(t.startedAt, 1)} s. Schedule it with applyAsync(args, { countdown: 60 }) (delay() takes only the task's arguments; a sleep inside the task holds a worker slot the whole time)`;
        if (t.eta > (t.sentAt ?? 0) + 120)
          return `send_reminder's ETA is t=${fmt(t.eta, 0)} s: a countdown is in seconds, not milliseconds`;
        if (t.state !== "SUCCESS") return `send_reminder is ${t.state}`;
        return (t.startedAt ?? 0) >= 59.9 && (t.startedAt ?? 0) <= 62 ? true : `it started at t=${fmt(t.startedAt, 1)} s, expected about 60 s`;
      },
    },
  ],
});
