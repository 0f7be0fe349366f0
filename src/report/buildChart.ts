import type { SweepOutput, SweepRow } from "../sim/sweep/SweepOutput.js";
import type { AxisScale, ChartSeries, ChartSpec } from "./ChartSpec.js";
import { describeSelection } from "./describeSelection.js";
import { type ParameterValue, type SweepParameter, selectRows } from "./selectRows.js";

/** What one chart plots; `buildChart` turns it into a `ChartSpec` for a given sweep. */
export interface ChartDefinition {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** A scale, or `auto` (see `pickScale`). */
  readonly xScale: AxisScale | "auto";
  readonly yScale: AxisScale | "auto";
  /** The parameters left free: the x parameter, the series parameter, any other that varies. */
  readonly free: readonly SweepParameter[];
  /** Values the chart itself fixes, e.g. `{ flush: "broadcast" }`. */
  readonly byChart: Partial<Record<SweepParameter, ParameterValue>>;
  /** The parameter whose values make the series, and how one value is labelled. */
  readonly seriesBy: SweepParameter;
  readonly seriesLabel: (value: ParameterValue) => string;
  /** Preferred series order (values not listed follow, ascending or in order of appearance). */
  readonly seriesOrder?: readonly ParameterValue[];
  /** A row's x and y; null or a non-finite number = no point. */
  readonly x: (row: SweepRow) => number | null;
  readonly y: (row: SweepRow) => number | null;
  /** What varies, in words, for the caption (e.g. `cpus (x axis) and strategy (series)`). */
  readonly varies: string;
  /** Extra caption sentences (units, how a value was measured). */
  readonly notes?: readonly string[];
}

/**
 * Builds one chart: selects its rows (`selectRows`), groups them by series, sorts x ascending,
 * and averages the y values of rows that share an x in one series (the caption says how many
 * points are such means). x values a log scale cannot show (<= 0) are dropped.
 */
export function buildChart(output: SweepOutput, definition: ChartDefinition): ChartSpec {
  const selection = selectRows(output, definition.free, definition.byChart);
  const groups = new Map<ParameterValue, Map<number, number[]>>();
  for (const row of selection.rows) {
    const x = definition.x(row);
    const y = definition.y(row);
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const key = row[definition.seriesBy];
    let byX = groups.get(key);
    if (byX === undefined) {
      byX = new Map();
      groups.set(key, byX);
    }
    const ys = byX.get(x);
    if (ys === undefined) byX.set(x, [y]);
    else ys.push(y);
  }
  const allX = [...new Set([...groups.values()].flatMap((byX) => [...byX.keys()]))];
  const xScale = definition.xScale === "auto" ? pickScale(allX) : definition.xScale;
  const x = allX.filter((value) => isLinearLike(xScale) || value > 0).sort((a, b) => a - b);
  let averaged = 0;
  const series: ChartSeries[] = orderKeys([...groups.keys()], definition.seriesOrder).map((key) => {
    const byX = groups.get(key) ?? new Map<number, number[]>();
    const values = x.map((value) => {
      const ys = byX.get(value);
      if (ys === undefined) return null;
      if (ys.length > 1) averaged++;
      return ys.reduce((sum, y) => sum + y, 0) / ys.length;
    });
    return { label: definition.seriesLabel(key), values };
  });
  const allY = series.flatMap((line) => line.values.filter((value) => value !== null));
  const yScale = definition.yScale === "auto" ? pickScale(allY) : definition.yScale;
  const plotted = series.map((line) => ({
    label: line.label,
    values: line.values.map((value) =>
      value === null || (!isLinearLike(yScale) && value <= 0) ? null : value,
    ),
  }));
  const points = plotted.reduce(
    (sum, line) => sum + line.values.filter((value) => value !== null).length,
    0,
  );
  const caption = describeSelection(output, selection, definition.varies);
  if (averaged > 0) {
    caption.push(
      `${averaged} plotted point${averaged === 1 ? " is the mean" : "s are means"} of several rows with the same x in one series.`,
    );
  }
  caption.push(...(definition.notes ?? []));
  const spec: ChartSpec = {
    id: definition.id,
    title: definition.title,
    xLabel: definition.xLabel,
    yLabel: definition.yLabel,
    xScale,
    yScale,
    x,
    series: plotted,
    points,
    caption,
  };
  if (points > 0) return spec;
  const emptyReason =
    selection.emptyReason ??
    (selection.rows.length === 0 ? "no row matches" : "the selected rows have no value to plot");
  return { ...spec, emptyReason };
}

/**
 * `auto` scale: log10 when every value is > 0 and the largest is at least 50x the smallest;
 * asinh when some are 0 (log-like, but 0 stays on the chart) with the same spread among the
 * positive ones; otherwise linear.
 */
export function pickScale(values: readonly number[]): AxisScale {
  const positive = values.filter((value) => value > 0);
  if (positive.length === 0 || values.some((value) => value < 0)) return "linear";
  const spread = Math.max(...positive) / Math.min(...positive);
  if (spread < 50) return "linear";
  return positive.length === values.length ? "log10" : "asinh";
}

function isLinearLike(scale: AxisScale): boolean {
  return scale === "linear" || scale === "asinh";
}

/** `order` first, then numbers ascending, then the rest in order of appearance. */
function orderKeys(
  keys: readonly ParameterValue[],
  order: readonly ParameterValue[] = [],
): ParameterValue[] {
  const listed = order.filter((key) => keys.includes(key));
  const rest = keys.filter((key) => !order.includes(key));
  const numbers = rest.filter((key) => typeof key === "number").sort((a, b) => a - b);
  return [...listed, ...numbers, ...rest.filter((key) => typeof key !== "number")];
}
