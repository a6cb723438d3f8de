import { defineChecks, type LabRun } from "../../sim/check/define";
import type { TaskView } from "../../sim/engine/types";
import { returned, stateSummary } from "../check-helpers";

const eventIdOf = (t: TaskView) => (t.args[0] as { eventId?: string } | undefined)?.eventId;

/** Every task of the saga started for `orderId` (same root as its create_order). */
function saga(r: LabRun, orderId: string): TaskView[] {
  const head = r.tasksNamed("create_order").find((t) => (t.args[0] as { orderId?: string })?.orderId === orderId);
  return head ? r.report.tasks.filter((t) => t.rootId === head.rootId) : [];
}

/** The handle_event tasks sent for each event id (one, when the exchange copies it). */
function sendsByEvent(r: LabRun): Map<string, TaskView[]> {
  const out = new Map<string, TaskView[]>();
  for (const t of r.tasksNamed("handle_event")) {
    const id = eventIdOf(t);
    if (id) out.set(id, [...(out.get(id) ?? []), t]);
  }
  return out;
}

/** How many times the event reached the worker of `service` (each service's worker consumes its own queue). */
function deliveries(r: LabRun, eventId: string, service: string): number {
  const ids = new Set((sendsByEvent(r).get(eventId) ?? []).map((t) => t.id));
  return r.events("task-received").filter((e) => ids.has(String(e.uuid)) && e.hostname === service).length;
}

function compensations(r: LabRun, name: string, orderId: string): TaskView[] {
  return r.tasksNamed(name).filter((t) => t.args[0] === orderId && t.executions > 0);
}

export default defineChecks({
  seed: 1,
  untilS: 120,
  checks: [
    {
      id: "through-exchange",
      title: "Each event is published once, to the topic exchange, and the broker copies it to the subscribers",
      explain:
        "Publish every event once: `handleEvent.applyAsync([event], { exchange: \"events\", routingKey: \"event.<type>\" })`. The topic exchange puts one copy in each queue whose binding matches (TODO 1 binds them); the publisher neither knows nor matches the subscribers.",
      run: (r) => {
        const published: { eventId: string }[] = returned(r).published ?? [];
        if (published.length === 0) return "no events were published";
        const sends = sendsByEvent(r);
        if (sends.size === 0) return "no handle_event task carried an event: publish each event once to the topic exchange (exchange + routingKey), not to a queue per subscriber";
        for (const { eventId } of published) {
          const n = sends.get(eventId)?.length ?? 0;
          if (n > 1)
            return `${eventId} was sent as ${n} tasks: the publisher routed it itself, once per subscriber (matching topics in code); publish it once to the topic exchange and let its bindings copy it to each queue`;
        }
        return true;
      },
    },
    {
      id: "topic-routing-store",
      title: "Every event reaches the event store exactly once (binding event.#)",
      explain:
        "Bind the audit queue to the exchange with `event.#` (TODO 1): words are separated by dots, `*` matches exactly one word, `#` matches zero or more, so `event.#` matches every `event.<type>` key.",
      run: (r) => {
        const published: { eventId: string; routingKey: string }[] = returned(r).published ?? [];
        if (published.length === 0) return "no events were published";
        const missed = published.filter((p) => deliveries(r, p.eventId, "audit") !== 1);
        if (missed.length) {
          const keys = [...new Set(missed.map((p) => p.routingKey))].slice(0, 3);
          return `${missed.length} of ${published.length} published events did not reach the audit queue exactly once (e.g. ${keys.join(", ")}): its binding event.# must match them; "#" matches zero or more words, "*" exactly one`;
        }
        return true;
      },
    },
    {
      id: "topic-routing-subscribers",
      title: "Projections get order.* and payment.* events; notifications only confirmed and cancelled",
      explain:
        "Each queue receives only what its bindings match, and one copy per queue even when two of its bindings match. `event.order.*` does not match `event.inventory.reserved`.",
      run: (r) => {
        const published: { eventId: string; routingKey: string }[] = returned(r).published ?? [];
        for (const p of published) {
          const proj = deliveries(r, p.eventId, "projections");
          const wantProj = /^event\.(order|payment)\.[^.]+$/.test(p.routingKey) ? 1 : 0;
          if (proj !== wantProj) return `the projections queue received ${p.routingKey} (${p.eventId}) ${proj} time(s), expected ${wantProj} (bindings event.order.* and event.payment.*)`;
          const notes = deliveries(r, p.eventId, "notifications");
          const wantNotes = /^event\.order\.(confirmed|cancelled)$/.test(p.routingKey) ? 1 : 0;
          if (notes !== wantNotes) return `the notifications queue received ${p.routingKey} (${p.eventId}) ${notes} time(s), expected ${wantNotes}`;
        }
        const mails = r.logsContaining("📧 ").length;
        return mails === 3 ? true : `${mails} notifications were sent, expected 3 (two confirmed, one cancelled)`;
      },
    },
    {
      id: "event-store-versions",
      title: "The event store holds each aggregate's events once, versions 1, 2, 3…",
      explain: "Append-only and idempotent on eventId: each order's events, sorted by version, are numbered 1..n without gaps or duplicates.",
      run: (r) => {
        const store: { aggregateId: string; version: number; eventId: string }[] = returned(r).store ?? [];
        if (store.length === 0) return "the event store is empty";
        const ids = new Set(store.map((e) => e.eventId));
        if (ids.size !== store.length) return `${store.length - ids.size} duplicate events in the store`;
        const byAgg: Record<string, number[]> = {};
        for (const e of store) (byAgg[e.aggregateId] ??= []).push(e.version);
        for (const [agg, vs] of Object.entries(byAgg)) {
          const sorted = [...vs].sort((a, b) => a - b);
          if (sorted.some((v, i) => v !== i + 1)) return `${agg} has versions [${sorted.join(", ")}]`;
        }
        return true;
      },
    },
    {
      id: "read-model",
      title: "The read model shows order-1 and order-3 CONFIRMED, order-2 CANCELLED",
      explain:
        "The projector builds the order list from events only (CQRS). It needs the order.* and payment.* events (TODO 1), and order-2 only reaches CANCELLED once the saga's compensations run (TODOs 2 and 3).",
      run: (r) => {
        const views = returned(r).views ?? {};
        const want: Record<string, string> = { "order-1": "CONFIRMED", "order-2": "CANCELLED", "order-3": "CONFIRMED" };
        const wrong = Object.entries(want).filter(([id, s]) => views[id] !== s);
        return wrong.length === 0 ? true : wrong.map(([id, s]) => `${id} is ${views[id] ?? "missing"}, expected ${s}`).join("; ");
      },
    },
    {
      id: "saga-happy-path",
      title: "Paid orders are confirmed and never compensated",
      explain: "order-1 and order-3 pay successfully: their saga ends with confirm_order, and no compensation runs for them.",
      run: (r) => {
        for (const id of ["order-1", "order-3"]) {
          const confirm = saga(r, id).find((t) => t.name === "confirm_order");
          if (!confirm || confirm.state !== "SUCCESS") return `${id}: confirm_order ${confirm ? confirm.state : "missing"}`;
          for (const c of ["release_inventory", "refund_payment", "cancel_order"])
            if (compensations(r, c, id).length) return `${c} ran for ${id}, which succeeded`;
        }
        return true;
      },
    },
    {
      id: "saga-errback-once",
      title: "The saga's errback runs once, for the failed payment",
      explain:
        "Attach it with `saga.linkError(onOrderSagaFailure.s())` (TODO 2). Celery calls it once with the failing task's request (its name and args), the exception and the traceback.",
      run: (r) => {
        // Called inline by the worker with (request, exc, traceback), not sent as a task (FINDINGS §3).
        const calls = r.logsContaining("✗ saga for ");
        if (calls.length === 0) return "on_order_saga_failure never ran: attach it with saga.linkError(...) (link() callbacks run on success, linkError ones when a step fails)";
        return calls.length === 1 ? true : `on_order_saga_failure ran ${calls.length} times, expected once`;
      },
    },
    {
      id: "saga-compensates-in-reverse",
      title: "When payment fails: release the inventory, then cancel the order; no refund",
      explain:
        "Compensate only the steps that completed, newest first (TODO 3): the payment was never taken, so there is nothing to refund. confirm_order must never run.",
      run: (r) => {
        const tasks = saga(r, "order-2");
        if (tasks.length === 0) return "no saga was started for order-2";
        const confirm = tasks.find((t) => t.name === "confirm_order");
        if (confirm && confirm.executions > 0) return "confirm_order ran for order-2 although payment failed";
        const release = compensations(r, "release_inventory", "order-2");
        const cancel = compensations(r, "cancel_order", "order-2");
        const refund = compensations(r, "refund_payment", "order-2");
        if (refund.length) return "refund_payment ran for order-2, whose payment was declined: compensate only the steps that completed, not the one that failed";
        if (release.length !== 1 || cancel.length !== 1)
          return `for order-2: release_inventory ${stateSummary(release)}, cancel_order ${stateSummary(cancel)}; expected each once`;
        return (release[0]!.finishedAt ?? Infinity) <= (cancel[0]!.startedAt ?? -Infinity)
          ? true
          : "cancel_order started before release_inventory finished: compensate newest step first, one after another (a chain of the compensations)";
      },
    },
    {
      id: "stock-restored",
      title: "order-2's reservation is released: stock is widget 8, gadget 3",
      explain: "Only the confirmed orders keep their items: 10 − 2 widgets and 5 − 2 gadgets.",
      run: (r) => {
        const stock = returned(r).stock ?? {};
        return stock.widget === 8 && stock.gadget === 3 ? true : `stock is ${JSON.stringify(stock)}, expected {"widget":8,"gadget":3}`;
      },
    },
  ],
});
