/**
 * A sandboxed worker runs learner code in the realm of the runtime that answers the page, and
 * comlink, which builds and posts each answer, calls built-ins a scenario can patch
 * (`Object.assign`, `Promise.prototype.then`): a patch can hand the scenario comlink's way out
 * (found by a review, 2026-12-06). So comlink's messages from such a worker travel inside this
 * envelope, made by the runtime's own endpoint (lockdown-core.ts), and the page reads side-channel
 * messages (which code runs, "alive", a limit) only outside it: whatever a scenario posts through
 * comlink's way can at most look like an answer to the page's own pending call, never like the
 * runtime speaking on the side channel.
 */
export const RPC_ENVELOPE = "celery-playground/rpc";

/** The answer inside an envelope, or undefined when `data` is not one. */
export function unwrapRpc(data: unknown): { inner: unknown } | undefined {
  return data !== null && typeof data === "object" && Object.prototype.hasOwnProperty.call(data, RPC_ENVELOPE) ? { inner: (data as Record<string, unknown>)[RPC_ENVELOPE] } : undefined;
}
