import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { CELERY_EXPORT_NAMES } from "../celery/public-names";
import { CELERY_EXPORTS } from "./celery-exports";

// sim/celery/public-names.ts is the one list; tsc ties the runtime module's type and public-api.ts to
// it. This checks what tsc cannot see: the keys the module really has when a scenario imports it.
describe("the names \"celery\" exports", () => {
  const list = [...CELERY_EXPORT_NAMES].sort();

  it("are the runtime module's keys, and the names public-api.ts gives the editor and tsc", async () => {
    const r = await run(`import * as celery from "celery";\nexport default async function main() { return Object.keys(celery).filter((k) => k !== "default"); }\n`);
    const runtime = (r.report.returned as string[]).sort();
    expect(runtime).toEqual(list);
    expect([...CELERY_EXPORTS].sort()).toEqual(list);
    const text = readFileSync(new URL("../celery/public-api.ts", import.meta.url), "utf8");
    const block = /export const \{([^}]*)\} = celery;/.exec(text)![1]!;
    const typed = block.split(",").map((s) => s.trim()).filter(Boolean).sort();
    expect(typed).toEqual(list);
  });
});
