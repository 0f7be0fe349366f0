/**
 * How an axis maps values: `linear`; `log2` / `log10` (every value > 0); `asinh` (log-like
 * for large values, linear near 0, so zeros stay visible).
 */
export type AxisScale = "linear" | "log2" | "log10" | "asinh";

/** One line of a chart: its legend label and one y value per x (null = no point there). */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/**
 * Everything the browser needs to draw one chart, computed in Node by `buildCharts` and
 * embedded in the page as JSON: the client only draws, it selects nothing.
 */
export interface ChartSpec {
  /** Stable id, the container's `data-chart` attribute (e.g. `lock-ops`). */
  readonly id: string;
  readonly title: string;
  /** Axis labels, with units. */
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xScale: AxisScale;
  readonly yScale: AxisScale;
  /** The x values, ascending, shared by every series (the union of the series' x values). */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** Finite points plotted, over all series (0 = the chart shows its no-data note). */
  readonly points: number;
  /** The caption's sentences: seed, what varies, the fixed parameters, rows used. */
  readonly caption: readonly string[];
  /** Why the chart has no data, when `points` is 0. */
  readonly emptyReason?: string;
}
