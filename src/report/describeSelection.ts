import type { SweepOutput } from "../sim/sweep/SweepOutput.js";
import type { FixedParameter, ParameterValue, RowSelection } from "./selectRows.js";

const MAX_POINTS_LISTED = 24;

/**
 * A chart's caption, as sentences: the seed and the rows (grid points) it plots, what varies,
 * the values the chart fixes, the values the selection rule fixed (with every value the
 * sweep has), and the values every run of the sweep shares.
 */
export function describeSelection(
  output: SweepOutput,
  selection: RowSelection,
  varies: string,
): string[] {
  const points = [...new Set(selection.rows.map((row) => row.point))].sort((a, b) => a - b);
  const listed =
    points.length <= MAX_POINTS_LISTED
      ? points.join(", ")
      : `${points.slice(0, MAX_POINTS_LISTED).join(", ")}, ... (${points.length - MAX_POINTS_LISTED} more)`;
  const sentences = [
    `Seed ${output.config.seed}. ${selection.rows.length} of ${output.rows.length} rows` +
      (points.length > 0 ? `, grid points ${listed}.` : "."),
    `Varies: ${varies}.`,
  ];
  if (selection.byChart.length > 0) {
    sentences.push(`Fixed by this chart: ${selection.byChart.map(assignment).join(", ")}.`);
  }
  if (selection.byRule.length > 0) {
    sentences.push(
      `Fixed by the selection rule (config.base, else first in config.grid): ${selection.byRule
        .map((fixed) => `${assignment(fixed)} (sweep: ${fixed.values.map(show).join(", ")})`)
        .join(", ")}.`,
    );
  }
  if (selection.constant.length > 0) {
    sentences.push(`Same in every run: ${selection.constant.map(assignment).join(", ")}.`);
  }
  return sentences;
}

function assignment(fixed: FixedParameter): string {
  return `${fixed.parameter} = ${show(fixed.value)}`;
}

function show(value: ParameterValue): string {
  return String(value);
}
