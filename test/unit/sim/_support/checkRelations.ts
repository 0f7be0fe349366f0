import assert from "node:assert/strict";
import type { SimResult } from "../../../../src/sim/SimOptions.js";

/** Counts every policy must share: identical ids mean identical decisions under the lock. */
const SHARED = [
  "updates",
  "fastPathHits",
  "slowPathEntries",
  "rollovers",
  "reservedHits",
  "reservedLookups",
  "bitmapWordsSearched",
] as const;

/**
 * Checks the relations that hold on every simulation, whatever the workload:
 * - every update is a fast path or a slow path;
 * - all policies agree on the counts in SHARED (their ids are identical);
 * - broadcast: one flush of every CPU per rollover; deferred: no broadcast, at most one local
 *   flush per CPU per rollover (a CPU's mark is set once per rollover and cleared by its flush);
 * - scan compares every CPU per lookup; counted every CPU per lookup it does not skip;
 *   indexed at most what scan compares; only counted skips;
 * - lockOps follows the cost model (recomputed here from its definition);
 * - the percentages and ratios follow from the counts;
 * - one slow path timed in `sampleEvery`.
 */
export function checkRelations(result: SimResult): void {
  const { options, workload } = result;
  const { cpus, bits, sampleEvery } = options;
  assert.equal(result.idsIdentical, true, "ids identical");
  const first = result.policies[0].metrics;
  const scanVisited = (m: typeof first) => m.reservedLookups * cpus;
  for (const { policy, metrics: m } of result.policies) {
    const label = `${policy.strategy}/${policy.flush}`;
    assert.equal(m.updates, workload.updates, `${label}: updates`);
    assert.equal(m.fastPathHits + m.slowPathEntries, m.updates, `${label}: fast + slow`);
    for (const key of SHARED)
      assert.equal(m[key], first[key], `${label}: ${key} as ${key} of the first policy`);
    if (policy.flush === "broadcast") {
      assert.equal(m.broadcastFlushes, m.rollovers, `${label}: one broadcast per rollover`);
      assert.equal(m.cpusFlushed, m.rollovers * cpus, `${label}: cpusFlushed`);
      assert.equal(m.localFlushes, 0, `${label}: no local flush`);
    } else {
      assert.equal(m.broadcastFlushes, 0, `${label}: no broadcast`);
      assert.ok(m.localFlushes <= m.rollovers * cpus, `${label}: localFlushes <= rollovers x cpus`);
      assert.equal(m.cpusFlushed, m.localFlushes, `${label}: cpusFlushed`);
    }
    if (policy.strategy !== "counted") assert.equal(m.countedSkips, 0, `${label}: no skips`);
    if (policy.strategy === "scan") {
      assert.equal(m.reservedCpusVisited, scanVisited(m), `${label}: scan visits all`);
      assert.equal(m.reservedCpusVisitedMax, m.reservedLookups > 0 ? cpus : 0, `${label}: max`);
    }
    if (policy.strategy === "counted") {
      assert.equal(m.reservedCpusVisited, (m.reservedLookups - m.countedSkips) * cpus, label);
      assert.ok(m.countedSkips <= m.reservedLookups, `${label}: skips <= lookups`);
    }
    if (policy.strategy === "indexed") {
      assert.ok(m.reservedCpusVisited <= scanVisited(m), `${label}: indexed <= scan`);
    }
    assert.ok(m.reservedHits <= m.reservedLookups, `${label}: hits <= lookups`);
    assert.ok(m.reservedLookups <= m.slowPathEntries, `${label}: lookups <= slow paths`);
    const expectedLockOps =
      m.slowPathEntries +
      m.reservedCpusVisited +
      m.bitmapWordsSearched +
      m.rollovers * (Math.ceil(2 ** bits / 32) + cpus);
    assert.equal(m.lockOps, expectedLockOps, `${label}: lockOps`);
    const percent = (part: number, whole: number, scale = 100) =>
      whole === 0 ? 0 : (part / whole) * scale;
    assert.equal(m.fastPathPercent, percent(m.fastPathHits, m.updates), `${label}: fast %`);
    assert.equal(m.rolloversPerMillionUpdates, percent(m.rollovers, m.updates, 1e6), label);
    assert.equal(
      m.reservedCpusVisitedPerSlowPath,
      percent(m.reservedCpusVisited, m.slowPathEntries, 1),
      label,
    );
    assert.equal(m.countedSkipPercentOfLookups, percent(m.countedSkips, m.reservedLookups), label);
    assert.equal(
      m.countedSkipPercentOfSlowPaths,
      percent(m.countedSkips, m.slowPathEntries),
      label,
    );
    assert.equal(m.lockOpsPerSlowPath, percent(m.lockOps, m.slowPathEntries, 1), label);
    const samples = sampleEvery === 0 ? 0 : Math.floor(m.slowPathEntries / sampleEvery);
    assert.equal(m.slowPathSamples, samples, `${label}: one slow path timed in ${sampleEvery}`);
    assert.ok(m.slowPathNsMedian <= m.slowPathNsP99, `${label}: median <= p99`);
    if (samples === 0) {
      assert.equal(m.slowPathNsP99, 0, `${label}: no sample, 0 ns`);
      assert.equal(m.slowPathNsMean, 0, `${label}: no sample, mean 0`);
    } else {
      // A mean lies within the samples' range, whose top is at least the p99 sample.
      assert.ok(m.slowPathNsMean > 0, `${label}: mean of positive times`);
    }
  }
  // Workload: at least slice 1 loads a vCPU (all are free then); each put deschedules a vCPU
  // an earlier update loaded; a slice updates, idles or continues.
  const contextsPerVm = options.nested ? 1 + 2 * options.vcpusPerVm : 1;
  assert.ok(workload.updates >= 1, "updates >= 1");
  assert.ok(workload.puts <= workload.updates, "puts <= updates");
  if (!options.put) assert.equal(workload.puts, 0, "no put without put");
  assert.ok(workload.updates + workload.idleSlices <= options.slices, "updates + idle <= slices");
  assert.equal(workload.vmsCreated, workload.vmsDestroyed, "one VM created per VM destroyed");
  if (options.churn === 0) assert.equal(workload.vmsCreated, 0, "no churn, no new VM");
  assert.ok(workload.contextsRun >= 1 && workload.contextsRun <= workload.updates, "contextsRun");
  assert.ok(
    workload.contextsRun <= (options.vms + workload.vmsCreated) * contextsPerVm,
    "contextsRun <= contexts that existed",
  );
  assert.ok(workload.simulatedMs > 0, "time advanced");
}
