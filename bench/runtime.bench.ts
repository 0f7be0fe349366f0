/**
 * The concurrent runtime, measured through `runStress` (real worker threads, shared memory):
 * 1. updates/s with 1 and 2 threads on the default stress configuration (median of 3 runs);
 * 2. slow-path lock hold time, sampled from real slow paths (one in 64), at 8, 64, 512 and
 *    4096 CPUs for each strategy.
 *
 * Part 2 uses bits 13 (the smallest width that allows 4096 CPUs) and 12,000 VMs drawn
 * uniformly: a working set larger than the 8,191 ids, so rollovers recur and, once every VM
 * has run, most slow paths run the reserved lookup. 2 threads, no TLB model (it would not fit
 * at 4096 CPUs; it is not what is measured).
 *
 * Run: npm run bench  (or node dist/bench/runtime.bench.js after npm run build)
 */
import { STRATEGY_NAMES } from "../src/core/strategies/ReservedLookup.js";
import { runStress } from "../src/runtime/runStress.js";
import { STRESS_DEFAULTS, type StressOptions } from "../src/runtime/StressOptions.js";

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function run(options: StressOptions) {
  const result = await runStress(options);
  if (result.kind !== "ok")
    throw new Error(`benchmark run ended with ${result.kind}: ${result.replay}`);
  return result.stats;
}

console.log(
  "runtime throughput: vmid stress defaults (bits 8, 8 CPUs, 400 VMs x 2 vCPUs, 200k events)",
);
for (const threads of [1, 2]) {
  const rates: number[] = [];
  for (let repeat = 0; repeat < 3; repeat++) {
    const stats = await run({ ...STRESS_DEFAULTS, threads, seed: 1 + repeat });
    rates.push(stats.updatesPerSecond);
  }
  console.log(
    `  ${threads} thread${threads === 1 ? " " : "s"}: median ${Math.round(median(rates)).toLocaleString("en-US")} updates/s (runs: ${rates.map((r) => Math.round(r)).join(", ")})`,
  );
}

console.log(
  "slow-path lock hold (sampled 1 in 64): bits 13, 12k VMs uniform, 2 threads, 150k events",
);
console.log(
  "  cpus  strategy   p50 us    p99 us   samples   rollovers   lookups   CPUs visited per lookup",
);
for (const cpus of [8, 64, 512, 4096]) {
  for (const strategy of STRATEGY_NAMES) {
    const stats = await run({
      ...STRESS_DEFAULTS,
      bits: 13,
      cpus,
      threads: 2,
      vms: 12_000,
      vcpusPerVm: 1,
      events: 150_000,
      strategy,
      seed: 1,
      tlbModel: false,
    });
    const c = stats.counters;
    const perLookup = c.reservedLookups === 0 ? 0 : c.reservedCpusVisited / c.reservedLookups;
    console.log(
      `  ${String(cpus).padStart(4)}  ${strategy.padEnd(8)} ${(stats.lockHold.p50Ns / 1000).toFixed(2).padStart(8)} ${(stats.lockHold.p99Ns / 1000).toFixed(2).padStart(9)} ${String(stats.lockHold.samples).padStart(9)} ${String(c.rollovers).padStart(11)} ${String(c.reservedLookups).padStart(9)}   ${perLookup.toFixed(1)}`,
    );
  }
}
