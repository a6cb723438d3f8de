/** The sentence names what hung the way a learner recognises it (the rule's tests: hang-watch.test.ts). */
import { describe, expect, it } from "vitest";
import { compile, nodeHost } from "../testing/harness";
import { createSession } from "./session";
import { HANG_BUDGET_S, hangSentence, nextTickTimeoutMs } from "./hang";

describe("the hang sentence and budgets", () => {
  it("one sentence names the task as the learner wrote it, or main, or the scenario", () => {
    expect(hangSentence("spin[97d60fcd-9d92-4260-a522-8a3446348e18]", 2)).toBe("Stopped: task spin did not yield for 2 s (infinite loop?)");
    expect(hangSentence("main", 3.5)).toBe("Stopped: main did not yield for 3.5 s (infinite loop?)");
    expect(hangSentence(null, 10)).toBe("Stopped: the scenario did not yield for 10 s (infinite loop?)");
    expect(hangSentence("the scenario", 3.5)).toBe("Stopped: the scenario did not yield for 3.5 s (infinite loop?)");
    // Stopped within the CLI's promise of 5 s, the page's of 2 s.
    expect(HANG_BUDGET_S.cli).toBeLessThan(5);
    expect(HANG_BUDGET_S.page).toBeLessThanOrEqual(2);
  });

  it("the CLI's next tick after a working one was cut: twice as long while recording went on, else until the silence reaches the budget", () => {
    // Recording to the cut (silent 10 ms of a 3.5 s budget): the loop may go on for long, double.
    expect(nextTickTimeoutMs(3500, 10, 3500)).toBe(7000);
    expect(nextTickTimeoutMs(7000, 1749, 3500)).toBe(14000);
    // Silent 2 s at the cut: what began then is a hang if it lasts the budget, 1.5 s past the cut.
    expect(nextTickTimeoutMs(3500, 2000, 3500)).toBe(5000);
    expect(nextTickTimeoutMs(3500, 2000, 3500) - (3500 - 2000)).toBe(3500);
  });

  it("code a timer runs is named as that timer (a spin in it is not main's): the labels a watchdog hears", async () => {
    const code = await compile(`import { Celery, sleep } from "celery";
const app = new Celery("t");
export default async function main() {
  setTimeout(() => { console.log("tick"); }, 1000);
  await sleep(2);
  console.log("after");
}`);
    const heard: string[] = [];
    const s = await createSession(code, { seed: 1, host: { ...nodeHost, onEnter: (label: string) => void heard.push(label) } });
    await s.advance();
    expect(s.done).toBe(true);
    expect(heard).toContain("timer 1 set by main");
    // main's own code after the timer is main's again.
    expect(heard.slice(heard.indexOf("timer 1 set by main") + 1)).toContain("main");
    expect(hangSentence("timer 1 set by main", 3.5)).toBe("Stopped: timer 1 set by main did not yield for 3.5 s (infinite loop?)");
  });
});
