/**
 * The part of a Celery 5.2 worker's event loop (kombu's Hub + prefork AsynPool) that decides *when* a
 * request released by one of the worker's timers (an ETA, a rate-limit bucket's refill) reaches a pool
 * child. Read from kombu/asynchronous/hub.py (create_loop, fire_timers), kombu/asynchronous/timer.py,
 * celery/worker/consumer/consumer.py (_schedule_bucket_request) and celery/concurrency/asynpool.py
 * (on_poll_start, schedule_writes), and seen on an instrumented worker:
 *
 * One turn of the loop is: (1) the `on_tick` callbacks, where AsynPool registers a writer on a child's
 * inqueue only if a job is already in its outbound buffer; (2) `fire_timers`, at most 10 due timers,
 * returning the poll timeout (time to the next timer, at most 10 s; 1 s when it fired its 10);
 * (3) poll. A job a timer released in (2) sits in the outbound buffer with no writer registered, so
 * poll sleeps through it: the job is written only in the next turn, when something else wakes the
 * loop (a message from the broker, a child's ACK of a job or its result, Redis's BRPOP returning
 * empty after 1 s, the next timer). A message's own request goes to the outbound buffer in poll's
 * handlers, so the next turn writes it at once: only timer-released jobs wait (the worker hands
 * those to `release`).
 *
 * A small state machine, deterministic, driven by the simulation's scheduler: DORMANT (no timers, no
 * outbound job; wakes cost nothing), SLEEPING (one scheduled wake at the poll timeout or the broker's
 * next empty return), turns run synchronously on a wake.
 */
import type { SimEvent } from "../kernel/scheduler";

/** kombu's fire_timers(max_timers=10). */
export const MAX_TIMERS_PER_TURN = 10;
/** fire_timers' min_delay: the poll timeout when it fired its 10 timers, or has none left. */
export const MIN_POLL_TIMEOUT_S = 1;
/** fire_timers' max_delay. */
export const MAX_POLL_TIMEOUT_S = 10;

export interface LoopTimer {
  readonly dueS: number;
  readonly priority: number;
  readonly seq: number;
  readonly fn: () => void;
  canceled: boolean;
}

export interface EventLoopHost<J> {
  now(): number;
  scheduleAt(atS: number, fn: () => void): SimEvent;
  cancel(ev: SimEvent | null): void;
  /** Poll reported the children's inqueues writable: hand these jobs to the pool. */
  write(jobs: J[]): void;
  /**
   * When the broker connection next wakes an idle poll (Redis: BRPOP's empty return), or Infinity;
   * `orNow`: a return due at this very instant counts (it comes just after the timers fired).
   */
  nextBrokerWakeS(nowS: number, orNow: boolean): number;
}

export class EventLoop<J> {
  /** kombu Timer's heap: (eta, priority), then the order entered. */
  private readonly heap: LoopTimer[] = [];
  /** AsynPool's outbound buffer: jobs no writer has taken yet. */
  private readonly outbound: J[] = [];
  private wakeEvent: SimEvent | null = null;
  private seq = 0;
  /** A turn is running: its own end decides how long poll sleeps. */
  private inTurn = false;
  /** The last fire_timers fired its 10: poll sleeps 1 s whatever other timers are due. */
  private capped = false;
  /** Turns run so far (for tests and the trace's curious reader). */
  turns = 0;

  constructor(private readonly host: EventLoopHost<J>) {}

  /** timer.call_at: run `fn` in the turn whose fire_timers finds it due. */
  callAt(dueS: number, priority: number, fn: () => void): LoopTimer {
    const t: LoopTimer = { dueS, priority, seq: this.seq++, fn, canceled: false };
    heapPush(this.heap, t);
    if (!this.inTurn) this.sleep(this.pollTimeoutS()); // entered from a poll handler: poll sleeps no longer than to it
    return t;
  }

  /** A canceled entry stays in the heap and is skipped when it comes up (kombu does the same). */
  cancel(t: LoopTimer | null): void {
    if (t) t.canceled = true;
  }

  /** A job a timer released (pool.apply_async from a timer callback): it waits for the next turn. */
  release(job: J): void {
    this.outbound.push(job);
  }

  get pendingTimers(): number {
    return this.heap.length;
  }

  get outboundJobs(): number {
    return this.outbound.length;
  }

  /** Drop every timer and buffered job (the worker lost its connection or stopped). */
  clear(): J[] {
    this.heap.length = 0;
    this.host.cancel(this.wakeEvent);
    this.wakeEvent = null;
    return this.outbound.splice(0);
  }

  /** Something woke poll (a message, a child's ACK or result): run turns until poll would block again. */
  wake(): void {
    if (this.heap.length === 0 && this.outbound.length === 0) return; // dormant: nothing waits on a turn
    if (this.inTurn) return; // woken from inside a turn (a write started a job that ended at once): the turn goes on
    this.host.cancel(this.wakeEvent);
    this.wakeEvent = null;
    this.inTurn = true;
    try {
      for (;;) {
        this.turns++;
        const writersRegistered = this.outbound.length > 0; // on_tick, before fire_timers
        const pollTimeoutS = this.fireTimers();
        if (!writersRegistered) {
          this.inTurn = false;
          this.sleep(pollTimeoutS);
          return;
        }
        // Poll returns at once with the inqueues writable: the jobs go to the children, next turn.
        this.host.write(this.outbound.splice(0));
      }
    } finally {
      this.inTurn = false;
    }
  }

  /**
   * Another of the hub's timers (Heart's worker-heartbeat, every 2 s) came due. Poll sleeps until its
   * timer's due time, so it wakes the loop, unless fire_timers hit its cap and poll sleeps its 1 s.
   */
  otherTimerDue(): void {
    if (!this.capped) this.wake();
  }

  /** kombu's Hub.fire_timers: at most 10 due timers; returns the poll timeout in seconds. */
  private fireTimers(): number {
    const now = this.host.now();
    this.capped = false;
    for (let fired = 0; fired < MAX_TIMERS_PER_TURN; ) {
      const head = this.heap[0];
      // Heart's, maintain_pool's... timers are always in kombu's heap, so fire_timers returns the time
      // to the next of them, not min_delay; the worker models those as their own wakes (otherTimerDue).
      if (!head) return MAX_POLL_TIMEOUT_S;
      if (head.dueS > now) return Math.min(head.dueS - now, MAX_POLL_TIMEOUT_S);
      heapPop(this.heap);
      if (head.canceled) continue;
      fired++;
      head.fn();
    }
    this.capped = true;
    return MIN_POLL_TIMEOUT_S;
  }

  /** What fire_timers would return now without firing (for a timer entered while poll sleeps). */
  private pollTimeoutS(): number {
    while (this.heap[0]?.canceled) heapPop(this.heap);
    const head = this.heap[0];
    if (!head) return MIN_POLL_TIMEOUT_S;
    return Math.max(0, Math.min(head.dueS - this.host.now(), MAX_POLL_TIMEOUT_S));
  }

  /** Poll blocks until its timeout or the broker's next wake; DORMANT when nothing waits. */
  private sleep(pollTimeoutS: number): void {
    if (this.heap.length === 0 && this.outbound.length === 0) {
      this.host.cancel(this.wakeEvent);
      this.wakeEvent = null;
      return;
    }
    const now = this.host.now();
    // A job waits in outbound: a BRPOP return at this instant still wakes poll (it lands a hair
    // after the timer). With none waiting, a wake at this instant would only repeat this turn, and
    // the next would schedule the same again: the clock would never move.
    const jobsWaiting = this.outbound.length > 0;
    const brokerWakeS = this.host.nextBrokerWakeS(now, jobsWaiting);
    const atS = Math.min(now + pollTimeoutS, jobsWaiting || brokerWakeS > now ? brokerWakeS : Infinity);
    if (this.wakeEvent && !this.wakeEvent.cancelled && this.wakeEvent.atS <= atS) return;
    this.host.cancel(this.wakeEvent);
    this.wakeEvent = this.host.scheduleAt(atS, () => {
      this.wakeEvent = null;
      this.wake();
    });
  }
}

function before(a: LoopTimer, b: LoopTimer): boolean {
  if (a.dueS !== b.dueS) return a.dueS < b.dueS;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

function heapPush(h: LoopTimer[], t: LoopTimer): void {
  h.push(t);
  for (let i = h.length - 1; i > 0; ) {
    const p = (i - 1) >> 1;
    if (!before(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop(h: LoopTimer[]): LoopTimer | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length && last) {
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}

/** kombu's Redis channel: BRPOP with a 1 s timeout, issued again each time it returns. */
export const BRPOP_TIMEOUT_S = 1;

/**
 * Redis 7 answers a BRPOP that timed out only when its event loop next runs: with nothing else to
 * do, at its cron (hz 10). On an instrumented worker the empty returns of an idle worker came
 * 1.004-1.008 s apart (a cron tick every ~100.5 ms: ten ticks past each return), and the first one
 * after a message 1.039-1.097 s after the BRPOP went out again (the next tick after its deadline).
 */
export const REDIS_CRON_PERIOD_S = 0.1005;

/**
 * Redis times a blocked client out when the time in whole milliseconds is past its deadline in
 * whole milliseconds (`timeout < now`), so a BRPOP's deadline is in effect ~1 ms after issue + 1 s:
 * on the instrumented worker a BRPOP issued 4.0 ms after a tick missed the tick 10 on, one issued
 * 0.3-0.4 ms after a tick did not.
 */
export const REDIS_TIMEOUT_MS_S = 0.001;

/** When Redis's cron ticks: `phaseS + k * periodS`. */
export interface RedisCron {
  readonly phaseS: number;
  readonly periodS: number;
}

/**
 * When the pending BRPOP of an idle worker returns empty and so wakes its loop. It is issued again
 * right after each message it brings (`issuedAt`), and after each empty return: its deadline is the
 * issue + 1 s, its return the first cron tick at or after the deadline.
 */
export class BrokerPoll {
  private issuedAtS = 0;

  constructor(private readonly cron: () => RedisCron) {}

  issuedAt(nowS: number): void {
    this.issuedAtS = nowS;
  }

  /** The first empty return after `nowS` (or at it, with `orNow`). */
  nextEmptyReturnS(nowS: number, orNow: boolean): number {
    const { phaseS, periodS } = this.cron();
    // Tick indexes, with the same 1e-9 slack both ways (a return's own tick is `now` again).
    const tickAtOrAfter = (tS: number) => Math.ceil((tS - phaseS) / periodS - 1e-9);
    const first = tickAtOrAfter(this.issuedAtS + BRPOP_TIMEOUT_S + REDIS_TIMEOUT_MS_S);
    const step = Math.ceil(BRPOP_TIMEOUT_S / periodS - 1e-9); // a return is on a tick: the next is this many ticks on
    const at = (nowS - phaseS) / periodS - first;
    const n = Math.max(0, orNow ? Math.ceil(at / step - 1e-9) : Math.floor(at / step + 1e-9) + 1);
    return Math.max(nowS, phaseS + (first + n * step) * periodS);
  }
}
