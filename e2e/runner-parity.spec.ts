/** The page and the headless runner are one simulator: same file + same seed = same trace hash. */
import { expect, prepare, test } from "./fixtures";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runToEnd } from "./helpers";

function cliHash(source: string, seed: number): string {
  const dir = mkdtempSync(join(tmpdir(), "cp-e2e-"));
  const file = join(dir, "scenario.ts");
  writeFileSync(file, source);
  const out = execFileSync(process.execPath, ["bin/celery-playground.mjs", "run", file, "--seed", String(seed), "--json"], { encoding: "utf8" });
  return (JSON.parse(out) as { traceHash: string }).traceHash;
}

for (const [example, seed] of [["retry-explorer", 42], ["acks-late-crash", 7]] as const) {
  test(`${example} with seed ${seed} has the runner's trace hash`, async ({ app: page }) => {
    await prepare(page, { example, seed });
    const source = await page.evaluate(() => window.__playground!.getCode());
    const done = await runToEnd(page);
    expect(done.traceHash).toBe(cliHash(source, seed));
    await expect(page.getByTestId("trace-hash")).toHaveText(done.traceHash);
  });
}
