import { describe, expect, it } from "vitest";
import { completedStatement, inMessage, outMessage, parseIn, parseOrigins, parseOut, SOURCE, VERSION } from "./protocol";

const env = { source: SOURCE, version: VERSION };

describe("host → frame messages", () => {
  it("accepts each type in its exact shape", () => {
    expect(parseIn({ ...env, type: "run" })).toEqual({ ...env, type: "run" });
    expect(parseIn({ ...env, type: "reset" })).toEqual({ ...env, type: "reset" });
    expect(parseIn({ ...env, type: "set-seed", seed: 7 })).toEqual({ ...env, type: "set-seed", seed: 7 });
    expect(parseIn({ ...env, type: "load-scenario", code: "x" })).toEqual({ ...env, type: "load-scenario", code: "x" });
    expect(parseIn({ ...env, type: "load-scenario", code: "x", seed: -3 })).toEqual({ ...env, type: "load-scenario", code: "x", seed: -3 });
    expect(parseIn({ ...env, type: "load-scenario", code: "x", language: "python" })).toEqual({ ...env, type: "load-scenario", code: "x", language: "python" });
    expect(parseIn(inMessage("set-seed", { seed: 1 }))).not.toBeNull();
  });

  it.each([
    ["not an object", "run"],
    ["null", null],
    ["an array", [SOURCE, VERSION, "run"]],
    ["another source", { source: "other", version: 1, type: "run" }],
    ["another version", { source: SOURCE, version: 2, type: "run" }],
    ["a version as text", { source: SOURCE, version: "1", type: "run" }],
    ["an unknown type", { ...env, type: "eval" }],
    ["an outgoing type", { ...env, type: "ready", labId: null, seed: 1 }],
    ["a type from Object.prototype", { ...env, type: "toString" }],
    ["an extra key", { ...env, type: "run", code: "x" }],
    ["a seed that is not an integer", { ...env, type: "set-seed", seed: 1.5 }],
    ["a seed as text", { ...env, type: "set-seed", seed: "1" }],
    ["an unsafe seed", { ...env, type: "set-seed", seed: 2 ** 60 }],
    ["a missing seed", { ...env, type: "set-seed" }],
    ["code that is not text", { ...env, type: "load-scenario", code: 42 }],
    ["code that is too long", { ...env, type: "load-scenario", code: "x".repeat(200_001) }],
    ["a bad optional seed", { ...env, type: "load-scenario", code: "x", seed: NaN }],
    ["a language the playground does not know", { ...env, type: "load-scenario", code: "x", language: "ruby" }],
  ])("refuses %s", (_what, v) => {
    expect(parseIn(v)).toBeNull();
  });

  it("copies fields, so a later change to the sender's object cannot reach the frame", () => {
    const raw = { ...env, type: "load-scenario", code: "a" };
    const m = parseIn(raw)!;
    raw.code = "b";
    expect(m).toMatchObject({ code: "a" });
  });
});

describe("frame → host messages", () => {
  it("round-trips what the frame sends", () => {
    const all = [
      outMessage("ready", { labId: "1.3-error-handling", seed: 42 }),
      outMessage("ready", { labId: null, seed: 42 }),
      outMessage("resize", { height: 812 }),
      outMessage("run-finished", { traceHash: "abc", simTime: 12.5, stats: { events: 10, tasks: 2, states: { SUCCESS: 2 } } }),
      outMessage("check-passed", { labId: "x", checkId: "c1", title: "T" }),
      outMessage("progress", { labId: "x", score: 0.5, completed: false }),
      outMessage("lab-completed", { labId: "x", score: 1, statement: completedStatement({ labId: "x", title: "X", score: 1, checks: 3, activityBase: "https://a.example/p/", now: 0 }) }),
    ];
    for (const m of all) expect(parseOut(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });
  it("refuses wrong shapes", () => {
    expect(parseOut({ ...env, type: "resize", height: -1 })).toBeNull();
    expect(parseOut({ ...env, type: "resize", height: "10" })).toBeNull();
    expect(parseOut({ ...env, type: "progress", labId: "x", score: 2, completed: true })).toBeNull();
    expect(parseOut({ ...env, type: "run" })).toBeNull();
    expect(parseOut({ source: SOURCE, version: 0, type: "resize", height: 1 })).toBeNull();
  });
});

describe("the origin allow-list", () => {
  it("keeps exact http(s) origins, once each", () => {
    expect(parseOrigins("https://course.example.org, http://127.0.0.1:8080,https://course.example.org/")).toEqual(["https://course.example.org", "http://127.0.0.1:8080"]);
  });
  it.each(["*", "https://*.example.org", "https://a.example/path", "javascript:alert(1)", "file:///x", "null", "example.org", ""])("drops %j", (o) => {
    expect(parseOrigins(o)).toEqual([]);
  });
  it("is empty without the parameter", () => {
    expect(parseOrigins(null)).toEqual([]);
  });
});

describe("the xAPI statement", () => {
  it("has the completed verb, the activity and the result", () => {
    const s = completedStatement({ labId: "1.3-error-handling", title: "Error Handling Workshop", score: 1, checks: 9, activityBase: "https://host.example/course/playground/", now: Date.UTC(2025, 0, 2) });
    expect(s.verb.id).toBe("http://adlnet.gov/expapi/verbs/completed");
    expect(s.object.id).toBe("https://host.example/course/playground/?lab=1.3-error-handling");
    expect(s.object.definition.name["en-US"]).toBe("Error Handling Workshop");
    expect(s.result).toEqual({ score: { scaled: 1, raw: 9, min: 0, max: 9 }, completion: true, success: true });
    expect(s.actor.objectType).toBe("Agent");
    expect(s.timestamp).toBe("2025-01-02T00:00:00.000Z");
  });
});
