import uPlot from "uplot";
import type { AxisScale, ChartSpec } from "../ChartSpec.js";

/** Colours told apart in print and by most colour-blind readers (Okabe-Ito). */
const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];
const MARKERS_DASH: readonly number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
const HEIGHT = 360;
const FONT = '14px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';
const LABEL_FONT = `bold ${FONT}`;

/** The uPlot scale for one of our axis scales (x is never a time scale). */
function scaleOptions(scale: AxisScale): uPlot.Scale {
  switch (scale) {
    case "log2":
      return { time: false, distr: 3, log: 2 };
    case "log10":
      return { time: false, distr: 3, log: 10 };
    case "asinh":
      // Chosen only for values >= 0 (see pickScale): start the axis at 0, not at -1.
      return {
        time: false,
        distr: 4,
        asinh: 1,
        range: (_plot, min, max) => [0, uPlot.rangeAsinh(min, max, 10, true)[1]],
      };
    default:
      return { time: false, distr: 1 };
  }
}

/** Ticks of an asinh axis over values >= 0: 0, then the powers of ten up to the top. */
function asinhSplits(_plot: uPlot, _axis: number, _min: number, max: number): number[] {
  const splits = [0];
  for (let power = 1; power <= max; power *= 10) splits.push(power);
  return splits;
}

function axis(label: string, scale: AxisScale): uPlot.Axis {
  return {
    ...(scale === "asinh" ? { splits: asinhSplits } : {}),
    // Tick labels as the legend prints numbers (comma thousands separator), not in the
    // browser's locale, which uPlot's default formatter would use.
    values: (_plot, splits) => splits.map((split) => compact(split)),
    label,
    font: FONT,
    labelFont: LABEL_FONT,
    labelSize: 28,
    stroke: "#1b1f24",
    grid: { stroke: "#e6e9ec", width: 1 },
    ticks: { stroke: "#c8ced4", width: 1 },
  };
}

/** Formats a legend or axis number compactly (no more than 4 significant digits). */
function compact(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "";
  return Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : String(Number(value.toPrecision(4)));
}

/**
 * Draws one chart into `target` (its width, `HEIGHT` tall) and returns the plot and the
 * number of finite points it was given.
 */
export function drawChart(spec: ChartSpec, target: HTMLElement): { plot: uPlot; points: number } {
  const data: uPlot.AlignedData = [
    Float64Array.from(spec.x),
    ...spec.series.map((line) => line.values.map((value) => value)),
  ];
  let points = 0;
  for (const line of spec.series) {
    for (const value of line.values) if (value !== null && Number.isFinite(value)) points++;
  }
  const series: uPlot.Series[] = [
    // The legend names x without the axis's scale note ("host CPUs", not "host CPUs (log2)").
    { label: spec.xLabel.replace(/ \(log\d+\)$/, ""), value: (_plot, value) => compact(value) },
    ...spec.series.map(
      (line, index): uPlot.Series => ({
        label: line.label,
        stroke: PALETTE[index % PALETTE.length],
        width: 2,
        dash: MARKERS_DASH[Math.floor(index / PALETTE.length) % MARKERS_DASH.length],
        spanGaps: true,
        points: { show: true, size: 8, width: 2, fill: "#ffffff" },
        value: (_plot, value) => compact(value),
      }),
    ),
  ];
  const options: uPlot.Options = {
    width: Math.max(320, target.clientWidth),
    height: HEIGHT,
    scales: { x: scaleOptions(spec.xScale), y: scaleOptions(spec.yScale) },
    axes: [axis(spec.xLabel, spec.xScale), { ...axis(spec.yLabel, spec.yScale), size: 84 }],
    series,
    padding: [12, 28, 0, 0],
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const plot = new uPlot(options, data, target);
  return { plot, points };
}
