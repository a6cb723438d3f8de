/** Celery's states (celery.states), and which are ready (final). */
export const PENDING = "PENDING";
export const RECEIVED = "RECEIVED";
export const STARTED = "STARTED";
export const SUCCESS = "SUCCESS";
export const FAILURE = "FAILURE";
export const REVOKED = "REVOKED";
export const REJECTED = "REJECTED";
export const RETRY = "RETRY";
export const IGNORED = "IGNORED";

export const READY_STATES = new Set([SUCCESS, FAILURE, REVOKED]);
export const EXCEPTION_STATES = new Set([RETRY, FAILURE, REVOKED]);
export const PROPAGATE_STATES = new Set([FAILURE, REVOKED]);

export const states = { PENDING, RECEIVED, STARTED, SUCCESS, FAILURE, REVOKED, REJECTED, RETRY, IGNORED, READY_STATES, EXCEPTION_STATES, PROPAGATE_STATES };
