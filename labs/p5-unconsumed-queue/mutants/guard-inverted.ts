// mistake: the guard reports the queues workers consume that no route uses, the other way round
// expect: guard reported
/**
 * Pitfall 5: a route to a queue no worker consumes (reference solution).
 */
import { Celery, sleep } from "celery";

const app = new Celery("shop", { broker: "redis" });

const ROUTES: Record<string, { queue: string }> = {
  send_invoice: { queue: "billing" },
};
app.conf.update({ taskRoutes: ROUTES });

/** The workers we run, and the queues each consumes (celery -Q ...). */
const WORKERS = [
  { hostname: "w1", concurrency: 4, queues: ["celery"] },
  { hostname: "billing-w1", concurrency: 2, queues: ["billing"] },
];

export const placeOrder = app.task(async function place_order(orderId: number) {
  await sleep(0.1);
  return orderId;
});

export const sendInvoice = app.task(async function send_invoice(orderId: number) {
  await sleep(0.2);
  return `invoice ${orderId}`;
});

/** A deploy-time guard: queues that routes send to but no worker consumes. */
export function unconsumedQueues(routes: Record<string, { queue: string }>, workers: { queues: string[] }[]): string[] {
  const routed = new Set(Object.values(routes).map((r) => r.queue));
  return [...new Set(workers.flatMap((w) => w.queues))].filter((q) => !routed.has(q)).sort();
}

/** Configs to try the guard on, made up afresh on every run (the lab's driver: leave it as it is). */
function guardTrials(): { routes: Record<string, { queue: string }>; workers: { queues: string[] }[] }[] {
  const names = ["audit", "billing", "celery", "emails", "exports", "media", "reports", "search"];
  const pick = () => names[Math.floor(Math.random() * names.length)]!;
  const trials = [];
  for (let i = 0; i < 12; i++) {
    // The first: routes out of alphabetical order, one queue routed twice, no worker at all.
    const routed = i === 0 ? ["search", "reports", "billing", "reports"] : Array.from({ length: 2 + (i % 4) }, pick);
    const routes = Object.fromEntries(routed.map((queue, k) => [`task_${k}`, { queue }]));
    const workers = Array.from({ length: i % 3 }, () => ({ queues: Array.from({ length: 1 + (i % 2) * 2 }, pick) }));
    trials.push({ routes, workers });
  }
  return trials;
}

export default async function main() {
  for (const w of WORKERS) app.worker(w);

  const invoices = [];
  for (let i = 0; i < 10; i++) {
    placeOrder.delay(i);
    invoices.push(sendInvoice.delay(i));
  }
  await sleep(5);
  const backlog = { celery: await app.broker.queueLength("celery"), billing: await app.broker.queueLength("billing") };
  console.log(`queue lengths after 5 s: ${JSON.stringify(backlog)}`);

  let invoicesSent = 0;
  for (const r of invoices) {
    try {
      await r.get({ timeout: 2 });
      invoicesSent++;
    } catch (e) {
      console.log(`invoice not sent: ${(e as Error).name}`);
    }
  }

  const orphans = unconsumedQueues(ROUTES, WORKERS);
  if (orphans.length) console.log(`⚠ routed to queues nobody consumes: ${orphans.join(", ")}`);
  // The guard, tried on a config with a mistake in it.
  const lint = unconsumedQueues({ send_invoice: { queue: "billing" }, export_report: { queue: "reports" } }, [{ queues: ["celery", "billing"] }]);
  // …and on configs it has never seen.
  const guardCases = guardTrials().map(({ routes, workers }) => ({ routes, workers, found: unconsumedQueues(routes, workers) }));

  return { invoicesSent, backlog, orphans, lint, guardCases };
}
