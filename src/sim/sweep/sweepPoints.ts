import { VmidInputError } from "../../core/VmidInputError.js";
import type { SimOptions } from "../SimOptions.js";
import { SIM_DEFAULTS, validateSimOptions } from "../validateSimOptions.js";
import type { SkippedPoint, SweepConfig } from "./SweepOutput.js";

/** The grid's dimensions, in the order points are enumerated (the last varies fastest). */
export const GRID_DIMENSIONS = [
  "cpus",
  "bits",
  "vms",
  "vcpusPerVm",
  "churn",
  "put",
  "nested",
  "pinned",
  "popularity",
] as const;

/** A grid point to run: its index in enumeration order and its full options. */
export interface SweepPoint {
  readonly point: number;
  readonly options: SimOptions;
}

/**
 * Every combination of the grid's values over `base` (over the simulator's defaults), in a
 * stable order, each with the sweep's seed and policies. A combination the simulator refuses
 * (2^bits - 1 <= cpus, say) is listed as skipped with the reason, not run.
 */
export function sweepPoints(config: SweepConfig): {
  readonly points: readonly SweepPoint[];
  readonly skipped: readonly SkippedPoint[];
} {
  const base: SimOptions = {
    ...SIM_DEFAULTS,
    ...config.base,
    seed: config.seed,
    policies: config.policies,
  };
  let combinations: Partial<SimOptions>[] = [{}];
  for (const dimension of GRID_DIMENSIONS) {
    const values = config.grid[dimension];
    if (values === undefined) continue;
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ ...combination, [dimension]: value })),
    );
  }
  const points: SweepPoint[] = [];
  const skipped: SkippedPoint[] = [];
  combinations.forEach((combination, point) => {
    const options: SimOptions = { ...base, ...combination };
    try {
      validateSimOptions(options);
      points.push({ point, options });
    } catch (error) {
      if (!(error instanceof VmidInputError)) throw error;
      const { policies: _policies, ...rest } = options;
      skipped.push({ point, options: rest, reason: error.message });
    }
  });
  return { points, skipped };
}
