import { describe, expect, it } from "vitest";
import { ResponseError } from "./errors";
import { SimRedisStore } from "./redis-store";

/** A store on a hand-driven clock. */
function store() {
  const clock = { t: 0 };
  const r = new SimRedisStore(() => clock.t);
  return { r, at: (t: number) => (clock.t = t) };
}

const NOT_INT = "ERR value is not an integer or out of range";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

describe("SimRedisStore strings", () => {
  it("SET returns OK, NX and XX return null when their condition fails", () => {
    const { r } = store();
    expect(r.get("k")).toBeNull();
    expect(r.set("k", "a", { XX: true })).toBeNull();
    expect(r.get("k")).toBeNull();
    expect(r.set("k", "a", { NX: true })).toBe("OK");
    expect(r.set("k", "b", { NX: true })).toBeNull();
    expect(r.get("k")).toBe("a");
    expect(r.set("k", "c", { XX: true })).toBe("OK");
    expect(r.get("k")).toBe("c");
    expect(r.set("n", 42)).toBe("OK");
    expect(r.get("n")).toBe("42");
  });

  it("a key expires exactly at its expiry time, not a moment later", () => {
    const { r, at } = store();
    at(10);
    r.set("k", "v", { EX: 2 });
    at(11.999);
    expect(r.get("k")).toBe("v");
    at(12);
    expect(r.get("k")).toBeNull();
    expect(r.exists("k")).toBe(0);
    // PX is in milliseconds.
    r.set("p", "v", { PX: 1500 });
    at(13.499);
    expect(r.exists("p")).toBe(1);
    at(13.5);
    expect(r.exists("p")).toBe(0);
  });

  it("TTL is -2 for a missing key, -1 without expiry, else seconds rounded to nearest as Redis does", () => {
    const { r, at } = store();
    expect(r.ttl("nope")).toBe(-2);
    expect(r.pttl("nope")).toBe(-2);
    r.set("forever", "x");
    expect(r.ttl("forever")).toBe(-1);
    expect(r.pttl("forever")).toBe(-1);
    r.set("k", "v", { EX: 10 });
    expect(r.ttl("k")).toBe(10);
    at(0.4); // 9.6 s left: (9600 + 500) / 1000 -> 10
    expect(r.ttl("k")).toBe(10);
    expect(r.pttl("k")).toBe(9600);
    at(0.6); // 9.4 s left -> 9
    expect(r.ttl("k")).toBe(9);
    expect(r.pttl("k")).toBe(9400);
    at(9.6); // 0.4 s left -> 0, the key still exists
    expect(r.ttl("k")).toBe(0);
    at(10);
    expect(r.ttl("k")).toBe(-2);
  });

  it("EXPIRE: 0 on a missing key, 1 otherwise; a non-positive TTL deletes; SET clears a TTL, KEEPTTL keeps it", () => {
    const { r, at } = store();
    expect(r.expire("k", 5)).toBe(0);
    r.set("k", "v");
    expect(r.expire("k", 5)).toBe(1);
    expect(r.ttl("k")).toBe(5);
    r.set("k", "w", { KEEPTTL: true });
    expect(r.ttl("k")).toBe(5);
    r.set("k", "w");
    expect(r.ttl("k")).toBe(-1);
    expect(r.pexpire("k", 250)).toBe(1);
    expect(r.pttl("k")).toBe(250);
    expect(r.persist("k")).toBe(1);
    expect(r.persist("k")).toBe(0);
    expect(r.expire("k", 0)).toBe(1);
    expect(r.exists("k")).toBe(0);
    r.set("j", "v");
    expect(r.expire("j", -3)).toBe(1);
    expect(r.get("j")).toBeNull();
    // An expired key is missing for EXPIRE too.
    r.set("e", "v", { EX: 1 });
    at(1);
    expect(r.expire("e", 10)).toBe(0);
  });

  it("INCR creates at 1, keeps the TTL, and INCRBY/DECR/DECRBY count as Redis does", () => {
    const { r, at } = store();
    expect(r.incr("c")).toBe(1);
    expect(r.incr("c")).toBe(2);
    expect(r.get("c")).toBe("2");
    expect(r.incrby("c", 10)).toBe(12);
    expect(r.decr("c")).toBe(11);
    expect(r.decrby("c", 20)).toBe(-9);
    r.set("w", "5", { EX: 5 });
    at(1);
    expect(r.incr("w")).toBe(6);
    expect(r.ttl("w")).toBe(4); // INCR never touches expiry
    at(5);
    expect(r.incr("w")).toBe(1); // expired: counts again from zero, with no TTL
    expect(r.ttl("w")).toBe(-1);
  });

  it("INCR on a value that is not a strict integer rejects with Redis's text", () => {
    const { r } = store();
    for (const bad of ["abc", "1.5", " 1", "01", "+1", "", "-0", "1e3", "99999999999999999999"]) {
      r.set("k", bad);
      expect(() => r.incr("k"), bad).toThrow(NOT_INT);
    }
    r.set("k", "7");
    expect(() => r.incrby("k", 1.5)).toThrow(NOT_INT);
    expect(r.get("k")).toBe("7");
    try {
      r.set("k", "x");
      r.incr("k");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ResponseError);
      expect((e as Error).name).toBe("ResponseError");
    }
  });

  it("INCR past the largest safe integer overflows", () => {
    const { r } = store();
    r.set("k", Number.MAX_SAFE_INTEGER);
    expect(() => r.incr("k")).toThrow("ERR increment or decrement would overflow");
    expect(r.get("k")).toBe(String(Number.MAX_SAFE_INTEGER));
  });

  it("SET option errors: NX with XX, EX with PX, EX 0, EX 1.5", () => {
    const { r } = store();
    expect(() => r.set("k", "v", { NX: true, XX: true })).toThrow("ERR syntax error");
    expect(() => r.set("k", "v", { EX: 1, PX: 1000 })).toThrow("ERR syntax error");
    expect(() => r.set("k", "v", { EX: 0 })).toThrow("ERR invalid expire time in 'set' command");
    expect(() => r.set("k", "v", { EX: 1.5 })).toThrow(NOT_INT);
    expect(r.exists("k")).toBe(0);
  });

  it("SET NX succeeds on an expired key (the lock pattern)", () => {
    const { r, at } = store();
    expect(r.set("lock", "a", { NX: true, EX: 30 })).toBe("OK");
    at(29.9);
    expect(r.set("lock", "b", { NX: true, EX: 30 })).toBeNull();
    at(30);
    expect(r.set("lock", "b", { NX: true, EX: 30 })).toBe("OK");
    expect(r.get("lock")).toBe("b");
  });

  it("DEL and EXISTS count keys; EXISTS counts a repeated key twice", () => {
    const { r } = store();
    r.set("a", 1);
    r.set("b", 2);
    expect(r.exists("a", "a", "b", "c")).toBe(3);
    expect(r.del("a", "c", "a")).toBe(1);
    expect(r.exists("a", "b")).toBe(1);
    expect(r.flushall()).toBe("OK");
    expect(r.exists("b")).toBe(0);
  });
});

describe("SimRedisStore types", () => {
  it("WRONGTYPE for string commands on a list and list commands on a string", () => {
    const { r } = store();
    r.lpush("l", "x");
    r.set("s", "1");
    r.zadd("z", 1, "m");
    expect(() => r.get("l")).toThrow(WRONGTYPE);
    expect(() => r.incr("l")).toThrow(WRONGTYPE);
    expect(() => r.lpush("s", "y")).toThrow(WRONGTYPE);
    expect(() => r.llen("z")).toThrow(WRONGTYPE);
    expect(() => r.zadd("l", 1, "m")).toThrow(WRONGTYPE);
    expect(() => r.zcard("s")).toThrow(WRONGTYPE);
    expect([r.type("l"), r.type("s"), r.type("z"), r.type("none")]).toEqual(["list", "string", "zset", "none"]);
    // SET overwrites whatever was there.
    expect(r.set("l", "now a string")).toBe("OK");
    expect(r.get("l")).toBe("now a string");
  });
});

describe("SimRedisStore lists", () => {
  it("LPUSH prepends one by one, RPUSH appends; pops from both ends; the last pop deletes the key", () => {
    const { r } = store();
    expect(r.lpush("q", "a", "b", "c")).toBe(3);
    expect(r.lrange("q", 0, -1)).toEqual(["c", "b", "a"]);
    expect(r.rpush("q", "d")).toBe(4);
    expect(r.lrange("q", 0, -1)).toEqual(["c", "b", "a", "d"]);
    expect(r.rpop("q")).toBe("d");
    expect(r.lpop("q")).toBe("c");
    expect(r.llen("q")).toBe(2);
    expect(r.rpop("q")).toBe("a");
    expect(r.rpop("q")).toBe("b");
    expect(r.exists("q")).toBe(0);
    expect(r.rpop("q")).toBeNull();
    expect(r.llen("q")).toBe(0);
  });

  it("LRANGE clamps indices as Redis does", () => {
    const { r } = store();
    r.rpush("l", "0", "1", "2", "3", "4");
    expect(r.lrange("l", 1, 2)).toEqual(["1", "2"]);
    expect(r.lrange("l", -2, -1)).toEqual(["3", "4"]);
    expect(r.lrange("l", -100, 1)).toEqual(["0", "1"]);
    expect(r.lrange("l", 3, 100)).toEqual(["3", "4"]);
    expect(r.lrange("l", 4, 3)).toEqual([]);
    expect(r.lrange("l", 5, 10)).toEqual([]);
    expect(r.lrange("missing", 0, -1)).toEqual([]);
  });
});

describe("SimRedisStore sorted sets", () => {
  it("ZADD adds (1) or updates (0); ZRANGE orders by score then member", () => {
    const { r } = store();
    expect(r.zadd("z", 2, "b")).toBe(1);
    expect(r.zadd("z", 1, "c")).toBe(1);
    expect(r.zadd("z", 2, "a")).toBe(1);
    expect(r.zadd("z", 0.5, "b")).toBe(0);
    expect(r.zrange("z", 0, -1)).toEqual(["b", "c", "a"]);
    expect(r.zrange("z", 0, -1, { withScores: true })).toEqual([
      ["b", 0.5],
      ["c", 1],
      ["a", 2],
    ]);
    expect(r.zscore("z", "b")).toBe(0.5);
    expect(r.zscore("z", "nope")).toBeNull();
    expect(r.zcard("z")).toBe(3);
    expect(r.zrange("z", -1, -1)).toEqual(["a"]);
    expect(() => r.zadd("z", NaN, "x")).toThrow("ERR value is not a valid float");
  });

  it("ZREMRANGEBYSCORE is inclusive, takes '(' exclusive bounds and infinities; an emptied set is deleted", () => {
    const { r } = store();
    for (const [s, m] of [
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ] as const)
      r.zadd("z", s, m);
    expect(r.zrangebyscore("z", "(1", 3)).toEqual(["b", "c"]);
    expect(r.zremrangebyscore("z", 2, 3)).toBe(2);
    expect(r.zrange("z", 0, -1)).toEqual(["a", "d"]);
    expect(r.zremrangebyscore("z", "-inf", "(4")).toBe(1);
    expect(r.zrange("z", 0, -1)).toEqual(["d"]);
    expect(() => r.zremrangebyscore("z", "x", 1)).toThrow("ERR min or max is not a float");
    expect(r.zremrangebyscore("z", "-inf", "+inf")).toBe(1);
    expect(r.exists("z")).toBe(0);
    expect(r.zremrangebyscore("z", 0, 1)).toBe(0);
    r.zadd("y", 1, "m");
    expect(r.zrem("y", "m", "n")).toBe(1);
    expect(r.exists("y")).toBe(0);
  });
});

describe("SimRedisStore KEYS", () => {
  it("matches Redis glob patterns and hides expired keys", () => {
    const { r, at } = store();
    for (const k of ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "rate:1", "rate:2"]) r.set(k, 1);
    r.set("rate:3", 1, { EX: 1 });
    expect(r.keys("h?llo")).toEqual(["h*llo", "hallo", "hello", "hxllo"]); // "?" matches "*" too
    expect(r.keys("h*llo")).toEqual(["h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"]);
    expect(r.keys("h[ae]llo")).toEqual(["hallo", "hello"]);
    expect(r.keys("h[^e]llo")).toEqual(["h*llo", "hallo", "hxllo"]);
    expect(r.keys("h[a-b]llo")).toEqual(["hallo"]);
    expect(r.keys("h\\*llo")).toEqual(["h*llo"]);
    expect(r.keys("rate:*")).toEqual(["rate:1", "rate:2", "rate:3"]);
    at(1);
    expect(r.keys("rate:*")).toEqual(["rate:1", "rate:2"]);
    expect(r.dbsize()).toBe(8);
  });
});
