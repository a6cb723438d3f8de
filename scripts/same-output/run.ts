/**
 * Same output (issue 21): a performance change must not change what a run produces. Runs a fixed
 * set of scenarios (every lab's solution on its graded seeds, every reference pair's TypeScript
 * scenario, a 20k-task burst, a 3k-customer M/M/4 queue, each also with events off) and prints, per
 * scenario, a SHA-256 of its JSON report and of its whole trace (every event with its data, as JSON)
 * plus the trace's own hash. `scripts/same-output.mjs` compares that with the committed golden file.
 * Prints one JSON object: { "<scenario>": { report, trace, traceHash, tasks, events } }.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { compile, nodeHost } from "../../sim/testing/harness";
import { pairSource } from "../../reference/pair-source";
import { createSession } from "../../sim/engine/session";
import { plain } from "../../sim/engine/report";
import { gradedSeeds } from "../../sim/check/define";
import { loadSuite } from "../../cli/check";

declare const __CELERY_PLAYGROUND_ROOT__: string;
const root = __CELERY_PLAYGROUND_ROOT__;
const only = process.argv[2] ?? "";

interface Case {
  name: string;
  source: string;
  seed: number;
  untilS?: number;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 24);

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  const labsDir = join(root, "labs");
  for (const lab of readdirSync(labsDir).sort()) {
    const file = join(labsDir, lab, "solution.ts");
    if (!existsSync(file)) continue;
    const suite = await loadSuite(join(labsDir, lab));
    for (const seed of gradedSeeds(suite)) out.push({ name: `labs/${lab}@${seed}`, source: readFileSync(file, "utf8"), seed, untilS: suite.untilS });
  }
  const pairs = join(root, "reference", "pairs");
  for (const f of readdirSync(pairs).filter((f) => f.endsWith(".ts")).sort()) out.push({ name: `reference/${f}`, source: pairSource(pairs, f.slice(0, -3)), seed: 1 });
  out.push({
    name: "burst-20k",
    seed: 7,
    source: `import { Celery } from "celery";
const app = new Celery("burst", { broker: "redis" });
const add = app.task(function add(x: number, y: number) { return x + y; });
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 8 });
  for (let i = 0; i < 20000; i++) add.delay(i, i);
}`,
  });
  out.push({
    name: "mm4-3k",
    seed: 1,
    source: `import { Celery, sleep } from "celery";
const app = new Celery("mm4", { broker: "redis" });
app.conf.update({ workerPrefetchMultiplier: 1 });
const expo = (rate: number) => -Math.log(1 - Math.random()) / rate;
export const serve = app.task({ name: "serve", ignoreResult: true }, async function serve(serviceS: number) { await sleep(serviceS); });
export const until = 1e9;
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  for (let i = 0; i < 3000; i++) { serve.delay(expo(1)); await sleep(expo(3.2)); }
}`,
  });
  out.push({
    name: "amqp-retries",
    seed: 3,
    source: `import { Celery, sleep } from "celery";
const app = new Celery("r", { broker: "amqp://localhost" });
app.conf.update({ taskAcksLate: true, workerPrefetchMultiplier: 2 });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 0.5 }, async function flaky(self, n: number) {
  await sleep(0.1);
  if (Math.random() < 0.5) throw self.retry({ exc: new Error("boom " + n) });
  return { n, retries: self.request.retries };
});
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 3 });
  app.worker({ hostname: "w2", concurrency: 2, pool: "threads" });
  const rs = [];
  for (let i = 0; i < 300; i++) rs.push(flaky.applyAsync([i], { countdown: i % 7, priority: i % 3 }));
  for (const r of rs.slice(0, 20)) { try { await r.get({ timeout: 60 }); } catch {} }
}`,
  });
  return out.filter((c) => c.name.includes(only));
}

const results: Record<string, unknown> = {};
for (const c of await cases()) {
  const code = await compile(c.source, c.name.replace(/[^\w.]/g, "_") + ".ts");
  for (const events of [true, false]) {
    const session = await createSession(code, { seed: c.seed, untilS: c.untilS, host: nodeHost });
    await session.advance();
    const report = session.report({ events });
    const h = createHash("sha256");
    const trace = session.sim.trace;
    for (let i = 0; i < trace.length; i++) {
      const e = trace.get(i);
      h.update(JSON.stringify(e.data === undefined ? e : { ...e, data: plain(e.data) }));
      h.update("\n");
    }
    results[`${c.name}${events ? "" : " (no events)"}`] = {
      report: sha(JSON.stringify(report)),
      trace: h.digest("hex").slice(0, 24),
      traceHash: trace.hash(),
      tasks: report.tasks.length,
      events: trace.length,
    };
  }
}
console.log(JSON.stringify(results));
