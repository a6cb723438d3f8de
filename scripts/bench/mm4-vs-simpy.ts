/**
 * Bench (issue 21): an M/M/4 queue of N customers (default 400k; Poisson arrivals at 3.2/s sent with
 * `await sleep()` between sends, exponential service of mean 1 s, ignoreResult, prefetch 1, one
 * worker c=4) through the CLI with its default flags, against SimPy 2.3.1 running the same queue in
 * the same bench run (Debian's python3-simpy; skipped with a note where it is absent). Goal: at
 * least 2× SimPy's customers per wall second. Prints one JSON line.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

declare const __CELERY_PLAYGROUND_ROOT__: string;
const root = __CELERY_PLAYGROUND_ROOT__;
const N = Number(process.argv[2] ?? 400_000);
const scenario = `
import { Celery, sleep } from "celery";
const app = new Celery("mm4", { broker: "redis" });
app.conf.update({ workerPrefetchMultiplier: 1 });
const LAMBDA = 3.2, MU = 1.0;
const expo = (rate: number) => -Math.log(1 - Math.random()) / rate;
export const serve = app.task({ name: "serve", ignoreResult: true }, async function serve(serviceS: number) { await sleep(serviceS); });
export const until = 1e9;
export default async function main() {
  app.worker({ hostname: "w1", concurrency: 4 });
  for (let i = 0; i < ${N}; i++) {
    serve.delay(expo(MU));
    await sleep(expo(LAMBDA));
  }
}`;
const dir = mkdtempSync(join(tmpdir(), "bench-mm4-"));
const file = join(dir, "mm4.ts");
writeFileSync(file, scenario);

const t0 = performance.now();
const cli = spawnSync(process.execPath, [join(root, "bin", "celery-playground.mjs"), "run", file, "--seed", "1"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
const cliWallS = (performance.now() - t0) / 1000;
const cliOk = cli.status === 0;
const ours = cliOk ? Math.round(N / cliWallS) : null;

let simpy: { customersPerS: number; wallS: number } | null = null;
let simpyNote: string | null = null;
try {
  const out = execFileSync("/usr/bin/python3", [join(root, "scripts", "bench", "peers", "mm4_simpy.py"), String(N)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  simpy = JSON.parse(out.trim().split("\n").pop()!) as { customersPerS: number; wallS: number };
} catch (e) {
  simpyNote = `SimPy peer not run: ${String((e as Error).message).split("\n")[0]} (apt-get install python3-simpy)`;
}
console.log(JSON.stringify({
  bench: "mm4-vs-simpy",
  customers: N,
  cli: { exitCode: cli.status, wallS: Math.round(cliWallS * 1000) / 1000, customersPerS: ours, ...(cliOk ? {} : { stderr: cli.stderr.slice(-400) }) },
  simpy: simpy ?? simpyNote,
  ratioToSimPy: ours && simpy ? Math.round((ours / simpy.customersPerS) * 100) / 100 : null,
  goal: { ratioToSimPy: 2 },
}));
