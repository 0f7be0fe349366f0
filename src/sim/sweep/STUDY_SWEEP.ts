import type { SweepConfig } from "./SweepOutput.js";

/**
 * The built-in sweep `vmid study` runs (how long it takes is measured in the README,
 * "Duration of the study"): every policy on hosts of 8 to 4096 CPUs, 8- and 16-bit VMIDs,
 * 100 to 100,000 VMs of 2 vCPUs, 1 or 20 VMs replaced per 1000 slices, puts on deschedule
 * (mainline). `base` holds the values the
 * report's charts fix when they do not plot a dimension: a 128-CPU host (the review's
 * example) for the charts over VMs and rollover rates, 16-bit VMIDs and 100,000 VMs (enough
 * to roll over at 16 bits) for the charts over CPUs.
 */
export const STUDY_SWEEP: SweepConfig = {
  seed: 20261130,
  base: {
    cpus: 128,
    bits: 16,
    vms: 100_000,
    vcpusPerVm: 2,
    slices: 800_000,
    sliceUs: 3000,
    churn: 1,
    popularity: "uniform",
    put: true,
    nested: false,
    sampleEvery: 4,
  },
  grid: {
    cpus: [8, 32, 128, 512, 4096],
    bits: [8, 16],
    vms: [100, 1000, 10_000, 100_000],
    churn: [1, 20],
  },
  policies: [
    { strategy: "scan", flush: "broadcast" },
    { strategy: "scan", flush: "deferred" },
    { strategy: "counted", flush: "broadcast" },
    { strategy: "counted", flush: "deferred" },
    { strategy: "indexed", flush: "broadcast" },
    { strategy: "indexed", flush: "deferred" },
  ],
};
