/** The headless runner, as a person runs it: the command, its output and its exit codes. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "cp-cli-"));
function cli(...args: string[]) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const FLAKY = file("flaky.ts", `
import { Celery, sleep } from "celery";
const app = new Celery("lab", { broker: "redis" });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 1 }, async function flaky(self, data: string) {
  await sleep(0.2);
  if (Math.random() < 0.7) throw self.retry({ exc: new Error("Random failure occurred") });
  return \`Success after \${self.request.retries} retries\`;
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  const r = flaky.delay("test data");
  try { console.log(await r.get({ timeout: 30 })); } catch (e) { console.log("gave up: " + (e as Error).message); }
}`);

describe("celery-playground run", () => {
  it("--json prints the report of the spec: seed, simTime, traceHash, returned, logs, tasks, events, stats", () => {
    const r = cli("run", FLAKY, "--seed", "42", "--json");
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.seed).toBe(42);
    expect(rep.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(rep.tasks[0]).toMatchObject({ name: "flaky", worker: "w1", sentAt: 0, parentId: null });
    expect(rep.tasks[0].executions).toBe(rep.tasks[0].retries + 1);
    expect(rep.events[0]).toMatchObject({ type: "task-sent", timestamp: 0, hostname: null });
    expect(Object.keys(rep.stats)).toEqual(expect.arrayContaining(["sent", "succeeded", "failed", "retried", "lost", "duplicates"]));
    expect(rep.logs).toHaveLength(1);
    // Same file, same seed: the same run.
    expect(JSON.parse(cli("run", FLAKY, "--seed", "42", "--json").out).traceHash).toBe(rep.traceHash);
  });

  it("without --json, a readable summary", () => {
    const r = cli("run", FLAKY, "--seed", "1");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^seed 1 {2}simulated [\d.]+ s {2}trace [0-9a-f]{16}/);
    expect(r.out).toMatch(/tasks: 1 sent/);
  });

  it("a file that does not compile: the error at file:line:column on stderr, exit 1", () => {
    const bad = file("bad.ts", `import { Celery } from "celery";\nconst app = new Celery("x");\nconst n: number = ;\n`);
    const r = cli("run", bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:3:19: error: Unexpected ";"`);
  });

  it("a scenario whose code hangs is stopped within 5 s with a message naming the task, exit 2", () => {
    const hang = file("hang.ts", `import { Celery } from "celery";\nconst app = new Celery("x");\nconst spin = app.task(function spin() { while (true) {} });\nexport default async function main() { app.worker({ hostname: "w1" }); spin.delay(); }\n`);
    const r = cli("run", hang);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^Stopped: task spin did not yield/);
    expect(r.ms).toBeLessThan(5_000 + 1_500); // 3.5 s of silence, plus start-up
  });

  it("a run that fills its heap stops on the memory limit (exit 3, naming --max-memory), also when V8's collections near the cap outlast the hang budget", () => {
    // Collections of a heap all but full of 1 MB strings outlast a 0.3 s budget: the tick is cut while
    // the heap is all but full, which is the memory limit, not a loop (it was a "hang" before).
    const grow = file("grow.ts", `import { Celery, sleep } from "celery";\nconst app = new Celery("x");\nexport const until = 1e9;\nconst keep: string[] = [];\nexport default async function main() {\n  for (;;) { keep.push("x".repeat(1e6) + keep.length); await sleep(0.01); }\n}\n`);
    const r = cli("run", grow, "--max-memory", "1024", "--hang-timeout", "0.3");
    expect(r.err).not.toMatch(/did not yield|FATAL|heap out of memory/);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/^Stopped: resource limit reached: the run used more than 1024 MB of memory \(--max-memory 1024\)/);
  });

  it("a scenario whose main() throws: exit 1 with the error", () => {
    const boom = file("boom.ts", `export default async function main() { throw new Error("no app"); }\n`);
    const r = cli("run", boom);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/main\(\) threw \(.*boom\.ts:1:46\): Error: no app/);
  });
});

describe("celery-playground check", () => {
  it("passes a lab's solution (exit 0) and fails its starter (exit 1), saying what failed", () => {
    const ok = cli("check", "labs/1.3-error-handling");
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/\d+ passed, 0 failed \(seeds \d+, \d+, \d+\)/);
    const bad = cli("check", "labs/1.3-error-handling", "--file", "labs/1.3-error-handling/starter.ts");
    expect(bad.code).toBe(1);
    // A failed check names the seed it failed with.
    expect(bad.out).toMatch(/✘ .*\n {4}seed \d+: /);
  });
});
