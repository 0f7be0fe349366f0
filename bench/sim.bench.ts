/**
 * Simulator throughput: simulated updates per second of wall time, medians of 5 runs.
 *
 * Workload: a 64-CPU host with 16-bit VMIDs, 2000 two-vCPU VMs (4000 vCPUs, 62x
 * oversubscribed), uniform popularity, churn 1 per 1000 slices, mainline's put, one policy
 * (`indexed`/broadcast), slow paths timed one in 64 as by default. 2M slices per run.
 * Target on the reference machine (2 vCPUs, Node 20): at least 5 M updates/s.
 *
 * Run: npm run bench  (or node dist/bench/sim.bench.js after npm run build)
 */

import type { SimOptions } from "../src/sim/SimOptions.js";
import { simulate } from "../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../src/sim/validateSimOptions.js";
import { medianMilliseconds } from "./_support/median.js";

const TARGET_UPDATES_PER_SECOND = 5e6;
const RUNS = 5;
const OPTIONS: SimOptions = {
  ...SIM_DEFAULTS,
  seed: 1,
  cpus: 64,
  bits: 16,
  vms: 2000,
  vcpusPerVm: 2,
  slices: 2_000_000,
  churn: 1,
  popularity: "uniform",
  put: true,
  nested: false,
  policies: [{ strategy: "indexed", flush: "broadcast" }],
  sampleEvery: 64,
};

let updates = 0;
const medianMs = await medianMilliseconds("sim indexed/broadcast", RUNS, () => {
  updates = simulate(OPTIONS).workload.updates;
});
const updatesPerSecond = updates / (medianMs / 1000);
console.log(
  `simulator throughput (64 CPUs, bits 16, 2000 VMs x 2 vCPUs, churn 1, put, indexed/broadcast; ${OPTIONS.slices} slices, ${updates} updates)`,
);
console.log(
  `  median ${medianMs.toFixed(0)} ms  ${(updatesPerSecond / 1e6).toFixed(2)} M updates/s  (${RUNS} runs)`,
);
console.log(
  `target at least ${TARGET_UPDATES_PER_SECOND / 1e6} M updates/s: ${(updatesPerSecond / 1e6).toFixed(2)} M/s ${updatesPerSecond >= TARGET_UPDATES_PER_SECOND ? "MET" : "MISSED"}`,
);
