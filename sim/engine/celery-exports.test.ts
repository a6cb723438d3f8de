import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../testing/harness";
import { CELERY_EXPORTS } from "../celery/exports";

describe("the names \"celery\" exports", () => {
  it("are the runtime module's keys, and the names public-api.ts gives the editor and tsc", async () => {
    const r = await run(`import * as celery from "celery";\nexport default async function main() { return Object.keys(celery).filter((k) => k !== "default"); }\n`);
    const runtime = (r.report.returned as string[]).sort();
    expect(runtime).toEqual([...CELERY_EXPORTS].sort());
    const text = readFileSync(new URL("../celery/public-api.ts", import.meta.url), "utf8");
    const block = /export const \{([^}]*)\} = celery;/.exec(text)![1]!;
    const single = [...text.matchAll(/^export const (\w+)\b/gm)].map((m) => m[1]!);
    const typed = [...block.split(",").map((s) => s.trim()).filter(Boolean), ...single].sort();
    expect(typed).toEqual(runtime);
  });
});
