import type { AllocatorCounters } from "../core/AllocatorCounters.js";
import type { StressOptions } from "./StressOptions.js";
import type { ViolationReport } from "./Violation.js";

/** One worker thread's share of a run. */
export interface ThreadStats {
  readonly thread: number;
  readonly cpus: readonly number[];
  readonly events: number;
  readonly runs: number;
  readonly counters: AllocatorCounters;
}

/** Lock hold times sampled from real slow paths, in nanoseconds. */
export interface LockHoldStats {
  readonly samples: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
}

/** Measurements of a run (also of a run that stopped early). */
export interface StressStats {
  readonly elapsedMs: number;
  /** Events (runs + puts) done over all CPUs. */
  readonly events: number;
  /** Runs, i.e. updates. */
  readonly runs: number;
  readonly updatesPerSecond: number;
  /** Counters summed over all threads. */
  readonly counters: AllocatorCounters;
  readonly lockHold: LockHoldStats;
  readonly threads: readonly ThreadStats[];
}

/** A worker that crashed or made no progress. */
export interface FaultyWorker {
  readonly thread: number;
  readonly cpus: readonly number[];
  /** What it was doing: update, put, guest entry, refill, ... */
  readonly activity: string;
  readonly cpu: number;
  readonly vm: number;
}

/** Why a run could not finish. */
export interface FaultReport {
  readonly reason: "worker-error" | "watchdog";
  readonly message: string;
  readonly workers: readonly FaultyWorker[];
}

/** How a stress run ended; `replay` is the command that repeats its schedules. */
export type StressResult =
  | {
      readonly kind: "ok";
      readonly options: StressOptions;
      readonly replay: string;
      readonly stats: StressStats;
    }
  | {
      readonly kind: "violation";
      readonly options: StressOptions;
      readonly replay: string;
      readonly stats: StressStats;
      readonly violation: ViolationReport;
    }
  | {
      readonly kind: "fault";
      readonly options: StressOptions;
      readonly replay: string;
      readonly stats: StressStats;
      readonly fault: FaultReport;
    };
