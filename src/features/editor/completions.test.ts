import { describe, expect, it } from "vitest";
import { CELERY_EXPORTS } from "../../../sim/celery/exports";
import { API_NAMES } from "./completions";

describe("the editor's completions", () => {
  it("offer each name the \"celery\" module exports, once", () => {
    const offered = API_NAMES.map((n) => n.label);
    for (const name of CELERY_EXPORTS) expect(offered.filter((l) => l === name), name).toEqual([name]);
  });

  it("tell classes, functions and state constants apart", () => {
    const kind = (label: string) => API_NAMES.find((n) => n.label === label)?.type;
    expect([kind("Celery"), kind("chord"), kind("PENDING"), kind("redis")]).toEqual(["class", "function", "constant", "variable"]);
  });
});
