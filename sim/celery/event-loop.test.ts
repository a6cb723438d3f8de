import { describe, expect, it } from "vitest";
import { Scheduler } from "../kernel/scheduler";
import { BrokerPoll, EventLoop, MAX_TIMERS_PER_TURN } from "./event-loop";

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

  it("with nothing else to wake it, poll sleeps fire_timers' 1 s", () => {
    const { sched, loop, written } = harness();
    loop.callAt(2, 6, () => loop.release("eta"));
    drain(sched);
    expect(written).toEqual([[3, "eta"]]);
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

describe("BrokerPoll (Redis BRPOP, 1 s timeout)", () => {
  it("returns empty every second from its issue", () => {
    const p = new BrokerPoll();
    p.issuedAt(0.3);
    expect(p.nextEmptyReturnS(0.3, false)).toBeCloseTo(1.3, 12);
    expect(p.nextEmptyReturnS(1.3, false)).toBeCloseTo(2.3, 12);
    expect(p.nextEmptyReturnS(1.3, true)).toBeCloseTo(1.3, 12);
    expect(p.nextEmptyReturnS(1.31, true)).toBeCloseTo(2.3, 12);
  });

  it("the next return after a return is a whole timeout later, also where issue + 1 s rounds to now", () => {
    // 2.651190098 - 1.651190098 is 0.9999999999999998 in floating point, yet 1.651190098 + 1 === 2.651190098.
    const p = new BrokerPoll();
    p.issuedAt(1.651190098);
    const returnedAtS = 1.651190098 + 1;
    expect(p.nextEmptyReturnS(returnedAtS, false)).toBeCloseTo(3.651190098, 12);
    expect(p.nextEmptyReturnS(returnedAtS, true)).toBe(returnedAtS);
  });
});
