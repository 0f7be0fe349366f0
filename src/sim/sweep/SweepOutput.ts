import type { Policy } from "../Policy.js";
import type { PolicyMetrics, SimOptions } from "../SimOptions.js";

/**
 * A sweep's configuration (the JSON file `vmid sweep` reads, validated by `sweepConfigSchema`):
 * `base` options, a grid of values to combine (every combination is one point), the
 * policies every point compares, and the seed every point runs with.
 */
export interface SweepConfig {
  readonly seed: number;
  readonly base: Partial<Omit<SimOptions, "seed" | "policies">>;
  readonly grid: {
    readonly cpus?: readonly number[];
    readonly bits?: readonly number[];
    readonly vms?: readonly number[];
    readonly vcpusPerVm?: readonly number[];
    readonly churn?: readonly number[];
    readonly put?: readonly boolean[];
    readonly nested?: readonly boolean[];
    readonly pinned?: readonly number[];
    readonly popularity?: readonly ("uniform" | "zipf")[];
  };
  readonly policies: readonly Policy[];
}

/** One row of a sweep's results: a point's parameters, one policy, its metrics (CSV and JSON alike). */
export interface SweepRow extends PolicyMetrics {
  /** The point's index in the grid's order. */
  readonly point: number;
  readonly seed: number;
  readonly cpus: number;
  readonly bits: number;
  readonly vms: number;
  readonly vcpusPerVm: number;
  readonly slices: number;
  readonly sliceUs: number;
  readonly churn: number;
  readonly popularity: "uniform" | "zipf";
  readonly zipfSkew: number;
  readonly put: boolean;
  readonly nested: boolean;
  /** VMs whose VMID stays pinned (0 in sweeps made before pinned ids). */
  readonly pinned: number;
  readonly strategy: Policy["strategy"];
  readonly flush: Policy["flush"];
  /** Workload facts of the point (equal on all its rows). */
  readonly simulatedMs: number;
  readonly contextsRun: number;
  /** Wall-clock ms the whole point took (all its policies). */
  readonly pointElapsedMs: number;
}

/** A grid point that was not run, and why (e.g. 2^bits - 1 <= cpus). */
export interface SkippedPoint {
  readonly point: number;
  readonly options: Omit<SimOptions, "policies">;
  readonly reason: string;
}

/** What `vmid sweep` writes to `sweep.json` and `vmid report` reads. */
export interface SweepOutput {
  readonly format: "vmid-sweep";
  readonly version: 1;
  readonly config: SweepConfig;
  readonly rows: readonly SweepRow[];
  readonly skipped: readonly SkippedPoint[];
  /** Points in the grid, run or skipped. */
  readonly points: number;
  /** Wall-clock ms of the sweep (across resumes: the sum of the finished points'). */
  readonly elapsedMs: number;
}
