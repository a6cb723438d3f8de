import { describe, expect, it } from "vitest";
import { decodeMappings, originalPosition } from "./sourcemap";
import { run } from "../testing/harness";

describe("source maps", () => {
  it("decodes VLQ mappings (generated columns reset per line; source lines and columns stay relative)", () => {
    const m = decodeMappings("AAAA,IAAI;AACA;;AAEA");
    expect(m[0]).toEqual([[0, 0, 0], [4, 0, 4]]);
    expect(m[1]).toEqual([[0, 1, 4]]);
    expect(m[2]).toEqual([]);
    expect(m[3]).toEqual([[0, 3, 4]]);
    expect(originalPosition(m, 1, 6)).toEqual({ line: 1, column: 5 });
  });

  it("a task's traceback points at the learner's lines, innermost last", async () => {
    const r = await run(`import { Celery, ValueError } from "celery";
const app = new Celery("x");

function helper(x: number) {
  if (x > 1) throw new ValueError("too big: " + x);
  return x;
}
export const t = app.task(function t(x: number) { return helper(x); });
export default async function main() {
  app.worker({ hostname: "w1" });
  try { await t.delay(5).get(); } catch {}
}`);
    expect(r.task("t").exception!.traceback!.split("\n")).toEqual([
      "Traceback (most recent call last):",
      "  task t",
      "  at t (scenario.ts:8:58)",
      "  at helper (scenario.ts:5:20)",
      "ValueError: too big: 5",
    ]);
  });
});
