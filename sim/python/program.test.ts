/**
 * The Python front in Node: a Python scenario drives the same simulator as its TypeScript twin and,
 * on the same seed, its tasks go through the same states with the same results. Node 20 has no JSPI,
 * so these scenarios never wait in place (no time.sleep or .get() in them); the page's e2e does.
 */
import { readFileSync, readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPyodide } from "pyodide";
import { createSession } from "../engine/session";
import { compile, nodeHost } from "../testing/harness";
import { installCeleryPackage, pythonProgram, type PyodideLike } from "./program";

const PACKAGE_DIR = new URL("../../py/celery/", import.meta.url);
let py: PyodideLike;

beforeAll(async () => {
  py = (await loadPyodide()) as unknown as PyodideLike;
  const files = Object.fromEntries(readdirSync(PACKAGE_DIR).filter((f) => f.endsWith(".py")).map((f) => [f, readFileSync(new URL(f, PACKAGE_DIR), "utf8")]));
  installCeleryPackage(py, files);
}, 120_000);

async function runPython(source: string, seed: number) {
  const session = await createSession("", { seed, host: nodeHost, file: "scenario.py", program: pythonProgram(py, source, { jspi: false }) });
  await session.advance();
  return session.report({ events: true });
}

async function runTs(source: string, seed: number) {
  const session = await createSession(await compile(source), { seed, host: nodeHost });
  await session.advance();
  return session.report({ events: true });
}

const FLAKY_TS = `
import { Celery } from "celery";
class FlakyError extends Error { name = "FlakyError"; }
const app = new Celery("lab", { broker: "redis" });
app.conf.update({ taskAcksLate: false, workerPrefetchMultiplier: 4 });
export const flaky = app.task({ bind: true, maxRetries: 3, defaultRetryDelay: 1 },
  function flaky(self: any, data: string) {
    if (Math.random() < 0.7) throw self.retry({ exc: new FlakyError("Random failure occurred") });
    return \`Success after \${self.request.retries} retries for \${data}\`;
  });
export default function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (let i = 0; i < 6; i++) flaky.delay("item " + i);
}
`;

const FLAKY_PY = `
import random
from celery import Celery

class FlakyError(Exception):
    pass

app = Celery("lab", broker="redis")
app.conf.update(task_acks_late=False, worker_prefetch_multiplier=4)

@app.task(bind=True, max_retries=3, default_retry_delay=1)
def flaky(self, data):
    if random.random() < 0.7:
        raise self.retry(exc=FlakyError("Random failure occurred"))
    return f"Success after {self.request.retries} retries for {data}"

def main():
    app.worker(hostname="w1", concurrency=2)
    for i in range(6):
        flaky.delay("item " + str(i))
`;

type Report = Awaited<ReturnType<typeof runTs>>;
/** What a learner sees of each task: its states in order, its result, its retries. */
const outcome = (r: Report) => ({
  end: r.endReason,
  error: r.error,
  tasks: r.tasks.map((t) => ({ name: t.name, state: t.state, retries: t.retries, result: t.result, exception: t.exception && { type: t.exception.type, message: t.exception.message } })),
  events: r.events.map((e) => `${e.type}@${e.timestamp}`),
});

describe("a Python scenario on the simulator", () => {
  it.each([1, 7, 42])("gives the TypeScript twin's states, retries and results (seed %i)", async (seed) => {
    const [ts, python] = [await runTs(FLAKY_TS, seed), await runPython(FLAKY_PY, seed)];
    expect(outcome(python)).toEqual(outcome(ts));
    // Retries and a failure past max_retries both happen over these seeds (the check has teeth).
    expect(ts.tasks.some((t) => t.retries > 0)).toBe(true);
  });
});

const COUNTER_TS = `
import { Celery, chain } from "celery";
const app = new Celery("lab");
const seen: string[] = [];
export const count = app.task({ name: "count" }, function count(x: string) { seen.push(x); return seen.length; });
export const add = app.task({ name: "add" }, function add(a: number, b: number) { return a + b; });
export default function main() {
  app.worker({ hostname: "w1", concurrency: 2 });
  for (const x of ["a", "b", "c", "d", "e"]) count.delay(x);
  chain(add.s(1, 2), add.s(3), add.s(10)).delay();
}
`;

const COUNTER_PY = `
from celery import Celery, chain
app = Celery("lab")
seen = []

@app.task(name="count")
def count(x):
    seen.append(x)
    return len(seen)

@app.task
def add(a, b):
    return a + b

def main():
    app.worker(hostname="w1", concurrency=2)
    for x in ["a", "b", "c", "d", "e"]:
        count.delay(x)
    (add.s(1, 2) | add.s(3) | add.s(10)).delay()
`;

const AUTORETRY_TS = `
import { Celery } from "celery";
class ConnectionError extends Error { name = "ConnectionError"; }
const app = new Celery("lab");
export const fetchIt = app.task({ name: "fetch_it", autoretryFor: [ConnectionError], retryKwargs: { maxRetries: 2, countdown: 0.5 } },
  function fetchIt(url: string) { throw new ConnectionError("refused: " + url); });
export default function main() {
  app.worker({ hostname: "w1" });
  fetchIt.delay("http://api");
}
`;

const AUTORETRY_PY = `
from celery import Celery
app = Celery("lab")

@app.task(name="fetch_it", autoretry_for=(ConnectionError,), retry_kwargs={"max_retries": 2, "countdown": 0.5})
def fetch_it(url):
    raise ConnectionError("refused: " + url)

def main():
    app.worker(hostname="w1")
    fetch_it.delay("http://api")
`;

const BACKOFF_TS = `
import { Celery } from "celery";
class ConnectionError extends Error { name = "ConnectionError"; }
const app = new Celery("lab");
export const fetchIt = app.task({ name: "fetch_it", autoretryFor: [ConnectionError], retryBackoff: 2, retryBackoffMax: 600, retryKwargs: { maxRetries: 4 } },
  function fetchIt(url: string) { throw new ConnectionError("refused: " + url); });
export default function main() {
  app.worker({ hostname: "w1" });
  for (let i = 0; i < 3; i++) fetchIt.delay("http://api/" + i);
}
`;

const BACKOFF_PY = `
from celery import Celery
app = Celery("lab")

@app.task(name="fetch_it", autoretry_for=(ConnectionError,), retry_backoff=2, retry_backoff_max=600, retry_kwargs={"max_retries": 4})
def fetch_it(url):
    raise ConnectionError("refused: " + url)

def main():
    app.worker(hostname="w1")
    for i in range(3):
        fetch_it.delay("http://api/" + str(i))
`;

describe("Celery's Python names on the simulator", () => {
  it("retry_backoff spaces autoretries as Celery's exponential backoff with jitter, draw for draw as TypeScript", async () => {
    const [ts, python] = [await runTs(BACKOFF_TS, 4), await runPython(BACKOFF_PY, 4)];
    expect(outcome(python)).toEqual(outcome(ts));
    expect(python.tasks.map((t) => [t.state, t.retries])).toEqual([["FAILURE", 4], ["FAILURE", 4], ["FAILURE", 4]]);
    // Full jitter: countdowns up to 2·2^retries s, so the fifth run comes later than with no backoff.
    const spans = python.tasks.map((t) => t.finishedAt! - t.sentAt!);
    expect(Math.max(...spans)).toBeGreaterThan(4);
  });

  it("keeps module state per process and runs a chain built with |, as the TypeScript twin does", async () => {
    const [ts, python] = [await runTs(COUNTER_TS, 3), await runPython(COUNTER_PY, 3)];
    expect(outcome(python)).toEqual(outcome(ts));
    // Two pool processes, each with its own `seen`: no count reaches 5.
    const counts = python.tasks.filter((t) => t.name === "count").map((t) => t.result as number);
    expect(Math.max(...counts)).toBeLessThan(5);
    expect(python.tasks.filter((t) => t.name === "add").map((t) => t.result)).toEqual([3, 6, 16]);
  });

  it("turns an error listed in autoretry_for into retries, then fails with it", async () => {
    const [ts, python] = [await runTs(AUTORETRY_TS, 5), await runPython(AUTORETRY_PY, 5)];
    expect(outcome(python)).toEqual(outcome(ts));
    const t = python.tasks[0]!;
    expect([t.state, t.retries, t.exception?.type]).toEqual(["FAILURE", 2, "ConnectionError"]);
  });

  it("reports an error at the top level with its Python traceback (file and line)", async () => {
    const r = await runPython('from celery import Celery\napp = Celery("lab")\nraise ValueError("bad setting")\n', 1);
    expect(r.endReason).toBe("error");
    expect([r.error?.type, r.error?.message]).toEqual(["ValueError", "bad setting"]);
    expect(r.error?.traceback).toContain('File "scenario.py", line 3');
  });

  it("max_retries=None retries for ever (Celery's meaning), not the default 3", async () => {
    const r = await runPython(`
from celery import Celery
app = Celery("lab")

@app.task(bind=True, max_retries=None)
def stubborn(self):
    if self.request.retries < 6:
        raise self.retry(countdown=0.1)
    return self.request.retries

def main():
    app.worker(hostname="w1")
    stubborn.delay()
`, 1);
    const t = r.tasks[0]!;
    expect([t.state, t.retries, t.result]).toEqual(["SUCCESS", 6, 6]);
  });

  it("import redis: redis-py's names on the simulated Redis the TypeScript redis export reaches", async () => {
    const r = await runPython(`
import redis
from celery import Celery
app = Celery("lab")
r = redis.Redis()

def main():
    return "no waiting in place in Node"
`, 1);
    expect(r.endReason).toBe("completed");
    expect(r.returned).toBe("no waiting in place in Node");
  });

  it("nested settings keep Celery's spelling: broker_transport_options={'visibility_timeout': ...}", async () => {
    const r = await runPython(`
from celery import Celery
app = Celery("lab")
app.conf.update(broker_transport_options={"visibility_timeout": 45}, task_routes={"send_invoice": {"queue": "billing"}})

def main():
    return [app.conf.broker_transport_options["visibilityTimeout"], list(app.conf.task_routes)]
`, 1);
    expect(r.returned).toEqual([45, ["send_invoice"]]);
  });
});

describe("base task classes: class X(Task) with hooks and __call__, then base=X", () => {
  const BASE_PY = `
from celery import Celery, Task
app = Celery("lab")

class Tracked(Task):
    label = "default"
    max_retries = 1
    default_retry_delay = 0.5

    def __call__(self, *args, **kwargs):
        self.calls = getattr(self, "calls", 0) + 1
        print(f"call {self.name} {self.label} {self.request.id} #{self.calls}")
        return super().__call__(*args, **kwargs)

    def before_start(self, task_id, args, kwargs):
        print(f"start {task_id} {args} {kwargs}")

    def on_success(self, retval, task_id, args, kwargs):
        print(f"ok {task_id} {retval!r} {args} {kwargs}")

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        print(f"fail {task_id} {type(exc).__name__}: {exc} | {type(einfo.exception).__name__} is exc: {einfo.exception is exc}")

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        print(f"retry {task_id} {exc!r}")

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        print(f"after {task_id} {status}")

class Picky(ValueError):
    pass

@app.task(bind=True, base=Tracked, label="adder")
def add(self, x, y=0):
    if x < 0:
        raise Picky(f"negative: {x}")
    if x == 0 and self.request.retries == 0:
        raise self.retry(exc=Picky("zero"))
    return x + y

@app.task
def plain(x):
    return x

def main():
    app.worker(hostname="w1", concurrency=1)
    ids = [add.delay(1, y=2).id, add.delay(-1).id, add.delay(0).id]
    return {"ids": ids, "isinstance": isinstance(add, Tracked), "label": add.label, "base_label": Tracked.label,
            "plain_is_task": isinstance(plain, Task), "plain_is_tracked": isinstance(plain, Tracked),
            "direct": add(5, y=1), "max_retries": add.max_retries}
`;

  it("calls the base's __call__ and hooks on the execution's view, with Celery's arguments", async () => {
    const r = await runPython(BASE_PY, 1);
    expect(r.error).toBeNull();
    const ret = r.returned as { ids: string[] } & Record<string, unknown>;
    const [ok, failed, retried] = ret.ids;
    expect({ ...ret, ids: undefined }).toEqual({ ids: undefined, isinstance: true, label: "adder", base_label: "default", plain_is_task: true, plain_is_tracked: false, direct: 6, max_retries: 1 });
    const lines = r.logs.map((l) => l.replace(/^\[[^\]]*\] /, ""));
    // The direct call in main went through __call__ too (no request id), as in Celery.
    expect(lines).toContain("call add adder None #1");
    expect(lines).toContain(`start ${ok} [1] {'y': 2}`);
    expect(lines).toContain(`ok ${ok} 3 [1] {'y': 2}`);
    expect(lines).toContain(`fail ${failed} Picky: negative: -1 | Picky is exc: True`);
    expect(lines).toContain(`retry ${retried} Picky('zero')`);
    expect(lines).toContain(`after ${retried} SUCCESS`);
    expect(lines).toContain(`after ${failed} FAILURE`);
    // One instance per process: the worker's child counted its four executions (the retry included).
    expect(lines.filter((l) => /^call add adder \S+-\S+ #\d$/.test(l)).map((l) => l.split("#")[1])).toEqual(["1", "2", "3", "4"]);
    const byId = Object.fromEntries(r.tasks.map((t) => [t.id, t]));
    expect([byId[ok!]!.state, byId[failed!]!.state, byId[retried!]!.state, byId[retried!]!.retries]).toEqual(["SUCCESS", "FAILURE", "SUCCESS", 1]);
  });

  it("a base class's apply_async is under every send: delay, signatures, a chain's next step, group members, a chord's body", async () => {
    // The Python twin of tracer.test.ts's CountedTask (without waiting in place: main sends, the run goes on).
    const r = await runPython(`
from celery import Celery, Task, chain, group, chord
app = Celery("counted", broker="redis")
sends = 0

class CountedTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        global sends
        sends += 1
        print(f"apply_async {self.name} {list(args or [])} #{sends} group={'group_id' in options}")
        return super().apply_async(args, kwargs, **options)

@app.task(base=CountedTask)
def add(x, y):
    return x + y

@app.task(base=CountedTask)
def total(xs):
    return sum(xs)

def main():
    app.worker(hostname="w1", concurrency=1)
    print("-- delay"); add.delay(1, 1)
    print("-- signature"); add.s(2, 2).delay()
    print("-- chain"); chain(add.s(1, 2), add.s(10)).apply_async()
    print("-- group"); group(add.s(1, 1), add.s(2, 2)).apply_async()
    print("-- chord"); return chord([add.s(5, 5), add.s(6, 6)], total.s()).apply_async().id
`, 1);
    expect(r.error).toBeNull();
    const lines = r.logs.map((l) => l.replace(/^\[[^\]]*\] /, ""));
    expect(lines).toEqual([
      "-- delay",
      "apply_async add [1, 1] #1 group=False",
      "-- signature",
      "apply_async add [2, 2] #2 group=False",
      "-- chain",
      "apply_async add [1, 2] #3 group=False",
      "-- group",
      "apply_async add [1, 1] #4 group=True",
      "apply_async add [2, 2] #5 group=True",
      "-- chord",
      "apply_async add [5, 5] #6 group=True",
      "apply_async add [6, 6] #7 group=True",
      // Sent by the pool child that ran the chain's first step (its own module state: its first send),
      // then the chord's body by the child that ran the header's last member.
      "apply_async add [3, 10] #1 group=False",
      "apply_async total [[10, 12]] #2 group=False",
    ]);
    const byName = (n: string) => r.tasks.filter((t) => t.name === n).map((t) => [t.state, t.result]);
    expect(byName("total")).toEqual([["SUCCESS", 22]]);
    expect(byName("add")).toContainEqual(["SUCCESS", 13]);
  });

  it("refuses a base that is not a Task class, saying so", async () => {
    const r = await runPython(`
from celery import Celery
app = Celery("lab")

class NotATask:
    pass

@app.task(base=NotATask)
def f():
    pass
`, 1);
    expect([r.error?.type, r.error?.message]).toEqual(["TypeError", expect.stringContaining("must be a class extending celery.Task")]);
    expect(r.error?.traceback).toContain('File "scenario.py", line 8');
  });
});

describe("the simulated world's objects and threads under Python's names (no waiting in place)", () => {
  it("service(), app.control.inspect(), app.deployment(), worker handles and app.tasks", async () => {
    const r = await runPython(`
from celery import Celery, service
app = Celery("lab", broker="redis")
payments = service("payments", latency=0.05, failure_rate=0.25, outages=[(30, 50), {"from_s": 60, "to_s": 61}])

@app.task(name="probe")
def probe():
    inspect = app.control.inspect(destination=["w1"])
    return {"ping": inspect.ping(), "active": [t["name"] for t in inspect.active()["w1"]], "total": inspect.stats()["w1"]["total"]}

def main():
    nobody = app.control.inspect().ping()
    w = app.worker(hostname="w1", concurrency=1)
    d = app.deployment(name="io", replicas=3, worker={"concurrency": 2, "queues": ["io_queue"]}, termination_grace_period_s=3)
    sizes = [d.size, d.hostnames]
    d.scale(1, "by hand")
    probe.delay()
    probe.delay()
    return {
        "nobody": nobody,
        "worker": [w.hostname, w.concurrency],
        "sizes": sizes + [d.size],
        "down": [payments.is_down(t) for t in (10, 30, 49.9, 50, 60.5)],
        "tasks": sorted(app.tasks),
        "same": app.tasks["probe"] is probe,
    }
`, 1);
    expect(r.endReason, r.endMessage).toBe("completed");
    expect(r.returned).toEqual({
      nobody: null,
      worker: ["w1", 1],
      sizes: [3, ["io-1", "io-2", "io-3"], 1],
      down: [false, true, true, false, true],
      tasks: ["probe"],
      same: true,
    });
    // Asked from a task: the worker answers ping, lists the running task, counts what it has run.
    const probes = r.tasks.filter((t) => t.name === "probe");
    expect(probes.map((t) => t.result)).toEqual([
      { ping: { w1: { ok: "pong" } }, active: ["probe"], total: {} },
      { ping: { w1: { ok: "pong" } }, active: ["probe"], total: { probe: 1 } },
    ]);
  });

  it("threading.Thread runs its target (at once without JSPI), join() returns, an exception is printed as Python does", async () => {
    const r = await runPython(`
import threading
from celery import Celery
app = Celery("lab")
log = []

def work(n, scale=1):
    log.append(n * scale)

def bad():
    raise ValueError("boom")

def main():
    threads = [threading.Thread(target=work, args=(i,), kwargs={"scale": 10}) for i in range(3)]
    threads.append(threading.Thread(target=bad, name="bad-one"))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop = threading.Event()
    stop.set()
    return {"log": log, "alive": [t.is_alive() for t in threads], "names": [t.name for t in threads], "stop": stop.is_set()}
`, 1);
    expect(r.endReason, r.endMessage).toBe("completed");
    expect(r.returned).toEqual({ log: [0, 10, 20], alive: [false, false, false, false], names: ["Thread-1 (work)", "Thread-2 (work)", "Thread-3 (work)", "bad-one"], stop: true });
    expect(r.logs.join("\n")).toMatch(/^Exception in thread bad-one:\nTraceback \(most recent call last\):\n {2}File "scenario.py", line 11, in bad\n[\s\S]*ValueError: boom$/);
  });
});

/** The lines a scenario printed (print() is the scenario's console), without the simulator's own. */
const printed = (r: Report, prefix: string) => r.logs.filter((l) => l.includes(prefix)).map((l) => l.slice(l.indexOf(prefix)));

describe("celery.signals: Celery's Python signal API, per process", () => {
  it("calls receivers with Celery's keyword arguments, connected as a decorator or by a call", async () => {
    const r = await runPython(`
from celery import Celery
from celery.signals import task_prerun, task_postrun, task_success, task_failure

app = Celery("lab")

@app.task
def add(a, b):
    return a + b

@app.task
def boom():
    raise KeyError("lost")

@app.task
def mul(a, b):
    return a * b

@task_prerun.connect
def before(sender=None, task_id=None, task=None, args=None, kwargs=None, signal=None, **extra):
    print(f"PRE {signal.name} {sender.name} {task.name} {task_id} {args} {kwargs} {sorted(extra)}")

def after(sender=None, task_id=None, task=None, args=None, kwargs=None, retval=None, state=None, **extra):
    print(f"POST {sender.name} {args} {retval!r} {state}")

task_postrun.connect(after)

@task_success.connect(sender="add")
def ok(sender=None, result=None, **extra):
    print(f"SUCCESS {sender.name} {result}")

@task_failure.connect
def failed(sender=None, task_id=None, exception=None, args=None, **extra):
    print(f"FAILURE {sender.name} {type(exception).__name__} {isinstance(exception, KeyError)} {exception}")

def main():
    app.worker(hostname="w1", concurrency=1)
    add.delay(2, 3)
    boom.delay()
    mul.delay(4, 5)
`, 1);
    expect(r.endReason).toBe("completed");
    const [add, boom, mul] = r.tasks.map((t) => t.id);
    expect(printed(r, "PRE ")).toEqual([`PRE task_prerun add add ${add} [2, 3] {} []`, `PRE task_prerun boom boom ${boom} [] {} []`, `PRE task_prerun mul mul ${mul} [4, 5] {} []`]);
    expect(printed(r, "POST ")).toEqual(["POST add [2, 3] 5 SUCCESS", "POST boom [] KeyError('lost') FAILURE", "POST mul [4, 5] 20 SUCCESS"]);
    // sender="add" filters: mul's success is not heard, add's is.
    expect(printed(r, "SUCCESS ")).toEqual(["SUCCESS add 5"]);
    expect(printed(r, "FAILURE ")).toEqual(["FAILURE boom KeyError True 'lost'"]);
  });

  it("a receiver connected in main() (the client's process) hears no task; one at the top level does, in each pool child", async () => {
    const r = await runPython(`
from celery import Celery
from celery.signals import task_prerun, worker_process_init

app = Celery("lab")

@app.task
def work(i):
    return i

@worker_process_init.connect
def child_up(**kwargs):
    print("CHILD up")

@task_prerun.connect
def top(task=None, args=None, **kwargs):
    print(f"TOP {args[0]}")

def in_main(task=None, args=None, **kwargs):
    print(f"MAIN {args[0]}")

def main():
    task_prerun.connect(in_main)
    app.worker(hostname="w1", concurrency=2)
    for i in range(4):
        work.delay(i)
`, 1);
    expect(r.endReason).toBe("completed");
    expect(printed(r, "MAIN ")).toEqual([]);
    expect(printed(r, "TOP ").sort()).toEqual(["TOP 0", "TOP 1", "TOP 2", "TOP 3"]);
    expect(printed(r, "CHILD ")).toEqual(["CHILD up", "CHILD up"]);
  });

  it("disconnect removes a receiver (by itself or its dispatch_uid); connecting it twice calls it once", async () => {
    const r = await runPython(`
from celery import Celery
from celery.signals import task_prerun

app = Celery("lab")

@app.task
def work(i):
    return i

def once(args=None, **kwargs):
    print(f"ONCE {args[0]}")

def gone(args=None, **kwargs):
    print(f"GONE {args[0]}")

task_prerun.connect(once)
task_prerun.connect(once)
task_prerun.connect(gone)
task_prerun.connect(gone, dispatch_uid="g2")
removed = [task_prerun.disconnect(gone), task_prerun.disconnect(dispatch_uid="g2"), task_prerun.disconnect(gone)]
print(f"REMOVED {removed}")

def main():
    app.worker(hostname="w1", concurrency=1)
    work.delay(7)
`, 1);
    expect(printed(r, "ONCE ")).toEqual(["ONCE 7"]);
    expect(printed(r, "GONE ")).toEqual([]);
    // Printed once per process that imported the module (the client's, the worker's, its child).
    expect(new Set(printed(r, "REMOVED "))).toEqual(new Set(["REMOVED [True, True, False]"]));
  });

  it("a receiver that raises is logged and the others still run; the task is unaffected", async () => {
    const r = await runPython(`
from celery import Celery
from celery.signals import task_prerun

app = Celery("lab")

@app.task
def work(i):
    return i * 10

@task_prerun.connect
def bad(**kwargs):
    raise ValueError("receiver broke")

@task_prerun.connect
def good(args=None, **kwargs):
    print(f"GOOD {args[0]}")

def main():
    app.worker(hostname="w1", concurrency=1)
    work.delay(4)
`, 1);
    expect(printed(r, "GOOD ")).toEqual(["GOOD 4"]);
    expect(r.logs.some((l) => l.includes("signal task_prerun raised ValueError('receiver broke')"))).toBe(true);
    expect(r.tasks.map((t) => [t.state, t.result])).toEqual([["SUCCESS", 40]]);
  });
});

describe("the rest of what labs 3.2 and c1 use", () => {
  it("self.request under Celery's names (delivery_info with routing_key); app.worker gives a Worker", async () => {
    const r = await runPython(`
from celery import Celery

app = Celery("lab", broker="rabbitmq")

@app.task(bind=True)
def where(self):
    info = self.request.delivery_info
    return [info["queue"], info["routing_key"], self.request.hostname, self.request.get("nothing", "default")]

def main():
    app.broker.declare_exchange("events", "topic")
    app.broker.bind_queue("audit", "events", "event.#")
    w = app.worker(hostname="w1", concurrency=3, queues=["audit"], pool="threads")
    where.apply_async(exchange="events", routing_key="event.order.created")
    return [w.hostname, w.concurrency, w.pool, type(w).__name__]
`, 1);
    expect(r.error).toBeNull();
    expect(r.returned).toEqual(["w1", 3, "threads", "Worker"]);
    expect(r.tasks.map((t) => t.result)).toEqual([["audit", "event.order.created", "w1", "default"]]);
  });

  it("from celery import cpu: cpu is a function of seconds (burning a core needs waiting in place: JSPI)", async () => {
    const r = await runPython(`
from celery import Celery, cpu
app = Celery("lab")

def main():
    try:
        cpu(0.01)
    except RuntimeError as e:
        return str(e)
`, 1);
    expect(r.returned).toMatch(/needs JSPI/);
  });
});

describe("datetime on the simulated clock", () => {
  it("datetime.now(), utcnow(), today() and date.today() read the simulated Date, as time.time() does", async () => {
    const r = await runPython(`
import time
from datetime import datetime, date, timedelta, timezone
import datetime as dt
from celery import Celery
app = Celery("lab")

def main():
    app.worker(hostname="w1")
    return {
        "now": datetime.now().timestamp(), "time": time.time(),
        "module_now": dt.datetime.now(timezone.utc).isoformat(),
        "utcnow": datetime.utcnow().isoformat(), "today": date.today().isoformat(),
        "is_datetime": isinstance(datetime.now(), dt.datetime), "later": (datetime.now() + timedelta(days=1)).day,
    }
`, 1);
    expect(r.endReason, r.endMessage).toBe("completed");
    const v = r.returned as Record<string, unknown>;
    // The simulation's epoch (sim/engine/globals.ts SIM_EPOCH_MS): 2025-01-01 09:00 UTC, t = 0.
    expect(v.now).toBe(v.time);
    expect(v.module_now).toBe("2025-01-01T09:00:00+00:00");
    expect(v.utcnow).toBe("2025-01-01T09:00:00");
    expect(v.today).toBe("2025-01-01");
    expect([v.is_datetime, v.later]).toEqual([true, 2]);
  });
});
