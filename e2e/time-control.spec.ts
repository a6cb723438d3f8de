/** Determinism through the UI: pausing, stepping and seeking never change the run. */
import { expect, prepare, test } from "./fixtures";
import { button, runToEnd, seekTo, snapshot, waitPhase } from "./helpers";

test("pause, step and seek give the same state as a straight run", async ({ app: page }) => {
  await prepare(page, { example: "retry-explorer", seed: 42 });
  const straight = await runToEnd(page);
  expect(straight.traceHash).toMatch(/^[0-9a-f]{16}$/);
  expect(straight.nowS).toBeGreaterThan(5);

  // Step: from a reset, one event at a time, then run on.
  await button(page, "Reset").click();
  await waitPhase(page, "paused");
  expect((await snapshot(page)).traceLength).toBeLessThan(straight.traceLength);
  let last = (await snapshot(page)).traceLength;
  for (let i = 0; i < 6; i++) {
    await button(page, "Step").click();
    await expect.poll(async () => (await snapshot(page)).traceLength).toBeGreaterThanOrEqual(last);
    last = (await snapshot(page)).traceLength;
  }
  expect(last).toBeGreaterThan(0);
  await button(page, "Run").click();
  await waitPhase(page, "done");
  expect((await snapshot(page)).traceHash).toBe(straight.traceHash);

  // Pause: play slowly, pause mid-run, then finish at full speed.
  await button(page, "Reset").click();
  await waitPhase(page, "paused");
  await page.getByLabel("Speed").selectOption("10");
  await button(page, "Run").click();
  await page.waitForTimeout(500);
  await button(page, "Pause").click();
  await waitPhase(page, "paused");
  const mid = await snapshot(page);
  expect(mid.nowS).toBeGreaterThan(0);
  expect(mid.nowS).toBeLessThan(straight.nowS);
  await page.getByLabel("Speed").selectOption("max");
  await button(page, "Run").click();
  await waitPhase(page, "done");
  expect((await snapshot(page)).traceHash).toBe(straight.traceHash);

  // Seek: replaying from the seed to the same time always gives the same state...
  const t = Math.round(straight.nowS / 2);
  await seekTo(page, t);
  const atT = await snapshot(page);
  expect(atT.timeS).toBeCloseTo(t, 5);
  expect(atT.traceLength).toBeLessThan(straight.traceLength);
  await seekTo(page, 1);
  await seekTo(page, t);
  expect(await snapshot(page)).toMatchObject({ traceHash: atT.traceHash, traceLength: atT.traceLength });
  // ...and running on from there ends where the straight run ended.
  await button(page, "Run").click();
  await waitPhase(page, "done");
  expect((await snapshot(page)).traceHash).toBe(straight.traceHash);
});

test("the scrubber's thumb is at the end of every finished run, not only the first", async ({ app: page }) => {
  const slider = page.getByRole("slider", { name: "Time" });
  for (const example of ["retry-explorer", "acks-late-crash", "chain-chord", "blank"]) {
    await prepare(page, { example, seed: 42 });
    const end = await runToEnd(page);
    const { value, max } = await slider.evaluate((el) => ({ value: Number((el as HTMLInputElement).value), max: Number((el as HTMLInputElement).max) }));
    expect(value, example).toBeCloseTo(max, 9);
    expect(max).toBeCloseTo(end.nowS, 5);
  }
});
