/**
 * Sweep throughput: a fixed 8-point sweep (every policy) run by `runSweep` on 1 and on 2
 * worker threads, medians of 3 runs: points per second and simulated updates per second
 * (updates x policies, over wall time). Two cores: 2 workers should approach twice the
 * points per second of 1 when the machine is otherwise idle.
 *
 * Run: npm run bench  (or node dist/bench/sweep.bench.js after npm run build)
 */

import { runSweep } from "../src/sim/sweep/runSweep.js";
import type { SweepConfig } from "../src/sim/sweep/SweepOutput.js";
import { medianMilliseconds } from "./_support/median.js";

const RUNS = 3;
const CONFIG: SweepConfig = {
  seed: 1,
  base: { bits: 8, vms: 1000, vcpusPerVm: 2, slices: 250_000, churn: 1 },
  grid: { cpus: [8, 64], vms: [300, 3000], churn: [1, 20] },
  policies: ["scan", "counted", "indexed"].flatMap((strategy) =>
    (["broadcast", "deferred"] as const).map((flush) => ({
      strategy: strategy as "scan" | "counted" | "indexed",
      flush,
    })),
  ),
};

console.log(
  "sweep throughput (8 points: cpus 8/64 x vms 300/3000 x churn 1/20, bits 8, 250k slices, 6 policies)",
);
for (const jobs of [1, 2]) {
  let updates = 0;
  let points = 0;
  const medianMs = await medianMilliseconds(`sweep, ${jobs} jobs`, RUNS, async () => {
    const output = await runSweep(CONFIG, { jobs });
    points = output.points - output.skipped.length;
    updates = output.rows.reduce((sum, row) => sum + row.updates, 0);
  });
  console.log(
    `  ${jobs} job${jobs === 1 ? " " : "s"}: median ${medianMs.toFixed(0)} ms  ${(points / (medianMs / 1000)).toFixed(2)} points/s  ${(updates / (medianMs / 1000) / 1e6).toFixed(2)} M simulated updates/s (all policies)`,
  );
}
