import type { AllocatorCounters } from "../../core/AllocatorCounters.js";
import { lockOps } from "../lockCostModel.js";
import type { PolicyMetrics } from "../SimOptions.js";

/** `part / whole x scale`, 0 when `whole` is 0. */
function ratio(part: number, whole: number, scale = 1): number {
  return whole === 0 ? 0 : (part / whole) * scale;
}

/**
 * The nearest-rank percentile of ascending `sorted`: the smallest sample with at least
 * `percent`% of the samples at or below it; 0 when there is none.
 */
export function nearestRank(sorted: Float64Array, percent: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * A policy's metrics from its allocator's counters, the workload's update count (equal to
 * the counters' fast + slow paths) and its timed slow paths (ns). Definitions: `PolicyMetrics`.
 */
export function policyMetrics(
  counters: Readonly<AllocatorCounters>,
  updates: number,
  slowPathNs: readonly number[],
  bits: number,
  cpus: number,
): PolicyMetrics {
  const slowPaths = counters.slowPathEntries;
  const ops = lockOps(counters, bits, cpus);
  const sorted = Float64Array.from(slowPathNs).sort();
  return {
    updates,
    fastPathHits: counters.fastPathHits,
    fastPathPercent: ratio(counters.fastPathHits, updates, 100),
    slowPathEntries: slowPaths,
    rollovers: counters.rollovers,
    rolloversPerMillionUpdates: ratio(counters.rollovers, updates, 1e6),
    reservedHits: counters.reservedHits,
    reservedLookups: counters.reservedLookups,
    reservedCpusVisited: counters.reservedCpusVisited,
    reservedCpusVisitedPerSlowPath: ratio(counters.reservedCpusVisited, slowPaths),
    reservedCpusVisitedMax: counters.reservedCpusVisitedMax,
    bitmapWordsSearched: counters.bitmapWordsSearched,
    broadcastFlushes: counters.broadcastFlushes,
    localFlushes: counters.localFlushes,
    cpusFlushed: counters.cpusFlushed,
    countedSkips: counters.reservedLookupsSkipped,
    countedSkipPercentOfLookups: ratio(
      counters.reservedLookupsSkipped,
      counters.reservedLookups,
      100,
    ),
    countedSkipPercentOfSlowPaths: ratio(counters.reservedLookupsSkipped, slowPaths, 100),
    lockOps: ops,
    lockOpsPerSlowPath: ratio(ops, slowPaths),
    slowPathSamples: sorted.length,
    slowPathNsMedian: nearestRank(sorted, 50),
    slowPathNsP99: nearestRank(sorted, 99),
    slowPathNsMean:
      sorted.length === 0 ? 0 : sorted.reduce((sum, ns) => sum + ns, 0) / sorted.length,
  };
}
