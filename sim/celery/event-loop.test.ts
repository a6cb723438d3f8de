import { describe, expect, it } from "vitest";
import { Scheduler } from "../kernel/scheduler";
import { BrokerPoll, EventLoop, MAX_TIMERS_PER_TURN, REDIS_CRON_PERIOD_S } from "./event-loop";

/** A loop on a bare scheduler: `written` records (time, job) as the pool would receive them. */
function harness(brokerWakeS: (nowS: number, orNow: boolean) => number = () => Infinity) {
  const sched = new Scheduler();
  const written: [number, string][] = [];
  const loop = new EventLoop<string>({
    now: () => sched.nowS,
    scheduleAt: (atS, fn) => sched.scheduleAt(atS, fn),
    cancel: (ev) => sched.cancel(ev),
    write: (jobs) => { for (const j of jobs) written.push([sched.nowS, j]); },
    nextBrokerWakeS: brokerWakeS,
  });
  return { sched, loop, written };
}

function drain(sched: Scheduler, untilS = 100): void {
  for (let i = 0; i < 10_000 && sched.peekTime() <= untilS; i++) sched.step();
}

describe("EventLoop (kombu Hub + AsynPool outbound buffer)", () => {
  it("a job a timer released waits for the next wake: the next timer's due time", () => {
    const { sched, loop, written } = harness();
    loop.callAt(2, 6, () => loop.release("eta"));
    loop.callAt(2.7, 0, () => {});
    drain(sched);
    expect(written).toEqual([[2.7, "eta"]]);
  });

  it("with no timer of its own left, poll sleeps until one of the hub's other timers (capped at 10 s)", () => {
    // kombu's heap always holds Heart's and maintain_pool's timers, so fire_timers returns the time to
    // the next of them, not its 1 s min_delay (RabbitMQ, instrumented: written at the next heartbeat).
    const { sched, loop, written } = harness();
    loop.callAt(2, 6, () => loop.release("eta"));
    sched.scheduleAt(3.5, () => loop.otherTimerDue());
    drain(sched);
    expect(written).toEqual([[3.5, "eta"]]);
    const alone = harness();
    alone.loop.callAt(2, 6, () => alone.loop.release("eta"));
    drain(alone.sched);
    expect(alone.written).toEqual([[12, "eta"]]);
  });

  it("a broker wake (BRPOP's empty return, a message) writes it earlier", () => {
    const { sched, loop, written } = harness((nowS, orNow) => (orNow ? Math.max(nowS, 2.25) : Infinity));
    loop.callAt(2, 6, () => loop.release("eta"));
    drain(sched);
    expect(written).toEqual([[2.25, "eta"]]);
  });

  it("an outside wake (a child's result) writes it at once", () => {
    const { sched, loop, written } = harness();
    loop.callAt(2, 6, () => loop.release("eta"));
    sched.scheduleAt(2.1, () => loop.wake());
    drain(sched);
    expect(written).toEqual([[2.1, "eta"]]);
  });

  it("fires at most 10 timers per turn, then sleeps 1 s before the rest", () => {
    const { sched, loop } = harness();
    const firedAt: number[] = [];
    for (let i = 0; i < MAX_TIMERS_PER_TURN + 3; i++) loop.callAt(0.5, i % 10, () => firedAt.push(sched.nowS));
    drain(sched);
    expect(firedAt).toEqual([...Array(10).fill(0.5), 1.5, 1.5, 1.5]);
  });

  it("timers run in (due, priority, entry) order; a canceled one is skipped and not counted", () => {
    const { sched, loop } = harness();
    const order: string[] = [];
    loop.callAt(1, 5, () => order.push("b"));
    loop.callAt(1, 2, () => order.push("a"));
    const c = loop.callAt(0.5, 0, () => order.push("canceled"));
    loop.callAt(1, 5, () => order.push("c"));
    loop.cancel(c);
    drain(sched);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("a wake with nothing to write never schedules another at the same instant (the t = 2.65 s storm)", () => {
    // A broker that claims to wake poll right now, every time: with no job in outbound such a wake
    // would only repeat the turn, so the clock must move on to the timer.
    const { sched, loop } = harness((nowS) => nowS);
    const firedAt: number[] = [];
    sched.scheduleAt(2.65, () => loop.callAt(6.65, 1, () => firedAt.push(sched.nowS)));
    drain(sched);
    expect(firedAt).toEqual([6.65]);
    expect(loop.turns).toBeLessThan(10);
  });

  it("dormant with no timer and no job: a wake costs nothing and schedules nothing", () => {
    const { sched, loop } = harness();
    loop.wake();
    expect(loop.turns).toBe(0);
    expect(sched.peekTime()).toBe(Infinity);
  });

  it("clear() hands back the unwritten jobs and forgets the timers", () => {
    const { sched, loop, written } = harness();
    loop.callAt(1, 0, () => loop.release("a"));
    loop.callAt(5, 0, () => loop.release("b"));
    drain(sched, 1.5);
    expect(loop.clear()).toEqual(["a"]);
    drain(sched);
    expect(written).toEqual([]);
    expect(loop.pendingTimers).toBe(0);
  });
});

describe("BrokerPoll (Redis BRPOP, 1 s timeout, answered on Redis's cron ticks)", () => {
  const cron = { phaseS: 0.05, periodS: REDIS_CRON_PERIOD_S };
  const tick = (k: number) => cron.phaseS + k * cron.periodS;

  it("returns empty at the first cron tick past issue + 1 s (+1 ms), then every ten ticks", () => {
    const p = new BrokerPoll(() => cron);
    p.issuedAt(0.3); // deadline 1.301: tick 13 (1.3565); then 23, 33
    expect(p.nextEmptyReturnS(0.3, false)).toBeCloseTo(tick(13), 12);
    expect(p.nextEmptyReturnS(tick(13), false)).toBeCloseTo(tick(23), 12);
    expect(p.nextEmptyReturnS(tick(13), true)).toBeCloseTo(tick(13), 12);
    expect(p.nextEmptyReturnS(tick(13) + 0.001, true)).toBeCloseTo(tick(23), 12);
    expect(p.nextEmptyReturnS(tick(30), false)).toBeCloseTo(tick(33), 12);
  });

  it("a BRPOP sent again more than ~4 ms after a tick misses the tick ten on (instrumented worker)", () => {
    const early = new BrokerPoll(() => cron);
    early.issuedAt(tick(5) + 0.0039);
    expect(early.nextEmptyReturnS(tick(5), false)).toBeCloseTo(tick(15), 12);
    const late = new BrokerPoll(() => cron);
    late.issuedAt(tick(5) + 0.0041);
    expect(late.nextEmptyReturnS(tick(5), false)).toBeCloseTo(tick(16), 12);
  });

  it("the next return after a return is ten ticks on, also where the tick's time rounds", () => {
    const odd = { phaseS: 0.651190098, periodS: REDIS_CRON_PERIOD_S };
    const p = new BrokerPoll(() => odd);
    p.issuedAt(odd.phaseS);
    const returnedAtS = odd.phaseS + 10 * odd.periodS;
    expect(p.nextEmptyReturnS(odd.phaseS, false)).toBe(returnedAtS);
    expect(p.nextEmptyReturnS(returnedAtS, true)).toBe(returnedAtS);
    expect(p.nextEmptyReturnS(returnedAtS, false)).toBeCloseTo(odd.phaseS + 20 * odd.periodS, 12);
  });
});
