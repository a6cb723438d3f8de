import { describe, expect, it } from "vitest";
import { packJson, unpackJson } from "./wire";

describe("the Python runner's reply (wire.ts)", () => {
  it("reads back as the JSON of the value, long strings said once", () => {
    const big = "x".repeat(100_000);
    const value = {
      report: { tasks: Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, args: ["payload-100kB", "x".repeat(100_000)], argsRepr: `('payload-100kB', '${big}')` })) },
      trace: [{ kind: "sent", data: { note: "short", big } }],
      odd: { "\u0000strx": 1, nested: [null, 1.5, true, "a".repeat(1023), "b".repeat(1024)] },
    };
    const text = packJson(value);
    expect(unpackJson(text)).toEqual(JSON.parse(JSON.stringify(value)));
    // 50 equal payloads, 50 equal reprs and one more copy of `big`: three long strings in all, once each.
    expect(text.length).toBeLessThan(3 * 100_000 + 50 * 200 + 10_000);
  });

  it("keeps what JSON keeps (undefined fields dropped, a top-level undefined)", () => {
    expect(unpackJson(packJson({ a: undefined, b: [undefined] }))).toEqual({ b: [null] });
    expect(unpackJson(packJson(undefined))).toBeUndefined();
  });
});
