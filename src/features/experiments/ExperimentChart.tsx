/**
 * One figure of an experiment: x is the last swept parameter, a line per combination of the
 * others, the spread across seeds (min–max) as a band around each line. uPlot is loaded on first use.
 */
import { createEffect, onCleanup, onMount } from "solid-js";
import type uPlot from "uplot";
import { figureLabel } from "../../../sim/experiment/types";
import type { PlotModel } from "./form";

let uplotModule: Promise<typeof uPlot> | null = null;
function loadUplot(): Promise<typeof uPlot> {
  uplotModule ??= Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(([m]) => (m as { default?: typeof uPlot }).default ?? (m as unknown as typeof uPlot));
  return uplotModule;
}

const COLORS = ["#5aa2ff", "#ff5d6c", "#4fcf82", "#f2b84b", "#b58cff", "#4dd0e1", "#ff8a65", "#9aa8ff"];

function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

export function ExperimentChart(props: { model: PlotModel }) {
  let box!: HTMLDivElement;
  let plot: uPlot | null = null;
  let disposed = false;

  async function draw() {
    const U = await loadUplot();
    if (disposed) return;
    const m = props.model;
    plot?.destroy();
    const xs = m.xLabels.map((_, i) => i);
    const data: (number | null)[][] = [xs];
    const series: uPlot.Series[] = [{ label: m.xTitle }];
    const bands: uPlot.Band[] = [];
    m.series.forEach((s, i) => {
      const c = COLORS[i % COLORS.length]!;
      const base = data.length;
      data.push(s.mean, s.max, s.min);
      series.push(
        { label: s.label, stroke: c, width: 2, points: { show: true, size: 6, fill: c } },
        { label: `${s.label} max`, stroke: alpha(c, 0.35), width: 1, dash: [4, 4], points: { show: false } },
        { label: `${s.label} min`, stroke: alpha(c, 0.35), width: 1, dash: [4, 4], points: { show: false } },
      );
      bands.push({ series: [base + 1, base + 2], fill: alpha(c, 0.15) });
    });
    const axis = { stroke: "#8591a1", grid: { stroke: "#252c36", width: 1 }, ticks: { stroke: "#252c36" } };
    plot = new U(
      {
        width: Math.max(260, box.clientWidth || 320),
        height: 180,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, xs.length - 0.5)] } },
        axes: [
          { ...axis, label: m.xTitle, labelSize: 16, size: 30, splits: () => xs, values: (_u, vs) => vs.map((v) => m.xLabels[Math.round(v)] ?? "") },
          { ...axis, size: 48 },
        ],
        series,
        bands,
      },
      data as uPlot.AlignedData,
      box,
    );
  }

  onMount(() => {
    createEffect(() => {
      void props.model;
      void draw();
    });
  });
  onCleanup(() => {
    disposed = true;
    plot?.destroy();
  });

  return (
    <figure class="exp-chart" data-testid={`plot-${props.model.figure}`}>
      <figcaption>
        {figureLabel(props.model.figure)}
        <span class="muted"> — mean, band: min–max across seeds</span>
      </figcaption>
      <div ref={box} class="exp-chart-box" />
      <ul class="exp-legend">
        {props.model.series.map((s, i) => (
          <li>
            <span class="swatch" style={{ background: COLORS[i % COLORS.length] }} />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
