/**
 * The monitoring panel (Flower, and better): time-series charts on the simulated clock, alert rules
 * the learner writes, Flower's /metrics at the playhead, and Flower's control buttons. Every control
 * action becomes a ControlCommand at the playhead's time, kept in the run's command list, so a
 * replay from the seed (seek, reset) repeats it.
 */
import { createMemo, createSignal, For, Index, Show } from "solid-js";
import { fmtS, shortId } from "../../lib/format";
import type { Playground } from "../../state/playground";
import type { AlertOp, AlertRuleSpec, ControlCommand } from "../../workers/protocol";
import { ruleProblem } from "../../../sim/world/metrics/rules";
import { Chart, type Marker } from "./Chart";
import { LIVE_STATES, percentileChart, queueDepthChart, stateChart, throughputChart, utilisationChart } from "./model/series";
import { explainWorker } from "./model/worker-status";
import { taskEventsNotice } from "./model/events-notice";
import type { DashboardStore } from "./store";
import "./dashboard.css";

const PRESET: AlertRuleSpec = {
  name: "HighFailureRate",
  expr: 'sum(rate(flower_events_total{type="task-failed"}[10s])) / sum(rate(flower_events_total{type=~"task-succeeded|task-failed"}[10s]))',
  op: ">",
  threshold: 0.1,
  forS: 5,
  cooldownS: 60,
};

function describeCommand(c: ControlCommand): string {
  switch (c.kind) {
    case "revoke":
      return `${c.terminate ? "terminate" : "revoke"} ${shortId(c.taskId)}`;
    case "retry":
      return `retry ${shortId(c.taskId)}`;
    case "retry-failed":
      return `retry all failed ${c.taskName}`;
    case "rate-limit":
      return `rate limit ${c.taskName} = ${c.rate ?? "none"}`;
    case "time-limit":
      return `time limit ${c.taskName} soft=${c.soft ?? "–"} hard=${c.hard ?? "–"}`;
    case "pool-grow":
    case "pool-shrink":
      return `${c.kind} ${c.worker} by ${c.n ?? 1}`;
    case "add-consumer":
    case "cancel-consumer":
      return `${c.kind === "add-consumer" ? "add queue" : "remove queue"} ${c.queue} on ${c.worker}`;
    default:
      return `${c.kind} ${c.worker}`;
  }
}

export function Dashboard(props: { pg: Playground; store: DashboardStore }) {
  const pg = props.pg;
  const m = props.store.model;
  const v = props.store.version;

  const markers = createMemo<Marker[]>(() =>
    m()
      .alerts.filter((a) => a.state === "firing" || a.state === "resolved")
      .map((a) => ({ atS: a.atS, color: a.state === "firing" ? "#ff5d6c" : "#4fcf82" })),
  );
  const playhead = () => pg.shownTimeS();

  // ------------------------------------------------------------ alert rules
  const [draft, setDraft] = createSignal<AlertRuleSpec>({ ...PRESET });
  const draftProblem = createMemo(() => ruleProblem(draft()));
  const ruleState = (name: string) => {
    const last = [...m().alerts].reverse().find((a) => a.rule === name);
    return last ? last.state : "inactive";
  };
  const addRule = () => {
    if (draftProblem()) return;
    const rules = pg.alertRules().filter((r) => r.name !== draft().name);
    void pg.setAlertRules([...rules, { ...draft() }]);
  };
  const num = (s: string) => (s.trim() === "" ? NaN : Number(s));

  // ------------------------------------------------------------ metrics text
  const [metrics, setMetrics] = createSignal<{ atS: number; text: string } | null>(null);
  const [showMetrics, setShowMetrics] = createSignal(false);
  async function loadMetrics() {
    try {
      const text = await pg.metricsText();
      setMetrics({ atS: pg.run().nowS, text });
    } catch (e) {
      setMetrics({ atS: pg.run().nowS, text: `# not available: ${(e as Error).message}` });
    }
  }
  function download() {
    const t = metrics();
    if (!t) return;
    const url = URL.createObjectURL(new Blob([t.text], { type: "text/plain; version=0.0.4" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `metrics-${t.atS.toFixed(1)}s.prom`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ------------------------------------------------------------ control
  // These lists feed <select>s and change far less often than frames arrive: a memo that keeps its
  // old array when nothing changed spares the DOM (a select re-measures its options when they change).
  const taskNames = createMemo(
    () => {
      void pg.run().version;
      return [...pg.run().byName.keys()].sort();
    },
    [],
    { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) },
  );
  const [taskName, setTaskName] = createSignal("");
  const currentName = () => taskName() || taskNames()[0] || "";
  const failedOf = createMemo(() => {
    void pg.run().version;
    return pg.run().byName.get(currentName())?.failed ?? 0;
  });
  const [rate, setRate] = createSignal("10/s");
  const [soft, setSoft] = createSignal("");
  const [hard, setHard] = createSignal("");
  /** The newest 200 tasks a control button can act on (failed, or not finished yet). */
  const pickable = createMemo(
    () => {
      void pg.run().version;
      const out = [] as { id: string; label: string; state: string }[];
      const list = pg.run().taskList;
      for (let i = list.length - 1; i >= 0 && out.length < 200; i--) {
        const t = list[i]!;
        if (t.eventState === "FAILURE" || t.eventState === "STARTED" || t.eventState === "RECEIVED" || t.eventState === "PENDING") out.push({ id: t.id, label: `${t.name}[${shortId(t.id)}] ${t.eventState}`, state: t.eventState });
      }
      return out;
    },
    [],
    { equals: (a, b) => a.length === b.length && a.every((x, i) => x.id === b[i]!.id && x.label === b[i]!.label) },
  );
  const [taskId, setTaskId] = createSignal("");
  const currentTask = () => pickable().find((t) => t.id === taskId()) ?? pickable()[0];
  const [newQueue, setNewQueue] = createSignal<Record<string, string>>({});
  const send = (cmd: ControlCommand) => void pg.command(cmd);
  const canControl = () => pg.run().traceLength > 0;

  return (
    <div class="dashboard" data-testid="dashboard">
      <Show when={(v(), taskEventsNotice(m()))}>
        {(notice) => (
          <div class="banner info" role="note" data-testid="events-off">
            {notice()}
          </div>
        )}
      </Show>
      <div class="dash-kpis" aria-label="Now">
        <For each={[...LIVE_STATES, "SUCCESS", "FAILURE"]}>
          {(s) => (
            <div class="kpi">
              <span class="kpi-label">{s.toLowerCase()}</span>
              <span class="kpi-value mono" data-testid={`kpi-${s}`}>
                {(v(), m().counts[s] ?? 0)}
              </span>
            </div>
          )}
        </For>
        <div class="kpi">
          <span class="kpi-label">alerts firing</span>
          <span class="kpi-value mono" classList={{ bad: pg.alertRules().some((r) => ruleState(r.name) === "firing") }} data-testid="kpi-firing">
            {pg.alertRules().filter((r) => ruleState(r.name) === "firing").length}
          </span>
        </div>
      </div>

      <div class="dash-grid">
        <Chart title="Live tasks by state" version={v} data={() => stateChart(m())} markers={markers} playheadS={playhead} testid="chart-states" />
        <Chart title="Throughput (per s, 5 s average)" unit="/s" version={v} data={() => throughputChart(m(), 5)} markers={markers} playheadS={playhead} colors={["#4fcf82", "#ff5d6c"]} testid="chart-throughput" />
        <Chart title="Queue depth (waiting; unacked: delivered, not acknowledged)" version={v} data={() => queueDepthChart(m())} markers={markers} playheadS={playhead} testid="chart-depth" />
        <Chart title="Pool utilisation (and CPU per host where tasks burn it)" unit="%" version={v} data={() => utilisationChart(m())} markers={markers} playheadS={playhead} testid="chart-util" />
        <Chart title="Queue wait, last 10 s" unit="s" version={v} data={() => percentileChart(m(), "waits", 10)} markers={markers} playheadS={playhead} colors={["#5aa2ff", "#f2b84b", "#ff5d6c"]} testid="chart-wait" />
        <Chart title="Runtime, last 10 s" unit="s" version={v} data={() => percentileChart(m(), "runtimes", 10)} markers={markers} playheadS={playhead} colors={["#5aa2ff", "#f2b84b", "#ff5d6c"]} testid="chart-runtime" />
      </div>

      <section class="dash-section" aria-label="Alerts">
        <h3>Alert rules</h3>
        <p class="muted small">
          Evaluated inside the run every second on the simulated clock; a replay from the seed repeats them. Expressions: Flower's metric names, label matchers (= != =~ !~),
          rate()/increase() over a [10s] range, sum/avg/max/min, + - * /.
        </p>
        <form
          class="rule-form"
          onSubmit={(e) => {
            e.preventDefault();
            addRule();
          }}
        >
          <label class="field grow rule-expr">
            expression
            <input class="mono" value={draft().expr} onInput={(e) => setDraft({ ...draft(), expr: e.currentTarget.value })} aria-label="Rule expression" spellcheck={false} />
          </label>
          <label class="field">
            name
            <input value={draft().name} onInput={(e) => setDraft({ ...draft(), name: e.currentTarget.value })} aria-label="Rule name" />
          </label>
          <label class="field">
            is
            <select value={draft().op} onChange={(e) => setDraft({ ...draft(), op: e.currentTarget.value as AlertOp })} aria-label="Comparison">
              <For each={[">", ">=", "<", "<="]}>{(o) => <option value={o}>{o}</option>}</For>
            </select>
          </label>
          <label class="field">
            threshold
            <input class="num-in" value={String(draft().threshold)} onInput={(e) => setDraft({ ...draft(), threshold: num(e.currentTarget.value) })} aria-label="Threshold" />
          </label>
          <label class="field">
            for (s)
            <input class="num-in" value={String(draft().forS ?? 0)} onInput={(e) => setDraft({ ...draft(), forS: num(e.currentTarget.value) })} aria-label="For seconds" />
          </label>
          <label class="field">
            cooldown (s)
            <input class="num-in" value={String(draft().cooldownS ?? 0)} onInput={(e) => setDraft({ ...draft(), cooldownS: num(e.currentTarget.value) })} aria-label="Cooldown seconds" />
          </label>
          <button class="btn small primary" type="submit" disabled={!!draftProblem()}>
            Add rule
          </button>
        </form>
        <Show when={draftProblem()}>{(p) => <p class="rule-problem" role="alert">{p()}</p>}</Show>
        <Show when={pg.alertRules().length > 0}>
          <ul class="rules" aria-label="Rules">
            <For each={pg.alertRules()}>
              {(r) => (
                <li class={`rule st-${(v(), ruleState(r.name))}`}>
                  <span class="rule-state" data-testid={`rule-state-${r.name}`}>
                    {(v(), ruleState(r.name))}
                  </span>
                  <b>{r.name}</b>
                  <code>
                    {r.expr} {r.op} {r.threshold}
                  </code>
                  <span class="muted">
                    for {r.forS ?? 0} s, cooldown {r.cooldownS ?? 0} s
                  </span>
                  <button class="btn small ghost" onClick={() => void pg.setAlertRules(pg.alertRules().filter((x) => x.name !== r.name))} aria-label={`Remove rule ${r.name}`}>
                    ✕
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={m().alerts.length > 0}>
          <ol class="alert-history" aria-label="Alert history" data-testid="alert-history">
            <For each={(v(), m().alerts.slice(-50))}>
              {(a) => (
                <li class={`ah-${a.state}`}>
                  <span class="mono">{fmtS(a.atS, 1)}</span> <b>{a.rule}</b> <span class="ah-state">{a.state}</span> <span class="muted">{a.reason}</span>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section class="dash-section" aria-label="Control">
        <h3>Control</h3>
        <p class="muted small">Each action is applied at the playhead ({fmtS(pg.timeS(), 1)}) and kept in the run's command list: seeking or resetting replays it.</p>
        <div class="ctl-row">
          <label class="field">
            task name
            <select value={currentName()} onChange={(e) => setTaskName(e.currentTarget.value)} aria-label="Task name">
              <For each={taskNames()}>{(n) => <option value={n}>{n}</option>}</For>
            </select>
          </label>
          <button class="btn small" disabled={!canControl() || !currentName()} onClick={() => send({ kind: "retry-failed", taskName: currentName() })} data-testid="retry-all-failed">
            Retry all failed ({failedOf()})
          </button>
          <label class="field">
            rate limit
            <input class="num-in" value={rate()} onInput={(e) => setRate(e.currentTarget.value)} aria-label="Rate limit" />
          </label>
          <button class="btn small" disabled={!canControl() || !currentName()} onClick={() => send({ kind: "rate-limit", taskName: currentName(), rate: rate().trim() || null })}>
            Set rate limit
          </button>
          <div class="field pair">
            soft / hard limit (s)
            <span>
              <input class="num-in" value={soft()} onInput={(e) => setSoft(e.currentTarget.value)} aria-label="Soft time limit" placeholder="soft" />
              <input class="num-in" value={hard()} onInput={(e) => setHard(e.currentTarget.value)} aria-label="Hard time limit" placeholder="hard" />
            </span>
          </div>
          <button
            class="btn small"
            disabled={!canControl() || !currentName()}
            onClick={() => send({ kind: "time-limit", taskName: currentName(), soft: soft().trim() ? Number(soft()) : null, hard: hard().trim() ? Number(hard()) : null })}
          >
            Set time limit
          </button>
        </div>
        <div class="ctl-row">
          <label class="field grow">
            task
            <select value={currentTask()?.id ?? ""} onChange={(e) => setTaskId(e.currentTarget.value)} aria-label="Task">
              <Show when={pickable().length === 0}>
                <option value="">no failed or unfinished task at the playhead</option>
              </Show>
              <Index each={pickable()}>{(t) => <option value={t().id}>{t().label}</option>}</Index>
            </select>
          </label>
          <button class="btn small" disabled={!currentTask()} onClick={() => send({ kind: "revoke", taskId: currentTask()!.id })}>
            Revoke
          </button>
          <button class="btn small" disabled={!currentTask()} onClick={() => send({ kind: "revoke", taskId: currentTask()!.id, terminate: true })}>
            Terminate
          </button>
          <button class="btn small" disabled={currentTask()?.state !== "FAILURE"} onClick={() => send({ kind: "retry", taskId: currentTask()!.id })}>
            Retry
          </button>
        </div>
        {/* A card per worker: the explanation wraps under the name, and the actions stay in reach
            at any width (as table columns they were pushed off the right edge). */}
        <ul class="wcards" aria-label="Worker control">
          <Index each={pg.run().workers}>
            {(w) => {
              const st = () => explainWorker(w(), (v(), m().workers.get(w().index)), pg.run().nowS);
              return (
                <li class="wcard">
                  <div class="wcard-head">
                    <span class="mono host">{w().hostname}</span>
                    <span class={`wst wst-${st().status}`} data-testid={`worker-status-${w().hostname}`}>
                      {st().status}
                    </span>
                    <span class="mono small" title="executing / pool size">
                      {w().active}/{w().concurrency} busy
                    </span>
                    <span class="wcard-actions">
                      <button class="btn small ghost" onClick={() => send({ kind: "pool-grow", worker: w().hostname, n: 1 })} aria-label={`Grow ${w().hostname}`}>
                        +1
                      </button>
                      <button class="btn small ghost" onClick={() => send({ kind: "pool-shrink", worker: w().hostname, n: 1 })} aria-label={`Shrink ${w().hostname}`}>
                        −1
                      </button>
                      <button class="btn small ghost" onClick={() => send({ kind: "shutdown", worker: w().hostname })}>
                        Shut down
                      </button>
                      <button class="btn small ghost" onClick={() => send({ kind: "restart", worker: w().hostname })}>
                        Restart
                      </button>
                      <button class="btn small ghost" onClick={() => send({ kind: "kill", worker: w().hostname })}>
                        Kill
                      </button>
                    </span>
                  </div>
                  <p class="muted small why">{st().why}</p>
                  <div class="wcard-queues mono">
                    <For each={w().queues}>
                      {(q) => (
                        <span class="qchip">
                          {q}
                          <button class="chip-x" title={`Stop consuming ${q}`} aria-label={`Remove queue ${q} from ${w().hostname}`} onClick={() => send({ kind: "cancel-consumer", worker: w().hostname, queue: q })}>
                            ×
                          </button>
                        </span>
                      )}
                    </For>
                    <input
                      class="num-in"
                      placeholder="queue"
                      value={newQueue()[w().hostname] ?? ""}
                      onInput={(e) => setNewQueue({ ...newQueue(), [w().hostname]: e.currentTarget.value })}
                      aria-label={`New queue for ${w().hostname}`}
                    />
                    <button class="btn small ghost" disabled={!(newQueue()[w().hostname] ?? "").trim()} onClick={() => send({ kind: "add-consumer", worker: w().hostname, queue: newQueue()[w().hostname]!.trim() })}>
                      + queue
                    </button>
                  </div>
                </li>
              );
            }}
          </Index>
        </ul>
        <Show when={pg.commands().length > 0}>
          <div class="cmd-head">
            <span>Commands in this run</span>
            <button class="btn small ghost" onClick={() => void pg.clearCommands()}>
              Clear
            </button>
          </div>
          <ol class="cmd-list" aria-label="Commands" data-testid="commands">
            <For each={pg.commands()}>
              {(c) => (
                <li>
                  <span class="mono">{fmtS(c.atS, 2)}</span> {describeCommand(c.cmd)}
                  <span class="muted">{(v(), m().controls.some((x) => Math.abs(x.atS - c.atS) < 1e-9 && x.command === c.cmd.kind)) ? " ✓ applied" : " (at its time)"}</span>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section class="dash-section" aria-label="Metrics">
        <h3>
          /metrics
          <button
            class="btn small"
            onClick={() => {
              setShowMetrics(!showMetrics());
              if (showMetrics()) void loadMetrics();
            }}
          >
            {showMetrics() ? "Hide" : "Show"}
          </button>
          <Show when={showMetrics()}>
            <button class="btn small ghost" onClick={() => void loadMetrics()}>
              Refresh
            </button>
            <button class="btn small ghost" onClick={download} disabled={!metrics()}>
              Download
            </button>
          </Show>
        </h3>
        <Show when={showMetrics() && metrics()}>
          {(t) => (
            <pre class="metrics-text mono" data-testid="metrics-text">
              {t().text}
            </pre>
          )}
        </Show>
      </section>
    </div>
  );
}
export default Dashboard;
