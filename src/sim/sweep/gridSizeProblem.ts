import { formatNumber } from "../../_internal/formatNumber.js";
import { GRID_DIMENSIONS } from "./GRID_DIMENSIONS.js";
import type { SweepConfig } from "./SweepOutput.js";

/**
 * Most points (run or skipped) one sweep's grid may have. A point's rows take about 1 KB of
 * sweep.json per policy, so 10,000 points of 6 policies make a 60 MB file for the report to
 * load; and at the study's sizes a point takes seconds of simulation, so 10,000 points are
 * days on a laptop. A larger grid is refused before it is expanded.
 */
export const MAX_SWEEP_POINTS = 10_000;

/**
 * Why `grid` is too large to sweep, or undefined when it is not: counts its points as the
 * product of its dimensions' lengths, without enumerating them.
 */
export function gridSizeProblem(grid: SweepConfig["grid"]): string | undefined {
  const axes = GRID_DIMENSIONS.flatMap((dimension) => {
    const values = grid[dimension];
    return values === undefined ? [] : [`${dimension} ${values.length}`];
  });
  const points = GRID_DIMENSIONS.reduce(
    (product, dimension) => product * (grid[dimension]?.length ?? 1),
    1,
  );
  if (points <= MAX_SWEEP_POINTS) return undefined;
  return `the grid has ${formatNumber(points)} points (${axes.join(" x ")}), more than the ${formatNumber(MAX_SWEEP_POINTS)} one sweep may run: split it into several sweeps`;
}
