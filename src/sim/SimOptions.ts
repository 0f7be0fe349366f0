import type { AllocatorName } from "../core/IdSpace.js";
import type { Policy } from "./Policy.js";

/** How often each VM is picked to run: all alike, or Zipf-distributed with `zipfSkew`. */
export type Popularity = "uniform" | "zipf";

/**
 * One simulated host. Time advances in scheduler time slices: each CPU, at the end of its
 * slice, deschedules its vCPU (a put, when `put` is on) and loads the next runnable vCPU
 * (an update), or idles when no vCPU is runnable. The workload never depends on the
 * allocator, so every policy sees exactly the same sequence of updates and puts.
 */
export interface SimOptions {
  /** PRNG seed, an integer 0..4294967295; the same seed gives the same result. */
  readonly seed: number;
  /** Host CPUs, 1..4096. */
  readonly cpus: number;
  /** VMID width, 2..24 (arm64 hardware: 8 or 16), with 2^bits - 1 > cpus. */
  readonly bits: number;
  /**
   * `vmid` (the default) or `asid`: the arm64 ASID allocator, which has no put (`put` must be
   * false) and only the deferred flush (every policy's `flush`). See IdSpaceOptions.
   */
  readonly allocator?: AllocatorName;
  /** ASID allocator: KPTI pairs (half the ids usable). */
  readonly kpti?: boolean;
  /** VMs alive at any moment, 1..1,000,000 (churn replaces VMs, keeping the count). */
  readonly vms: number;
  /** vCPUs per VM, 1..64. Oversubscription = vms x vcpusPerVm / cpus. */
  readonly vcpusPerVm: number;
  /** Scheduler slices to simulate, summed over all CPUs (each ends in a context switch), >= 1. */
  readonly slices: number;
  /** Mean slice length in microseconds (slices are drawn from 0.5..1.5 x this), > 0. */
  readonly sliceUs: number;
  /** VM replacements (one VM destroyed, a new one created) per 1000 slices, >= 0. */
  readonly churn: number;
  readonly popularity: Popularity;
  /** Zipf exponent when `popularity` is `zipf`, > 0 (1 = classic Zipf). */
  readonly zipfSkew: number;
  /** Mainline: a descheduled vCPU is put (clearActive); the seed: no put. */
  readonly put: boolean;
  /**
   * Nested virtualisation: each VM has up to 2 x vcpusPerVm shadow stage-2 contexts besides
   * its own, each with its own VMID; a slice runs the VM's own context or a shadow one.
   */
  readonly nested: boolean;
  /**
   * Pinned ids: the VMs in the first `pinned` slots keep their own stage-2 context pinned (as
   * for a device sharing the VM's VMID) for the whole run; a churned-out pinned VM's pin passes
   * to the VM replacing it. 0..min(vms, maxPinned), maxPinned = 2^bits - cpus - 2
   * (2^bits halved under KPTI).
   */
  readonly pinned: number;
  /** The allocator configurations to compare, each over the same workload; at least one. */
  readonly policies: readonly Policy[];
  /** Time one slow path in this many with the real allocator code (0 = no timing). */
  readonly sampleEvery: number;
}

/** Per-policy results of one simulation, all counts over the whole run. */
export interface PolicyMetrics {
  /** Updates (vCPU loads) run. */
  readonly updates: number;
  readonly fastPathHits: number;
  /** fastPathHits / updates x 100. */
  readonly fastPathPercent: number;
  readonly slowPathEntries: number;
  readonly rollovers: number;
  /** rollovers / updates x 1e6. */
  readonly rolloversPerMillionUpdates: number;
  readonly reservedHits: number;
  readonly reservedLookups: number;
  /** CPUs whose reservation the lookups compared, in total. */
  readonly reservedCpusVisited: number;
  /** reservedCpusVisited / slowPathEntries. */
  readonly reservedCpusVisitedPerSlowPath: number;
  /** The most CPUs one lookup compared. */
  readonly reservedCpusVisitedMax: number;
  readonly bitmapWordsSearched: number;
  readonly broadcastFlushes: number;
  readonly localFlushes: number;
  /** CPU TLBs flushed: cpus per broadcast, one per local flush. */
  readonly cpusFlushed: number;
  /** Lookups `counted` answered without its loop (0 for other strategies). */
  readonly countedSkips: number;
  /** countedSkips / reservedLookups x 100 (0 when there was no lookup). */
  readonly countedSkipPercentOfLookups: number;
  /** countedSkips / slowPathEntries x 100. */
  readonly countedSkipPercentOfSlowPaths: number;
  /**
   * Operations under the lock in the cost model (see `lockCostModel`): per slow path 1, plus
   * every reservation compared, every bitmap word searched, and per rollover the bitmap words
   * cleared and one exchange per CPU.
   */
  readonly lockOps: number;
  /** lockOps / slowPathEntries. */
  readonly lockOpsPerSlowPath: number;
  /** Sampled slow paths timed (real allocator code, this machine). */
  readonly slowPathSamples: number;
  /** Median and 99th percentile of the sampled slow paths, ns (0 when none sampled). */
  readonly slowPathNsMedian: number;
  readonly slowPathNsP99: number;
  /**
   * Mean of the sampled slow paths, ns (0 when none sampled): the estimate of lock hold time
   * per slow path (the median hides the rare long lookups that make up the total).
   */
  readonly slowPathNsMean: number;
}

/** What the workload did, the same for every policy. */
export interface WorkloadStats {
  readonly updates: number;
  readonly puts: number;
  /** Slices a CPU spent idle (no runnable vCPU). */
  readonly idleSlices: number;
  readonly vmsCreated: number;
  readonly vmsDestroyed: number;
  /** Distinct stage-2 contexts (allocator VMs) that ran at least once or were pinned (both get an id). */
  readonly contextsRun: number;
  /** Simulated time, ms (the latest CPU clock). */
  readonly simulatedMs: number;
}

/** One simulation: the options it ran with (seed included), the workload and each policy's metrics. */
export interface SimResult {
  readonly options: SimOptions;
  readonly workload: WorkloadStats;
  readonly policies: readonly { readonly policy: Policy; readonly metrics: PolicyMetrics }[];
  /** Whether every policy returned the first policy's id on every update (must be true). */
  readonly idsIdentical: boolean;
  /** Wall-clock time of the run, ms. */
  readonly elapsedMs: number;
}
