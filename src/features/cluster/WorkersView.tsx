/** Workers (Flower's dashboard) and queues (the broker tab). */
import { Index, Show } from "solid-js";
import { fmtRate, fmtS } from "../../lib/format";
import type { RunView } from "../../state/run-store";

const STATUS_SHAPE: Record<string, string> = { online: "●", offline: "■", starting: "◔" };

export function WorkersView(props: { run: RunView }) {
  return (
    <div class="table-wrap" tabindex="0" role="region" aria-label="Workers table">
      <table class="grid" aria-label="Workers">
        <thead>
          <tr>
            <th>worker</th>
            <th>status</th>
            <th class="num">active</th>
            <th class="num">processed</th>
            <th class="num">pool size</th>
            <th class="num">prefetched</th>
            <th class="num">heartbeat age</th>
            <th>queues</th>
          </tr>
        </thead>
        <tbody>
          <Index each={props.run.workers}>
            {(w) => (
              <tr>
                <td>{w().hostname}</td>
                <td>
                  <span class={`wstatus ws-${w().status}`}>
                    <span aria-hidden="true">{STATUS_SHAPE[w().status] ?? "?"}</span> {w().status}
                  </span>
                </td>
                <td class="num">{w().active}</td>
                <td class="num">{w().processed}</td>
                <td class="num">{w().concurrency}</td>
                <td class="num" title={`prefetch count ${w().prefetchCount}`}>
                  {w().reserved}
                </td>
                <td class="num">{fmtS(w().lastHeartbeatS === null ? null : props.run.nowS - w().lastHeartbeatS!, 1)}</td>
                <td class="mono">{w().queues.join(", ")}</td>
              </tr>
            )}
          </Index>
        </tbody>
      </table>
      <Show when={props.run.workers.length === 0}>
        <p class="empty">No workers yet. Start one with app.worker({"{ hostname: \"w1\" }"}).</p>
      </Show>
    </div>
  );
}

export function QueuesView(props: { run: RunView }) {
  return (
    <div class="table-wrap" tabindex="0" role="region" aria-label="Queues table">
      <table class="grid" aria-label="Queues">
        <thead>
          <tr>
            <th>queue</th>
            <th class="num">depth</th>
            <th class="num">unacked</th>
            <th class="num">published</th>
            <th class="num">acked</th>
            <th class="num">in rate</th>
            <th class="num">ack rate</th>
          </tr>
        </thead>
        <tbody>
          <Index each={props.run.queues}>
            {(q) => (
              <tr>
                <td class="mono">{q().name}</td>
                <td class="num">{q().depth}</td>
                <td class="num">{q().unacked}</td>
                <td class="num">{q().published}</td>
                <td class="num">{q().acked}</td>
                <td class="num">{fmtRate(props.run.rates.get(q().name)?.inPerS ?? 0)}</td>
                <td class="num">{fmtRate(props.run.rates.get(q().name)?.outPerS ?? 0)}</td>
              </tr>
            )}
          </Index>
        </tbody>
      </table>
      <Show when={props.run.queues.length === 0}>
        <p class="empty">No queues yet.</p>
      </Show>
    </div>
  );
}
