/**
 * One time-series chart. uPlot is loaded on first use (its own chunk), so the page's first load does
 * not pay for it. Redraws are coalesced (at most one per 200 ms).
 */
import { createEffect, createSignal, onCleanup, onMount, Show } from "solid-js";
import type uPlot from "uplot";
import type { ChartData } from "./model/series";

export interface Marker {
  atS: number;
  color: string;
}

let uplotModule: Promise<typeof uPlot> | null = null;
function loadUplot(): Promise<typeof uPlot> {
  uplotModule ??= Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(([m]) => ((m as { default?: typeof uPlot }).default ?? (m as unknown as typeof uPlot)));
  return uplotModule;
}

export const PALETTE = ["#5aa2ff", "#ff5d6c", "#4fcf82", "#f2b84b", "#b58cff", "#9aa8ff", "#4dd0e1", "#ff8a65"];

export function Chart(props: { title: string; unit?: string; version: () => unknown; data: () => ChartData; markers?: () => Marker[]; playheadS?: () => number; colors?: string[]; testid?: string }) {
  let box!: HTMLDivElement;
  let plot: uPlot | null = null;
  let seriesKey = "";
  let raf = 0;
  let disposed = false;

  const colors = () => props.colors ?? PALETTE;

  /** Points only where a line cannot be drawn: a run of one bucket (shorter than a second) has one value. */
  const showPoints = (u: uPlot) => u.data[0].length < 2;

  function build(U: typeof uPlot, d: ChartData) {
    plot?.destroy();
    seriesKey = d.series.join("\u0000");
    const width = Math.max(200, box.clientWidth || 400);
    plot = new U(
      {
        width,
        height: 150,
        legend: { show: true, live: false, markers: { dash: (u, si) => (u.series[si]?.dash ? "dashed" : "solid") } },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: false } },
        axes: [
          { stroke: "#8591a1", grid: { stroke: "#252c36", width: 1 }, ticks: { stroke: "#252c36" }, values: (_u, vs) => vs.map((v) => `${v}s`), size: 28 },
          { stroke: "#8591a1", grid: { stroke: "#252c36", width: 1 }, ticks: { stroke: "#252c36" }, size: 52, values: (_u, vs) => vs.map((v) => (v === null ? "" : `${+v.toFixed(3)}${props.unit ?? ""}`)) },
        ],
        series: [
          { label: "t" },
          ...d.series.map((label, i) => {
            const style = d.styles?.[i];
            return { label, stroke: colors()[(style?.color ?? i) % colors().length], width: 1.5, dash: style?.dashed ? [5, 4] : undefined, spanGaps: false, points: { show: showPoints } };
          }),
        ],
        hooks: {
          draw: [
            (u: uPlot) => {
              const ctx = u.ctx;
              const { top, height } = u.bbox;
              const line = (x: number, color: string, dash: number[]) => {
                const px = u.valToPos(x, "x", true);
                if (!(px >= u.bbox.left && px <= u.bbox.left + u.bbox.width)) return;
                ctx.save();
                ctx.strokeStyle = color;
                ctx.setLineDash(dash);
                ctx.lineWidth = 1.5 * devicePixelRatio;
                ctx.beginPath();
                ctx.moveTo(px, top);
                ctx.lineTo(px, top + height);
                ctx.stroke();
                ctx.restore();
              };
              for (const m of props.markers?.() ?? []) line(m.atS, m.color, [4 * devicePixelRatio, 3 * devicePixelRatio]);
              const t = props.playheadS?.();
              if (t !== undefined) line(t, "#d5dbe3", []);
            },
          ],
        },
      },
      d.data as uPlot.AlignedData,
      box,
    );
  }

  const [empty, setEmpty] = createSignal(false);

  function redraw() {
    raf = 0;
    void loadUplot().then((U) => {
      if (disposed) return;
      const d = props.data();
      setEmpty((d.data[0]?.length ?? 0) === 0);
      if (!plot || d.series.join("\u0000") !== seriesKey) build(U, d);
      else plot.setData(d.data as uPlot.AlignedData);
    });
  }

  onMount(() => {
    // Fetch and evaluate uPlot now, not in the middle of the first frame that has data.
    void loadUplot();
    const ro = new ResizeObserver(() => plot?.setSize({ width: Math.max(200, box.clientWidth), height: 150 }));
    ro.observe(box);
    onCleanup(() => ro.disconnect());
  });

  // Data is computed only when drawing, at most every 200 ms (a 10k-task run folds many frames a second).
  let lastDraw = 0;
  createEffect(() => {
    props.version();
    props.markers?.();
    props.playheadS?.();
    if (raf) return;
    const wait = Math.max(0, 200 - (performance.now() - lastDraw));
    raf = window.setTimeout(() => {
      lastDraw = performance.now();
      redraw();
    }, wait);
  });

  onCleanup(() => {
    disposed = true;
    clearTimeout(raf);
    plot?.destroy();
  });

  return (
    <figure class="dash-chart" data-testid={props.testid}>
      <figcaption>
        {props.title}
        <Show when={empty()}>
          <span class="muted small"> · nothing yet: the charts plot each simulated second once it is over</span>
        </Show>
      </figcaption>
      <div ref={box} class="dash-plot" />
    </figure>
  );
}
