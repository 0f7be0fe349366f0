import type { SimResult } from "../../../../src/sim/SimOptions.js";

/** The result without what the same seed may not repeat: wall time and measured ns. */
export function withoutTiming(result: SimResult) {
  return {
    ...result,
    elapsedMs: 0,
    policies: result.policies.map(({ policy, metrics }) => ({
      policy,
      metrics: { ...metrics, slowPathNsMedian: 0, slowPathNsP99: 0, slowPathNsMean: 0 },
    })),
  };
}
